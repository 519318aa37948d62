-- wrk script: POST /api/v1/log with a client-priced log, as the llmring client sends it.
-- Usage: wrk -t2 -c32 -d20s -s bench/log.lua http://127.0.0.1:8000
wrk.method = "POST"
wrk.path = "/api/v1/log"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or "bench-project"
wrk.body = '{"provider":"openai","model":"gpt-4o","input_tokens":1200,"output_tokens":350,'
    .. '"cached_input_tokens":200,"cost":0.00625,"alias":"summarizer","origin":"bench",'
    .. '"metadata":{"finish_reason":"stop"}}'

-- Each wrk thread runs its own copy of this script, so the failure count is a global of
-- each thread's copy, collected through setup() and thread:get() in done().
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- A failure is any status but 201. wrk's non2xx counts only statuses from 400 up.
failures = 0
function response(status, headers, body)
    if status ~= 201 then
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
