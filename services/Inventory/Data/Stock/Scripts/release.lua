-- Release: a reservation is no longer needed. A reserved one gives its units back to available (and the
-- part's backorders are served); a backordered one leaves the queue.
-- args: reservationId
local earlier = earlier_result()
if earlier then return earlier end

local reservation = key('reservation:' .. args.reservationId)
local r = redis.call('HMGET', reservation, 'part', 'quantity', 'reference', 'state')
if not r[1] then
  return refuse('NotFound', string.format('reservation %s not found at centre %s', args.reservationId, centre))
end
local part, quantity, reference, state = r[1], tonumber(r[2]), r[3], r[4]
if state ~= 'reserved' and state ~= 'backordered' then
  return refuse('RuleViolation', string.format(
    'reservation %s is %s; only reserved or backordered reservations can be released', args.reservationId, state))
end
local level = read_level(part)
if state == 'reserved' and level.reserved < quantity then
  -- Cannot happen while every change goes through these scripts; refuse rather than go negative.
  return refuse('RuleViolation', string.format('only %d of part %s reserved at centre %s', level.reserved, part, centre))
end

local tracking = tracking_of(part)
local d = deltas()
if state == 'reserved' then
  d = deltas(0, -quantity, 0, 0, 0)
else
  redis.call('ZREM', key('backorders:' .. part), args.reservationId)
end
redis.call('HSET', reservation, 'state', 'released')
apply(level, d)
local movement = new_movement(call.movementId, part, 'released', tracking, {
  quantity = quantity, deltas = d, reference = reference, reservationId = args.reservationId,
})
append(movement)
local served = {}
if state == 'reserved' then served = serve_backorders(part, level, tracking) end
return finish(part, level, movement, served)
