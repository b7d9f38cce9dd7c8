#!/usr/bin/env bash
# CPU per create, by process: the service and PostgreSQL (utime+stime from /proc) around a wrk
# run of the create load of ../shared/perf (CONNS connections, SECS seconds, 3 parcels) after a
# 2 s warm-up, on a fresh database of the local PostgreSQL.
# Usage (from the project root): npm run bench:cpu   (CONNS=32 SECS=8 npm run bench:cpu)
set -u
conns=${CONNS:-16} secs=${SECS:-8}
. "$(dirname "$0")/start-service.sh"
load() { TOKEN=$token SERVICE_ID=$service PARCELS=3 wrk -t1 -c"$conns" -d"$1" -s ../shared/perf/create-order.lua "http://127.0.0.1:$port" | tail -1; }
jiffies() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
pg_jiffies() { cat /proc/[0-9]*/stat 2>/dev/null | awk '$2 == "(postgres)" {s += $14 + $15} END {print s}'; }
load 2s >/dev/null
s0=$(jiffies); p0=$(pg_jiffies)
figures=$(load "${secs}s")
s1=$(jiffies); p1=$(pg_jiffies)
echo "$figures"
node -e '
const [service, pg, requests] = process.argv.slice(1).map(Number)
const ms = (jiffies) => (jiffies * 1000 / 100 / requests).toFixed(3)  // 100 jiffies per second
console.log(`cpu per create: service ${ms(service)} ms, postgresql ${ms(pg)} ms (${requests} creates)`)' \
  $((s1 - s0)) $((p1 - p0)) "$(echo "$figures" | node -pe 'JSON.parse(require("fs").readFileSync(0)).requests')"
