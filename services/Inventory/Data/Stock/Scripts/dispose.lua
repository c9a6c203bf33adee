-- Dispose: one step of a quarantined serial's disposition (Domain/Dispositions). The kind says where the serial goes:
--   sent-to-repair, returned-to-supplier, written-off: quarantined -> none (it leaves the quarantine, and the centre)
--   repaired-in: none -> faulty (back from the repairer, awaiting inspection)
--   repaired-to-stock: faulty -> on hand, into a bin (the part's backorders are served)
--   repair-failed: faulty -> quarantined (unrepairable)
-- A serial not where the step expects it is refused, naming it: so a unit leaves the quarantine once.
-- args: part, serial, kind, bin (repaired-to-stock only), reference, reasonCode, counterparty, carrier, trackingNumber
local earlier = earlier_result()
if earlier then return earlier end

local ROUTES = {
  ['sent-to-repair'] = { 'quarantined', 'none' },
  ['returned-to-supplier'] = { 'quarantined', 'none' },
  ['written-off'] = { 'quarantined', 'none' },
  ['repaired-in'] = { 'none', 'faulty' },
  ['repaired-to-stock'] = { 'faulty', 'on-hand' },
  ['repair-failed'] = { 'faulty', 'quarantined' },
}
local route = ROUTES[args.kind]
if not route then return refuse('InvalidField', 'is not a disposition movement: ' .. args.kind, 'kind') end
local from, to = route[1], route[2]

local part, serial = args.part, args.serial
local refusal = tracking_refusal(part, 'serial')
if refusal then return refusal end
local place, bin = place_of(part, serial)
if place ~= from then
  local where = place == 'none' and 'not held' or place
  if place == 'on-hand' then where = 'on hand in bin ' .. bin end
  local wanted = from == 'none' and 'held nowhere at the centre' or from
  return refuse('RuleViolation', string.format('serial %s of part %s is %s at centre %s; %s needs it %s',
    serial, part, where, centre, args.kind, wanted))
end

if from == 'quarantined' or from == 'faulty' then redis.call('HDEL', key('faulty:' .. part), serial) end
if to == 'faulty' or to == 'quarantined' then redis.call('HSET', key('faulty:' .. part), serial, to) end
if to == 'on-hand' then redis.call('HSET', key('serials:' .. part), serial, args.bin) end
redis.call('HSET', key('tracking'), part, 'serial')

local level = read_level(part)
local d = deltas()
if from ~= 'none' then d[DELTA_OF_PLACE[from]] = -1 end
if to ~= 'none' then d[DELTA_OF_PLACE[to]] = 1 end
apply(level, d)
local movement = new_movement(call.movementId, part, args.kind, 'serial', {
  bin = to == 'on-hand' and args.bin or '', serials = { serial }, quantity = 1, deltas = d,
  serialMoves = { serial_move(serial, from, to, to == 'on-hand' and args.bin or '') },
  reference = args.reference, reasonCode = args.reasonCode,
})
movement.counterparty = args.counterparty
movement.carrier = args.carrier
movement.trackingNumber = args.trackingNumber
append(movement)
local served = {}
if to == 'on-hand' then served = serve_backorders(part, level, 'serial') end
return finish(part, level, movement, served)
