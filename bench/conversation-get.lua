-- wrk script: GET /conversations/{id} for the conversation that bench/run fills with messages.
-- BENCH_CONVERSATION_PATH is the path with its query, for example
-- /conversations/<id>?message_limit=1000. BENCH_MESSAGES is the number of messages each
-- response must contain (default 100).
-- Usage: BENCH_CONVERSATION_PATH=... wrk -t1 -c1 -d20s -s bench/conversation-get.lua http://127.0.0.1:8000
wrk.method = "GET"
wrk.path = os.getenv("BENCH_CONVERSATION_PATH") or error("set BENCH_CONVERSATION_PATH to /conversations/<id>")
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or "bench-conversations"

-- Each wrk thread runs its own copy of this script, so the failure count is a global of
-- each thread's copy, collected through setup() and thread:get() in done().
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- A failure is any status but 200, or one of the first 200 bodies of a thread that does not
-- contain the expected number of messages. Each message has exactly one "content_hash"
-- member, so counting that name counts the messages without a JSON parser. Later bodies
-- are not counted, because scanning a body of several hundred kilobytes in Lua would take
-- client CPU from the two cores that the server and PostgreSQL also use.
local expected_messages = tonumber(os.getenv("BENCH_MESSAGES") or "100")
local bodies_to_check = 200
failures = 0
function response(status, headers, body)
    if status ~= 200 then
        failures = failures + 1
        return
    end
    if bodies_to_check > 0 then
        bodies_to_check = bodies_to_check - 1
        local _, count = string.gsub(body, '"content_hash"', "")
        if count ~= expected_messages then
            failures = failures + 1
        end
    end
end

-- bytes_per_response is what wrk read per response: status line, headers and body.
function done(summary, latency, requests)
    local total_failures = 0
    for _, thread in ipairs(threads) do
        total_failures = total_failures + thread:get("failures")
    end
    io.write(string.format("p50_ms=%.2f p99_ms=%.2f requests=%d rps=%.0f non2xx=%d failures=%d bytes_per_response=%.0f\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.requests, summary.requests / (summary.duration / 1e6),
        summary.errors.status, total_failures, summary.bytes / math.max(summary.requests, 1)))
end
