-- One CasePilot question decision, atomic so concurrent requests cannot overspend an allowance.
-- KEYS[1] question month counter of the subject, KEYS[2] guest IP day counter (ignored when
-- ARGV[2] < 0).
-- ARGV: limit, ip_cap (-1 = none), month_ttl, ip_ttl.
local limit = tonumber(ARGV[1])
local ip_cap = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= limit then
  return {'limit_reached', 0}
end
if ip_cap >= 0 then
  local ip_used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if ip_used >= ip_cap then
    return {'ip_cap', math.max(0, limit - used)}
  end
  redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
used = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {'allowed', math.max(0, limit - used)}
