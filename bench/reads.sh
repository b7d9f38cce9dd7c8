#!/usr/bin/env bash
# Read endpoints under wrk (16 connections, 5 s each) against the built service (node dist/main.js)
# on a fresh database of the local PostgreSQL: GET one order, list orders, the status pool page.
# Usage (from the project root, after npm run build): bash bench/reads.sh
set -u
db=bench_reads_$$
psql -h 127.0.0.1 -U postgres -q -c "create database $db" >/dev/null
port=$((36000 + RANDOM % 4000))
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db PORT=$port STARMILE_OPERATOR_TOKEN=bench-operator-token-0123456789 \
  node dist/main.js >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; psql -h 127.0.0.1 -U postgres -q -c "drop database if exists $db with (force)" >/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
read -r token service < <(BASE_URL=http://127.0.0.1:$port OPERATOR_TOKEN=bench-operator-token-0123456789 node ../shared/perf/fixture.mjs)
# some orders (and their parcels' status events) to read
TOKEN=$token SERVICE_ID=$service PARCELS=3 wrk -t1 -c4 -d3s -s ../shared/perf/create-order.lua "http://127.0.0.1:$port" >/dev/null
order=$(curl -s "http://127.0.0.1:$port/api/v1/orders?limit=1" -H "Authorization: Bearer $token" | sed -E 's/.*"order_id":"(SO[^"]+)".*/\1/')
for path in "/api/v1/orders/$order" "/api/v1/orders?limit=20" "/api/v1/status-pool?limit=100"; do
  printf '%-40s ' "$path"
  wrk -t1 -c16 -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" | awk '/Requests\/sec/ {rps=$2} /Latency/ {lat=$2} END {printf "%s req/s, mean latency %s\n", rps, lat}'
done
