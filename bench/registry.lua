-- wrk script: GET /registry.json, the whole registry without filters.
-- Usage: wrk -t2 -c32 -d20s -s bench/registry.lua http://127.0.0.1:8000
wrk.method = "GET"
wrk.path = "/registry.json"

-- bytes_per_response is what wrk read per response: status line, headers and body.
function done(summary, latency, requests)
    io.write(string.format("p50_ms=%.2f p99_ms=%.2f requests=%d rps=%.0f non2xx=%d bytes_per_response=%.0f\n",
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.requests, summary.requests / (summary.duration / 1e6),
        summary.errors.status, summary.bytes / math.max(summary.requests, 1)))
end
