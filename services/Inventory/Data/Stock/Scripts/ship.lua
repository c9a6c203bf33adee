-- Ship: a reservation's units leave on hand and go in transit. A serialized part names exactly as many
-- distinct serials as reserved, each on hand at this centre; they leave their bins.
-- args: reservationId, serials[]
local earlier = earlier_result()
if earlier then return earlier end

local reservation = key('reservation:' .. args.reservationId)
local r = redis.call('HMGET', reservation, 'part', 'quantity', 'reference', 'state')
if not r[1] then
  return refuse('NotFound', string.format('reservation %s not found at centre %s', args.reservationId, centre))
end
local part, quantity, reference, state = r[1], tonumber(r[2]), r[3], r[4]
if state ~= 'reserved' then
  return refuse('RuleViolation', string.format(
    'reservation %s is %s; only reserved reservations can be shipped', args.reservationId, state))
end
local tracking = tracking_of(part)
local bins = {}
if tracking == 'serial' then
  if #args.serials ~= quantity then
    return refuse('InvalidField', string.format('reservation %s is for %d of part %s; %d serials given',
      args.reservationId, quantity, part, #args.serials), 'serials')
  end
  for i, serial in ipairs(args.serials) do
    bins[i] = redis.call('HGET', key('serials:' .. part), serial)
    if not bins[i] then
      return refuse('RuleViolation', string.format('serial %s of part %s is not on hand at centre %s', serial, part, centre))
    end
  end
elseif #args.serials > 0 then
  return refuse('InvalidField', string.format('part %s is tracked by quantity at centre %s; ship it without serials', part, centre), 'serials')
end
local level = read_level(part)
if level.on_hand < quantity or level.reserved < quantity then
  -- Cannot happen while every change goes through these scripts; refuse rather than go negative.
  return refuse('RuleViolation', string.format('only %d of part %s on hand, %d reserved, at centre %s',
    level.on_hand, part, level.reserved, centre))
end

local moves = {}
for i, serial in ipairs(args.serials) do
  redis.call('HDEL', key('serials:' .. part), serial)
  redis.call('HSET', key('in_transit:' .. part), serial, args.reservationId)
  table.insert(moves, serial_move(serial, 'on-hand', 'in-transit', bins[i]))
end
redis.call('HSET', reservation, 'state', 'shipped')
local d = deltas(-quantity, -quantity, quantity, 0, 0)
apply(level, d)
local movement = new_movement(call.movementId, part, 'shipped', tracking, {
  serials = args.serials, quantity = quantity, deltas = d, serialMoves = moves, reference = reference,
  reservationId = args.reservationId,
})
append(movement)
return finish(part, level, movement, {})
