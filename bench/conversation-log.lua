-- wrk script: POST /conversations/log with the body the llmring client sends after a call:
-- one user message, the assistant response, and usage metadata that carries the cost.
-- Every request creates a conversation, a usage row and two messages in one transaction.
-- Usage: wrk -t2 -c32 -d20s -s bench/conversation-log.lua http://127.0.0.1:8000
wrk.method = "POST"
wrk.path = "/conversations/log"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or "bench-conversations"
wrk.body = '{"messages":[{"role":"user","content":"Summarise this"}],'
    .. '"response":{"content":"Here it is","model":"gpt-4o-2024-08-06","finish_reason":"stop",'
    .. '"usage":{"prompt_tokens":12,"completion_tokens":5}},'
    .. '"metadata":{"provider":"openai","model":"gpt-4o","alias":"summarizer","profile":null,'
    .. '"origin":"llmring","cost":0.0001,"input_cost":0.00003,"output_cost":0.00007,'
    .. '"input_tokens":12,"output_tokens":5,"cached_tokens":0}}'

-- Each wrk thread runs its own copy of this script, so the failure count is a global of
-- each thread's copy, collected through setup() and thread:get() in done().
local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

-- A failure is any status but 201, or a 201 that did not store both messages, which happens
-- when the server's message logging level is "none".
failures = 0
function response(status, headers, body)
    if status ~= 201 or not string.find(body, '"messages_stored"%s*:%s*2[^%d]') then
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
