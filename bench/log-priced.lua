-- wrk script: POST /api/v1/log without "cost", so the service prices it from the registry.
-- The model must be one that the served registry lists. The default, gpt-bench-001, is in
-- every registry that bench/generate-registry writes, and BENCH_MODEL selects another.
-- Usage: wrk -t2 -c32 -d20s -s bench/log-priced.lua http://127.0.0.1:8000
wrk.method = "POST"
wrk.path = "/api/v1/log"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or "bench-project"
local model = os.getenv("BENCH_MODEL") or "gpt-bench-001"
wrk.body = '{"provider":"openai","model":"' .. model .. '","input_tokens":1200,"output_tokens":350,'
    .. '"cached_input_tokens":200,"alias":"summarizer","origin":"bench",'
    .. '"metadata":{"finish_reason":"stop"}}'

-- Each wrk thread runs its own copy of this script, so the failure count is a global of
-- each thread's copy, collected through setup() and thread:get() in done().
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- A failure is any status but 201, or a 201 that the registry did not price (the model is
-- missing from the registry, or the registry had not loaded).
failures = 0
function response(status, headers, body)
    if status ~= 201 or not string.find(body, '"cost_source"%s*:%s*"registry"') then
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
