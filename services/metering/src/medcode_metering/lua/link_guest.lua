-- Carry a guest's month usage and live repeat markers over to the user who registered from it.
-- KEYS[1] guest month counter, KEYS[2] user month counter, KEYS[3] guest repeat markers,
-- KEYS[4] user repeat markers.  ARGV: now, repeat_window, month_ttl.
-- Idempotent: the user's count becomes max(user, guest) and each marker keeps the later of
-- the two view times, so a redelivered event changes nothing and never refunds a view.
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local guest_used = tonumber(redis.call('GET', KEYS[1]) or '0')
local user_used = tonumber(redis.call('GET', KEYS[2]) or '0')
if guest_used > user_used then
  redis.call('SET', KEYS[2], guest_used, 'EX', ARGV[3])
end
local marks = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. (now - window), '+inf', 'WITHSCORES')
for i = 1, #marks, 2 do
  redis.call('ZADD', KEYS[4], 'GT', marks[i + 1], marks[i])
end
if #marks > 0 and redis.call('TTL', KEYS[4]) < window then
  redis.call('EXPIRE', KEYS[4], ARGV[2])
end
return {math.max(guest_used, user_used), #marks / 2}
