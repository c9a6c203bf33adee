-- Faulty in: a faulty part arrives at the centre (a swap's return, a DOA unit) and waits for inspection.
-- args: part, serial ('' for a part tracked by quantity), quantity, reference
local earlier = earlier_result()
if earlier then return earlier end

local part = args.part
local tracking = args.serial ~= '' and 'serial' or 'quantity'
local refusal = tracking_refusal(part, tracking)
if refusal then return refusal end
local serials, moves = {}, {}
if args.serial ~= '' then
  local place, bin = place_of(part, args.serial)
  if place ~= 'none' then return already_held(part, args.serial, place, bin) end
  serials = { args.serial }
  moves = { serial_move(args.serial, 'none', 'faulty', '') }
end

local level = read_level(part)
if args.serial ~= '' then redis.call('HSET', key('faulty:' .. part), args.serial, 'faulty') end
redis.call('HSET', key('tracking'), part, tracking)
local d = deltas(0, 0, 0, args.quantity, 0)
apply(level, d)
local movement = new_movement(call.movementId, part, 'faulty-in', tracking, {
  serials = serials, quantity = args.quantity, deltas = d, serialMoves = moves, reference = args.reference,
})
append(movement)
return finish(part, level, movement, {})
