// The bench's load client: autocannon, a closed loop of N connections for D seconds, every
// answer compared with the expected body (a different one counts as a mismatch).
// Usage: node load.mjs URL BODY EXPECTED CONNECTIONS SECONDS; prints one JSON line.
import autocannon from "autocannon";

const [url, body, expected, connections, seconds] = process.argv.slice(2);
const result = await autocannon({
  url,
  method: "POST",
  headers: { "content-type": "application/json" },
  body,
  expectBody: expected,
  connections: Number(connections),
  duration: Number(seconds),
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    seconds: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches ?? 0,
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
  }),
);
