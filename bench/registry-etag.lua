-- wrk script: GET /registry.json with If-None-Match set to the body's current ETag, so
-- every request should get 304 without a body. BENCH_ETAG is the ETag header value with
-- its quotes, as bench/run reads it from a GET /registry.json with curl.
-- Usage: BENCH_ETAG='"f292fd4a…"' wrk -t2 -c32 -d20s -s bench/registry-etag.lua http://127.0.0.1:8000
-- wrk ignores a script that raises an error and runs plain GETs, so a missing BENCH_ETAG
-- is reported in done() instead, where every 200 shows up as a failure.
local etag = os.getenv("BENCH_ETAG") or ""
wrk.method = "GET"
wrk.path = "/registry.json"
if etag ~= "" then
    wrk.headers["If-None-Match"] = etag
end

-- Each wrk thread runs its own copy of this script, so the failure count is a global of
-- each thread's copy, collected through setup() and thread:get() in done().
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- wrk's non2xx counts only statuses from 400 up, so failures counts every status but 304,
-- including a 200.
failures = 0
function response(status, headers, body)
    if status ~= 304 then
        failures = failures + 1
    end
end

function done(summary, latency, requests)
    if etag == "" then
        io.stderr:write("registry-etag.lua: BENCH_ETAG is missing, so the requests carried no If-None-Match. "
            .. "Set it to the ETag that GET /registry.json returns.\n")
    end
    local total_failures = 0
    for _, thread in ipairs(threads) do
        total_failures = total_failures + thread:get("failures")
    end
    io.write(string.format("p50_ms=%.2f p99_ms=%.2f requests=%d rps=%.0f non2xx=%d failures=%d\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.requests, summary.requests / (summary.duration / 1e6),
        summary.errors.status, total_failures))
end
