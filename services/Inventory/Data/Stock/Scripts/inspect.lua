-- Inspect: decides one faulty unit's fate: quarantine (faulty -> quarantined), to-stock (back on hand,
-- into a bin; the part's backorders are served) or scrap (leaves the books). A serial is taken from where
-- it is (faulty, or quarantined awaiting inspection, e.g. a DOA unit); a unit of a part tracked by quantity
-- is taken from faulty.
-- args: part, serial ('' for a part tracked by quantity), outcome, bin (to-stock only), reference
local earlier = earlier_result()
if earlier then return earlier end

local part = args.part
local tracking = tracking_of(part)
local level = read_level(part)
local from
if args.serial ~= '' then
  from = redis.call('HGET', key('faulty:' .. part), args.serial)
  if not from then
    return refuse('RuleViolation', string.format('serial %s of part %s is not awaiting inspection at centre %s', args.serial, part, centre))
  end
else
  if tracking == 'serial' then
    return refuse('InvalidField', string.format('part %s is tracked by serial number at centre %s; name the serial inspected', part, centre), 'serial')
  end
  from = 'faulty'
  if level.faulty < 1 then
    return refuse('RuleViolation', string.format('no faulty unit of part %s is awaiting inspection at centre %s', part, centre))
  end
end
local to, kind = 'none', 'scrapped'
if args.outcome == 'quarantine' then to, kind = 'quarantined', 'quarantined' end
if args.outcome == 'to-stock' then to, kind = 'on-hand', 'to-stock' end
if from == to then
  return refuse('RuleViolation', string.format('serial %s of part %s is quarantined already at centre %s', args.serial, part, centre))
end

local serials, moves = {}, {}
if args.serial ~= '' then
  serials = { args.serial }
  moves = { serial_move(args.serial, from, to, to == 'on-hand' and args.bin or '') }
  if to == 'quarantined' then
    redis.call('HSET', key('faulty:' .. part), args.serial, 'quarantined')
  else
    redis.call('HDEL', key('faulty:' .. part), args.serial)
  end
  if to == 'on-hand' then redis.call('HSET', key('serials:' .. part), args.serial, args.bin) end
end
local d = deltas()
d[DELTA_OF_PLACE[from]] = -1
if to ~= 'none' then d[DELTA_OF_PLACE[to]] = 1 end
apply(level, d)
local movement = new_movement(call.movementId, part, kind, tracking, {
  bin = args.bin, serials = serials, quantity = 1, deltas = d, serialMoves = moves, reference = args.reference,
})
append(movement)
local served = {}
if to == 'on-hand' then served = serve_backorders(part, level, tracking) end
return finish(part, level, movement, served)
