-- wrk script for bench/submit-throughput.sh: POST /api/message with a unique idempotency
-- key per request (run id + wrk thread number + per-thread counter), counting 201 and
-- non-201 answers per thread; done() adds them up and prints the figures.
--
-- Environment: BENCH_RUN_ID (prefix of the keys; default: the start time in seconds),
-- BENCH_LABEL (name printed before the figures; default "measured").

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
  sent = 0
  created = 0
  other = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  sent = sent + 1
  local key = string.format("bench-%s-%d-%d", run_id, id, sent)
  local body = string.format('{"text":"throughput check %s","idempotency_key":"%s"}', key, key)
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    o = o + thread:get("other")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local label = os.getenv("BENCH_LABEL") or "measured"
  io.write(string.format("[%s] duration:                    %.2f s\n", label, seconds))
  io.write(string.format("[%s] total requests (answered):   %d\n", label, summary.requests))
  io.write(string.format("[%s] 201 Created:                 %d\n", label, c))
  io.write(string.format("[%s] non-201 answers:             %d\n", label, o))
  io.write(string.format("[%s] socket errors (no answer):   %d (connect %d, read %d, write %d, timeout %d)\n",
    label, socket_errors, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("[%s] acknowledged requests/s:     %.1f\n", label, c / seconds))
  io.write(string.format("[%s] latency p50 / p90 / p99 / max: %.2f / %.2f / %.2f / %.2f ms\n", label,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
