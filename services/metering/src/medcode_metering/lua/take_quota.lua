-- One partner API call decision: monthly quota and token bucket checked and charged together.
-- KEYS[1] bucket hash (tokens, ts), KEYS[2] month counter.
-- ARGV: now, rate_per_second, capacity, monthly_quota, month_ttl, seconds_to_month_end.
-- Time comes from the caller so tests can drive it and all replicas agree on the month.
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local quota = tonumber(ARGV[4])

local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used >= quota then
  return {'quota_exhausted', 0, ARGV[6]}
end

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
local ts_text = state[2]
if tokens == nil or ts == nil then
  tokens = cap
  ts = now
  ts_text = ARGV[1]
end
if now > ts then
  tokens = math.min(cap, tokens + (now - ts) * rate)
  ts_text = ARGV[1]
end
-- ts is kept as the caller's text: tostring() would round it to 14 significant digits.
-- Bucket state only matters until it would be full again; expire it then.
local bucket_ttl = math.ceil(cap / rate) + 1
if tokens < 1 then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', ts_text)
  redis.call('EXPIRE', KEYS[1], bucket_ttl)
  return {'rate_limited', quota - used, tostring((1 - tokens) / rate)}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'ts', ts_text)
redis.call('EXPIRE', KEYS[1], bucket_ttl)
used = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return {'allowed', quota - used, ''}
