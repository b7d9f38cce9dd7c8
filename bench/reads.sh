#!/usr/bin/env bash
# Read endpoints under wrk (16 connections, 5 s each) against the built service (node dist/main.js)
# on a fresh database of the local PostgreSQL: GET one order, list orders, the status pool page.
# Usage (from the project root, after npm run build): bash bench/reads.sh
set -u
. "$(dirname "$0")/start-service.sh"
# some orders (and their parcels' status events) to read
TOKEN=$token SERVICE_ID=$service PARCELS=3 wrk -t1 -c4 -d3s -s ../shared/perf/create-order.lua "http://127.0.0.1:$port" >/dev/null
order=$(curl -s "http://127.0.0.1:$port/api/v1/orders?limit=1" -H "Authorization: Bearer $token" | sed -E 's/.*"order_id":"(SO[^"]+)".*/\1/')
for path in "/api/v1/orders/$order" "/api/v1/orders?limit=20" "/api/v1/status-pool?limit=100"; do
  printf '%-40s ' "$path"
  wrk -t1 -c16 -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" | awk '/Requests\/sec/ {rps=$2} /Latency/ {lat=$2} END {printf "%s req/s, mean latency %s\n", rps, lat}'
done
