-- The shared head of every stock script (StockScripts puts it in front of each one).
-- A script changes one centre only. KEYS[1] is the centre's movement stream, KEYS[2] the command's
-- idempotency key; every other key name is built from the same 'inv:{centre}:' prefix, so all of them
-- share one hash slot (Redis Cluster routes the script by KEYS[1]).
-- ARGV[1]: the call, JSON { prefix, centreId, argsHash, movementId, occurredAt }.
-- ARGV[2]: the command's arguments, JSON (what argsHash was computed from).
-- A script never reads the clock: occurredAt comes from the caller, so movements replay the same.
-- A script is atomic but has no rollback: every script checks everything first and writes only after
-- its last check.

local stream = KEYS[1]
local idempotency_key = KEYS[2]
local call = cjson.decode(ARGV[1])
local args = cjson.decode(ARGV[2])
local centre = call.centreId
local IDEMPOTENCY_SECONDS = 7 * 24 * 3600

local function key(name)
  return call.prefix .. name
end

local function refuse(kind, message, field)
  return cjson.encode({ refused = { kind = kind, message = message, field = field or '' } })
end

-- cjson writes an empty Lua table as {}; these fields are lists.
local function encode(value)
  local json = cjson.encode(value)
  json = string.gsub(json, '"serials":{}', '"serials":[]')
  json = string.gsub(json, '"serialMoves":{}', '"serialMoves":[]')
  json = string.gsub(json, '"backordersServed":{}', '"backordersServed":[]')
  return json
end

-- The stored result of an earlier call with this idempotency key (returned as is, nothing changes again),
-- a refusal when the key came with other arguments, or nil for a new command.
local function earlier_result()
  local stored = redis.call('GET', idempotency_key)
  if not stored then return nil end
  if cjson.decode(stored).argsHash ~= call.argsHash then
    return refuse('InvalidField', 'was already used for a different command', 'idempotency_key')
  end
  return stored
end

local function read_level(part)
  local v = redis.call('HMGET', key('level:' .. part), 'on_hand', 'reserved', 'in_transit', 'faulty', 'quarantined')
  return {
    on_hand = tonumber(v[1]) or 0, reserved = tonumber(v[2]) or 0, in_transit = tonumber(v[3]) or 0,
    faulty = tonumber(v[4]) or 0, quarantined = tonumber(v[5]) or 0,
  }
end

local function deltas(on_hand, reserved, in_transit, faulty, quarantined)
  return {
    onHand = on_hand or 0, reserved = reserved or 0, inTransit = in_transit or 0,
    faulty = faulty or 0, quarantined = quarantined or 0,
  }
end

-- The delta field counting the units in each place a serial can be.
local DELTA_OF_PLACE = { ['on-hand'] = 'onHand', ['in-transit'] = 'inTransit', faulty = 'faulty', quarantined = 'quarantined' }

local function apply(level, d)
  level.on_hand = level.on_hand + d.onHand
  level.reserved = level.reserved + d.reserved
  level.in_transit = level.in_transit + d.inTransit
  level.faulty = level.faulty + d.faulty
  level.quarantined = level.quarantined + d.quarantined
end

-- Every movement writes its part's whole level and lists the part, so a replay from zero
-- rebuilds exactly the level hashes that exist.
local function save_level(part, level)
  redis.call('HSET', key('level:' .. part),
    'on_hand', level.on_hand, 'reserved', level.reserved, 'in_transit', level.in_transit,
    'faulty', level.faulty, 'quarantined', level.quarantined)
  redis.call('ZADD', key('parts'), 0, part)
end

-- 'serial', 'quantity', or '' while no stock of the part has arrived at the centre.
local function tracking_of(part)
  return redis.call('HGET', key('tracking'), part) or ''
end

local function tracking_refusal(part, wanted)
  local known = tracking_of(part)
  if known ~= '' and known ~= wanted then
    local how = known == 'serial' and 'serial number' or 'quantity'
    return refuse('RuleViolation', string.format('part %s is tracked by %s at centre %s', part, how, centre))
  end
  return nil
end

