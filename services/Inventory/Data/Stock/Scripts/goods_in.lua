-- Goods in: stock from a supplier arrives on hand, into a bin; then the part's backorders are served.
-- args: part, serialized, bin, serials[], quantity (= the number of serials for a serialized part), reference, batch
local earlier = earlier_result()
if earlier then return earlier end

local part = args.part
local tracking = args.serialized and 'serial' or 'quantity'
local refusal = tracking_refusal(part, tracking)
if refusal then return refusal end
for _, serial in ipairs(args.serials) do
  local place, bin = place_of(part, serial)
  if place ~= 'none' then return already_held(part, serial, place, bin) end
end

local level = read_level(part)
local d = deltas(args.quantity, 0, 0, 0, 0)
apply(level, d)
local moves = {}
for _, serial in ipairs(args.serials) do
  redis.call('HSET', key('serials:' .. part), serial, args.bin)
  table.insert(moves, serial_move(serial, 'none', 'on-hand', args.bin))
end
redis.call('HSET', key('tracking'), part, tracking)
local movement = new_movement(call.movementId, part, 'goods-in', tracking, {
  bin = args.bin, serials = args.serials, quantity = args.quantity, deltas = d, serialMoves = moves, reference = args.reference, batch = args.batch,
})
append(movement)
local served = serve_backorders(part, level, tracking)
return finish(part, level, movement, served)
