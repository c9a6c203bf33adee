-- Adjust: corrects on hand after a stock count (found, missing, damaged, ...). A serialized part adds
-- serials into the bin and removes serials from wherever they are on hand; a part tracked by quantity
-- changes by a signed delta. Never leaves on hand below reserved. A rise serves the part's backorders.
-- args: part, bin, delta, serialsAdded[], serialsRemoved[], reasonCode, reference
local earlier = earlier_result()
if earlier then return earlier end

local part = args.part
local serialized = #args.serialsAdded > 0 or #args.serialsRemoved > 0
local tracking = serialized and 'serial' or 'quantity'
local refusal = tracking_refusal(part, tracking)
if refusal then return refusal end
for _, serial in ipairs(args.serialsAdded) do
  local place, bin = place_of(part, serial)
  if place ~= 'none' then return already_held(part, serial, place, bin) end
end
local removed_bins = {}
for i, serial in ipairs(args.serialsRemoved) do
  removed_bins[i] = redis.call('HGET', key('serials:' .. part), serial)
  if not removed_bins[i] then
    return refuse('RuleViolation', string.format('serial %s of part %s is not on hand at centre %s', serial, part, centre))
  end
end
local delta = args.delta
if serialized then delta = #args.serialsAdded - #args.serialsRemoved end
local level = read_level(part)
if level.on_hand + delta < level.reserved then
  return refuse('RuleViolation', string.format('adjusting part %s at centre %s by %d would leave %d on hand for %d reserved',
    part, centre, delta, level.on_hand + delta, level.reserved))
end

local serials, moves = {}, {}
for _, serial in ipairs(args.serialsAdded) do
  redis.call('HSET', key('serials:' .. part), serial, args.bin)
  table.insert(serials, serial)
  table.insert(moves, serial_move(serial, 'none', 'on-hand', args.bin))
end
for i, serial in ipairs(args.serialsRemoved) do
  redis.call('HDEL', key('serials:' .. part), serial)
  table.insert(serials, serial)
  table.insert(moves, serial_move(serial, 'on-hand', 'none', removed_bins[i]))
end
redis.call('HSET', key('tracking'), part, tracking)
local d = deltas(delta, 0, 0, 0, 0)
apply(level, d)
-- Units counted in the change: every serial added or removed, or the size of the delta.
local quantity = serialized and #serials or math.abs(delta)
local movement = new_movement(call.movementId, part, 'adjusted', tracking, {
  bin = args.bin, serials = serials, quantity = quantity, deltas = d, serialMoves = moves,
  reference = args.reference, reasonCode = args.reasonCode,
})
append(movement)
local served = {}
if delta > 0 then served = serve_backorders(part, level, tracking) end
return finish(part, level, movement, served)
