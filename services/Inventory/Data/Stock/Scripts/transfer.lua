-- Transfer: one centre's side of a transfer between two centres (Domain/Transfers). A script sees one centre only, so a
-- transfer is three movements, each under its own idempotency key:
--   transfer-shipped   (sending centre): the transfer's reservation is shipped; its units on hand -> in transit
--                       (held by the sending centre, for the reservation, until they arrive)
--   transfer-delivered (sending centre): units that arrived at the receiving centre leave transit -> none
--   transfer-received  (receiving centre): the same units none -> on hand, into a bin; the part's backorders are served
-- A serialized part moves by serial (a serial not where the step needs it is refused, naming it); a part tracked by
-- quantity moves by count (no serials: quantity > 0), its stock kept per centre and part as goods-in keeps it.
-- args: kind, part, reservationId, serials[], quantity (no serials only), bin (transfer-received only), reference,
--       counterparty, carrier, trackingNumber
local earlier = earlier_result()
if earlier then return earlier end

local part = args.part
local kind = args.kind
local tracking = #args.serials > 0 and 'serial' or 'quantity'
local refusal = tracking_refusal(part, tracking)
if refusal then return refusal end
local level = read_level(part)
local quantity = tracking == 'serial' and #args.serials or args.quantity
if quantity <= 0 then
  return refuse('InvalidField', 'a transfer moves at least one unit', 'quantity')
end
local moves = {}
local d
local bin = ''

if kind == 'transfer-shipped' then
  local reservation = key('reservation:' .. args.reservationId)
  local r = redis.call('HMGET', reservation, 'part', 'quantity', 'state')
  if not r[1] then
    return refuse('NotFound', string.format('reservation %s not found at centre %s', args.reservationId, centre))
  end
  if r[3] ~= 'reserved' then
    return refuse('RuleViolation', string.format('reservation %s is %s; only reserved reservations can be shipped', args.reservationId, r[3]))
  end
  if r[1] ~= part or tonumber(r[2]) ~= quantity then
    return refuse('InvalidField', string.format('reservation %s is for %s of part %s; %d given', args.reservationId, r[2], r[1], quantity),
      tracking == 'serial' and 'serials' or 'quantity')
  end
  local bins = {}
  for i, serial in ipairs(args.serials) do
    bins[i] = redis.call('HGET', key('serials:' .. part), serial)
    if not bins[i] then
      local place = place_of(part, serial)
      return refuse('RuleViolation', string.format('serial %s of part %s is not on hand at centre %s (%s)', serial, part, centre, place))
    end
  end
  if level.on_hand < quantity or level.reserved < quantity then
    return refuse('RuleViolation', string.format('only %d of part %s on hand, %d reserved, at centre %s', level.on_hand, part, level.reserved, centre))
  end
  for i, serial in ipairs(args.serials) do
    redis.call('HDEL', key('serials:' .. part), serial)
    redis.call('HSET', key('in_transit:' .. part), serial, args.reservationId)
    table.insert(moves, serial_move(serial, 'on-hand', 'in-transit', bins[i]))
  end
  redis.call('HSET', reservation, 'state', 'shipped')
  d = deltas(-quantity, -quantity, quantity, 0, 0)
elseif kind == 'transfer-delivered' then
  if tracking == 'quantity' then
    local state = redis.call('HGET', key('reservation:' .. args.reservationId), 'state')
    if state ~= 'shipped' or level.in_transit < quantity then
      return refuse('RuleViolation', string.format('%d of part %s are not in transit from centre %s on reservation %s (%d in transit)',
        quantity, part, centre, args.reservationId, level.in_transit))
    end
  end
  for _, serial in ipairs(args.serials) do
    local held_for = redis.call('HGET', key('in_transit:' .. part), serial)
    if held_for ~= args.reservationId then
      return refuse('RuleViolation', string.format('serial %s of part %s is not in transit from centre %s on reservation %s',
        serial, part, centre, args.reservationId))
    end
  end
  for _, serial in ipairs(args.serials) do
    redis.call('HDEL', key('in_transit:' .. part), serial)
    table.insert(moves, serial_move(serial, 'in-transit', 'none', ''))
  end
  d = deltas(0, 0, -quantity, 0, 0)
elseif kind == 'transfer-received' then
  for _, serial in ipairs(args.serials) do
    local place, held_bin = place_of(part, serial)
    if place ~= 'none' then return already_held(part, serial, place, held_bin) end
  end
  bin = args.bin
  for _, serial in ipairs(args.serials) do
    redis.call('HSET', key('serials:' .. part), serial, bin)
    table.insert(moves, serial_move(serial, 'none', 'on-hand', bin))
  end
  redis.call('HSET', key('tracking'), part, tracking)
  d = deltas(quantity, 0, 0, 0, 0)
else
  return refuse('InvalidField', 'is not a transfer movement: ' .. tostring(kind), 'kind')
end

apply(level, d)
local movement = new_movement(call.movementId, part, kind, tracking, {
  bin = bin, serials = args.serials, quantity = quantity, deltas = d, serialMoves = moves, reference = args.reference,
  reservationId = kind == 'transfer-received' and '' or args.reservationId,
})
movement.counterparty = args.counterparty
movement.carrier = args.carrier
movement.trackingNumber = args.trackingNumber
append(movement)
local served = {}
if kind == 'transfer-received' then served = serve_backorders(part, level, tracking) end
return finish(part, level, movement, served)
