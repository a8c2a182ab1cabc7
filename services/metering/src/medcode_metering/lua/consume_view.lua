-- One view decision, atomic so concurrent requests cannot overspend an allowance.
-- KEYS[1] month counter of the subject, KEYS[2] repeat markers of the subject (sorted set:
-- code -> view time), KEYS[3] guest IP day counter (ignored when ARGV[3] < 0).
-- ARGV: now, limit, ip_cap (-1 = none), month_ttl, repeat_window, ip_ttl, code.
-- Markers store the view time (not only a TTL) so an injected clock is honoured, and live in
-- one set per subject so LinkGuest can hand a guest's markers to the new user.
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local ip_cap = tonumber(ARGV[3])
local window = tonumber(ARGV[5])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local left = math.max(0, limit - used)

local seen = redis.call('ZSCORE', KEYS[2], ARGV[7])
if seen and now - tonumber(seen) < window then
  return {'repeat_view', left}
end
if used >= limit then
  return {'limit_reached', 0}
end
if ip_cap >= 0 then
  local ip_used = tonumber(redis.call('GET', KEYS[3]) or '0')
  if ip_used >= ip_cap then
    return {'ip_cap', left}
  end
  redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
end
used = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[7])
-- Markers older than the window can never match again; drop them so the set stays small.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('EXPIRE', KEYS[2], ARGV[5])
return {'allowed', math.max(0, limit - used)}