-- Where the centre holds a serial of a part: 'on-hand' (and its bin), 'faulty', 'quarantined',
-- 'in-transit', or 'none'.
local function place_of(part, serial)
  local bin = redis.call('HGET', key('serials:' .. part), serial)
  if bin then return 'on-hand', bin end
  local state = redis.call('HGET', key('faulty:' .. part), serial)
  if state then return state, '' end
  if redis.call('HEXISTS', key('in_transit:' .. part), serial) == 1 then return 'in-transit', '' end
  return 'none', ''
end

local function already_held(part, serial, place, bin)
  local where = place
  if place == 'on-hand' then where = 'on hand in bin ' .. bin end
  if place == 'in-transit' then where = 'in transit' end
  return refuse('AlreadyExists', string.format('serial %s of part %s is already held at centre %s (%s)', serial, part, centre, where))
end

local function serial_move(serial, from, to, bin)
  return { serial = serial, from = from, to = to, bin = bin or '' }
end

local function new_movement(id, part, kind, tracking, fields)
  return {
    movementId = id, centreId = centre, partNumber = part, kind = kind, tracking = tracking,
    bin = fields.bin or '', serials = fields.serials or {}, quantity = fields.quantity,
    deltas = fields.deltas, serialMoves = fields.serialMoves or {},
    reference = fields.reference or '', reservationId = fields.reservationId or '',
    reasonCode = fields.reasonCode or '', batch = fields.batch or '', occurredAt = call.occurredAt,
  }
end

-- The PUBLISH wakes the movement relay for this centre (a channel is no key: cluster-safe). A lost message is
-- caught by the relay's sweep; the stream, not the message, is the record.
local function append(movement)
  redis.call('XADD', stream, '*', 'movement', encode(movement))
  redis.call('PUBLISH', 'inv:movements', centre)
end

-- A name-based UUID (version 5): namespace = the triggering movement's id, name = the given text.
-- Same as MovementIds.ForServedBackorder in C#.
local function derived_id(namespace, name)
  local bytes = string.gsub(string.gsub(namespace, '-', ''), '..', function(h) return string.char(tonumber(h, 16)) end)
  local h = redis.sha1hex(bytes .. name)
  local variant = string.format('%x', 8 + tonumber(string.sub(h, 17, 17), 16) % 4)
  return string.sub(h, 1, 8) .. '-' .. string.sub(h, 9, 12) .. '-5' .. string.sub(h, 14, 16) .. '-'
    .. variant .. string.sub(h, 18, 20) .. '-' .. string.sub(h, 21, 32)
end

-- Serves the part's backorders after its available stock grew: fastest service level first, then oldest
-- (the queue's order), each only in full. Stops at the first one that does not fit: a later, smaller
-- backorder never jumps the queue. Each served backorder becomes a reservation with its own movement.
local function serve_backorders(part, level, tracking)
  local served = {}
  local queue = key('backorders:' .. part)
  while true do
    local head = redis.call('ZRANGE', queue, 0, 0)
    if #head == 0 then break end
    local reservation_id = head[1]
    local reservation = key('reservation:' .. reservation_id)
    local r = redis.call('HMGET', reservation, 'quantity', 'reference')
    local quantity = tonumber(r[1])
    if level.on_hand - level.reserved < quantity then break end
    redis.call('ZREM', queue, reservation_id)
    redis.call('HSET', reservation, 'state', 'reserved')
    local d = deltas(0, quantity, 0, 0, 0)
    apply(level, d)
    local movement = new_movement(derived_id(call.movementId, reservation_id), part, 'reserved', tracking,
      { quantity = quantity, deltas = d, reference = r[2], reservationId = reservation_id })
    append(movement)
    table.insert(served, movement)
  end
  return served
end

-- Saves the level, records the result under the idempotency key and returns it.
local function finish(part, level, movement, served)
  save_level(part, level)
  local result = encode({
    argsHash = call.argsHash,
    level = {
      centreId = centre, partNumber = part, onHand = level.on_hand, reserved = level.reserved,
      inTransit = level.in_transit, faulty = level.faulty, quarantined = level.quarantined,
    },
    movement = movement,
    backordersServed = served or {},
  })
  redis.call('SET', idempotency_key, result, 'EX', IDEMPOTENCY_SECONDS)
  return result
end

-- ---- the operation ----
