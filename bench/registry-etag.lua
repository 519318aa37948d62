-- wrk script: GET /registry.json with If-None-Match set to the body's current ETag, so
-- every request should get 304 without a body. BENCH_ETAG is the ETag header value,
-- quotes included, as in: BENCH_ETAG="$(curl -sI …/registry.json | sed -n 's/^ETag: //Ip' | tr -d '\r')".
-- Usage: BENCH_ETAG='"…"' wrk -t2 -c32 -d20s -s bench/registry-etag.lua http://127.0.0.1:8000
local etag = os.getenv("BENCH_ETAG")
if etag == nil or etag == "" then
    error("BENCH_ETAG is not set: set it to the ETag that GET /registry.json returns")
end
wrk.method = "GET"
wrk.path = "/registry.json"
wrk.headers["If-None-Match"] = etag

-- Each wrk thread runs its own copy of this script, so the failure count is a global of
-- each thread's copy, collected through setup() and thread:get() in done().
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- wrk counts 304 as non-2xx, so "failures" is the figure to check here: any status but 304.
failures = 0
function response(status, headers, body)
    if status ~= 304 then
        failures = failures + 1
    end
end

function done(summary, latency, requests)
    local total_failures = 0
    for _, thread in ipairs(threads) do
        total_failures = total_failures + thread:get("failures")
    end
    io.write(string.format("p50_ms=%.2f p99_ms=%.2f requests=%d rps=%.0f non2xx=%d failures=%d\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.requests, summary.requests / (summary.duration / 1e6),
        summary.errors.status, total_failures))
end
