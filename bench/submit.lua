-- wrk script of the benchmarks (bench/*.py through benchlib.run_wrk, and bench/replicas.py).
--
-- Default: POST /api/message with a unique idempotency key per request (run id + wrk thread
-- number + per-thread counter), counting 201 and other answers per thread; done() adds them up
-- and prints the figures.
--
-- Environment:
--   BENCH_RUN_ID      prefix of the keys (default: the start time in seconds)
--   BENCH_LABEL       name printed before the figures (default "measured")
--   BENCH_BODY        another POST body, "{key}" replaced by the unique key (e.g. a chat completion
--                     for the proxy stub); the expected status is then 200 unless BENCH_EXPECT says
--   BENCH_EXPECT      the status counted as success (default 201, or 200 with BENCH_BODY/BENCH_PATHS_FILE)
--   BENCH_PATHS_FILE  GET instead: one path per line, each request takes a random one
--   BENCH_QUOTA       each wrk thread stops after this many successes (to make an exact number of tasks)

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
  body_template = os.getenv("BENCH_BODY")
  quota = tonumber(os.getenv("BENCH_QUOTA") or "")
  paths = nil
  local paths_file = os.getenv("BENCH_PATHS_FILE")
  if paths_file then
    paths = {}
    for line in io.lines(paths_file) do
      if line ~= "" then table.insert(paths, line) end
    end
    math.randomseed(os.time() * 1000 + id)
  end
  local default_expect = (body_template or paths) and 200 or 201
  expect = tonumber(os.getenv("BENCH_EXPECT") or "") or default_expect
  sent = 0
  created = 0
  other = 0
  statuses = {}
  if not paths then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  sent = sent + 1
  if paths then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  local key = string.format("bench-%s-%d-%d", run_id, id, sent)
  local body
  if body_template then
    body = body_template:gsub("{key}", key)
  else
    body = string.format('{"text":"throughput check %s","idempotency_key":"%s"}', key, key)
  end
  return wrk.format("POST", nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == expect then
    created = created + 1
    if quota and created >= quota then
      wrk.thread:stop()
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  local all = {}
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    o = o + thread:get("other")
    for status, count in pairs(thread:get("statuses")) do
      all[status] = (all[status] or 0) + count
    end
  end
  local codes = {}
  for status, _ in pairs(all) do table.insert(codes, status) end
  table.sort(codes)
  local parts = {}
  for _, status in ipairs(codes) do table.insert(parts, string.format("%d=%d", status, all[status])) end
  local expected = threads[1]:get("expect")
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local label = os.getenv("BENCH_LABEL") or "measured"
  io.write(string.format("[%s] duration:                    %.2f s\n", label, seconds))
  io.write(string.format("[%s] total requests (answered):   %d\n", label, summary.requests))
  if expected == 201 then
    io.write(string.format("[%s] 201 Created:                 %d\n", label, c))
    io.write(string.format("[%s] non-201 answers:             %d\n", label, o))
  else
    io.write(string.format("[%s] %d answers:                 %d\n", label, expected, c))
    io.write(string.format("[%s] other answers:               %d\n", label, o))
  end
  io.write(string.format("[%s] expected status:             %d\n", label, expected))
  io.write(string.format("[%s] statuses:                    %s\n", label, table.concat(parts, " ")))
  io.write(string.format("[%s] socket errors (no answer):   %d (connect %d, read %d, write %d, timeout %d)\n",
    label, socket_errors, e.connect, e.read, e.write, e.timeout))
  io.write(string.format("[%s] successful requests/s:       %.1f\n", label, c / seconds))
  io.write(string.format("[%s] latency p50 / p90 / p99 / max: %.2f / %.2f / %.2f / %.2f ms\n", label,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
