-- wrk: each request posts the next sealed body of the file (lines "KEY<TAB>JWE") with its own
-- Idempotency-Key; past the end it starts again (replays, answered 200). When every body was
-- stored (201) it prints "created N in S s" (wall clock from /proc/uptime, 10 ms steps) and
-- stops; the caller then ends wrk. Usage: wrk -t1 -s drain.lua URL -- FILE
local reqs, n, sent, created, t0 = {}, 0, 0, 0, nil

local function uptime() return tonumber(io.open("/proc/uptime"):read("*l"):match("^(%S+)")) end

function init(args)
  for line in io.lines(args[1]) do
    local key, body = line:match("^(%S+)\t(%S+)$")
    n = n + 1
    reqs[n] = wrk.format("POST", nil, {["Idempotency-Key"] = key, ["Content-Type"] = "application/jose"}, body)
  end
end

function request()
  t0 = t0 or uptime()
  sent = sent % n + 1
  return reqs[sent]
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
  if created == n then
    created = created + 1 -- once
    io.write(string.format("created %d in %.2f s\n", n, uptime() - t0))
    io.flush()
    wrk.thread:stop()
  end
end
