# Sourced by the bench scripts: starts the built service (node dist/main.js, as npm start does) on a fresh database
# of the local PostgreSQL, builds the create-order catalogue through the operator API
# (../shared/perf/fixture.mjs) and sets port, pid, token and service; everything is removed on exit.
db=bench_$$
psql -h 127.0.0.1 -U postgres -q -c "create database $db" >/dev/null
# below the kernel's ephemeral range (32768–60999), where an outgoing connection may hold the port
port=$((20000 + RANDOM % 10000))
DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db PORT=$port STARMILE_OPERATOR_TOKEN=bench-operator-token-0123456789 \
  node --max-semi-space-size=32 --no-allocation-site-pretenuring ${SERVICE_NODE_FLAGS:-} dist/main.js >"${SERVICE_LOG:-/dev/null}" 2>&1 &  # the flags of npm start
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; psql -h 127.0.0.1 -U postgres -q -c "drop database if exists $db with (force)" >/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
read -r token service < <(BASE_URL=http://127.0.0.1:$port OPERATOR_TOKEN=bench-operator-token-0123456789 node ../shared/perf/fixture.mjs)
