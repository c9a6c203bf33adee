-- Stock report of one centre (read only): every part's level summed, and the backorders waiting counted by age.
-- KEYS[1]: the centre's parts set (its prefix names the other keys). ARGV: prefix, now in epoch ms.
-- A backorder's score is rank * 10^13 + requested-at in epoch ms (see README.md), so its age needs no other read.
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local DAY = 86400000
local RANK_WEIGHT = 10000000000000
local totals = { 0, 0, 0, 0, 0 }
local ages = { 0, 0, 0, 0 }
local units = 0
for _, part in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local level = redis.call('HMGET', prefix .. 'level:' .. part, 'on_hand', 'reserved', 'in_transit', 'faulty', 'quarantined')
  for i = 1, 5 do totals[i] = totals[i] + (tonumber(level[i]) or 0) end
  local queue = redis.call('ZRANGE', prefix .. 'backorders:' .. part, 0, -1, 'WITHSCORES')
  for i = 1, #queue, 2 do
    local age = now - (tonumber(queue[i + 1]) % RANK_WEIGHT)
    local bucket = age < DAY and 1 or age < 3 * DAY and 2 or age < 7 * DAY and 3 or 4
    ages[bucket] = ages[bucket] + 1
    units = units + (tonumber(redis.call('HGET', prefix .. 'reservation:' .. queue[i], 'quantity')) or 0)
  end
end
return { totals[1], totals[2], totals[3], totals[4], totals[5], ages[1], ages[2], ages[3], ages[4], units }
