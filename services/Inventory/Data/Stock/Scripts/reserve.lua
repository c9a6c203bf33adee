-- Reserve: holds units of a part for a request, never more than available; when short, either refuses
-- or queues the request as a backorder (served when stock arrives).
-- args: part, quantity, reference, reservationId, serviceLevel, requestedAt, priority, backorderIfShort
local earlier = earlier_result()
if earlier then return earlier end

local reservation = key('reservation:' .. args.reservationId)
if redis.call('EXISTS', reservation) == 1 then
  return refuse('AlreadyExists', string.format('reservation %s already exists at centre %s', args.reservationId, centre))
end
local part = args.part
local level = read_level(part)
local available = level.on_hand - level.reserved
local state, d
if args.quantity <= available then
  state, d = 'reserved', deltas(0, args.quantity, 0, 0, 0)
elseif args.backorderIfShort then
  state, d = 'backordered', deltas()
else
  return refuse('RuleViolation', string.format('only %d of part %s available at centre %s', available, part, centre))
end

redis.call('HSET', reservation, 'part', part, 'quantity', args.quantity, 'reference', args.reference, 'state', state,
  'service_level', args.serviceLevel, 'requested_at', args.requestedAt)
if state == 'backordered' then
  redis.call('ZADD', key('backorders:' .. part), args.priority, args.reservationId)
end
apply(level, d)
local movement = new_movement(call.movementId, part, state, tracking_of(part), {
  quantity = args.quantity, deltas = d, reference = args.reference, reservationId = args.reservationId,
})
append(movement)
return finish(part, level, movement, {})
