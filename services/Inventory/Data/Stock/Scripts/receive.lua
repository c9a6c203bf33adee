-- Receive at destination: units in transit from this centre are signed for where they went and leave
-- the centre's books. Partial receipt is allowed; never more than is in transit.
-- The same move writes off units lost in transit (kind 'lost-in-transit': a lost-in-transit investigation approved).
-- args: part, serials[] (a serialized part), quantity, reference, kind ('received' or 'lost-in-transit')
local earlier = earlier_result()
if earlier then return earlier end

local part = args.part
local tracking = tracking_of(part)
local reservation_ids = {}
if #args.serials > 0 then
  local refusal = tracking_refusal(part, 'serial')
  if refusal then return refusal end
  for i, serial in ipairs(args.serials) do
    reservation_ids[i] = redis.call('HGET', key('in_transit:' .. part), serial)
    if not reservation_ids[i] then
      return refuse('RuleViolation', string.format('serial %s of part %s is not in transit from centre %s', serial, part, centre))
    end
  end
elseif tracking == 'serial' then
  return refuse('InvalidField', string.format('part %s is tracked by serial number at centre %s; name the serials received', part, centre), 'serials')
end
local level = read_level(part)
if level.in_transit < args.quantity then
  return refuse('RuleViolation', string.format('only %d of part %s in transit from centre %s', level.in_transit, part, centre))
end

local moves = {}
for _, serial in ipairs(args.serials) do
  redis.call('HDEL', key('in_transit:' .. part), serial)
  table.insert(moves, serial_move(serial, 'in-transit', 'none', ''))
end
-- The movement names the reservation when all its serials came from one.
local reservation_id = reservation_ids[1] or ''
for _, id in ipairs(reservation_ids) do
  if id ~= reservation_id then reservation_id = '' end
end
local d = deltas(0, 0, -args.quantity, 0, 0)
apply(level, d)
local kind = args.kind
if kind ~= 'lost-in-transit' then kind = 'received' end
local movement = new_movement(call.movementId, part, kind, tracking, {
  serials = args.serials, quantity = args.quantity, deltas = d, serialMoves = moves, reference = args.reference,
  reservationId = reservation_id,
})
append(movement)
return finish(part, level, movement, {})
