#!/usr/bin/env bash
# Young-generation GC under the create load: how much each scavenge promotes to the old
# generation and how long it pauses. A finished request should die young; a steady promotion of
# megabytes per scavenge means something on the request path keeps finished requests reachable
# from dead old objects (see README "The create path", GC). Runs ../shared/perf's create load
# (CONNS connections, SECS seconds, 3 parcels) after a 2 s warm-up on a fresh database.
# Usage (from the project root): npm run bench:gc
set -u
conns=${CONNS:-16} secs=${SECS:-8}
gclog=$(mktemp)
SERVICE_NODE_FLAGS="--trace-gc-nvp ${SERVICE_NODE_FLAGS:-}" SERVICE_LOG=$gclog . "$(dirname "$0")/start-service.sh"
load() { TOKEN=$token SERVICE_ID=$service PARCELS=3 wrk -t1 -c"$conns" -d"$1" -s ../shared/perf/create-order.lua "http://127.0.0.1:$port" | tail -1; }
load 2s >/dev/null
from=$(wc -l <"$gclog")
figures=$(load "${secs}s")
echo "$figures"
tail -n +"$((from + 1))" "$gclog" | node -e '
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => / gc=s /.test(l))
const field = (l, k) => Number((l.match(new RegExp(" " + k + "=([0-9.]+)")) ?? [])[1] ?? 0)
const requests = JSON.parse(process.argv[1]).requests
const sum = (k) => lines.reduce((s, l) => s + field(l, k), 0)
const pauses = lines.map((l) => field(l, "pause")).sort((a, b) => a - b)
console.log(`scavenges ${lines.length}: promoted ${(sum("promoted") / 1024 / Math.max(lines.length, 1)).toFixed(0)} KB each on average, ` +
  `pause median ${pauses[Math.floor(pauses.length / 2)] ?? 0} ms, max ${pauses.at(-1) ?? 0} ms, ` +
  `${(sum("pause") * 1000 / requests).toFixed(1)} µs of scavenge pause per create (${requests} creates)`)' "$figures"
rm -f "$gclog"
