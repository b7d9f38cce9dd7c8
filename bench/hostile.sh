#!/usr/bin/env bash
# Hostile bodies against the built service (node dist/main.js) on a fresh database of the local
# PostgreSQL: two 3 MB bodies of 1,000,000 empty products at once, while /health is polled;
# then an 8 MB body. Prints the answer times, the slowest /health and the server's RSS growth.
# Usage (from the project root, after npm run build): bash bench/hostile.sh
set -u
. "$(dirname "$0")/start-service.sh"
PORT=$port TOKEN=$token SERVICE=$service PID=$pid node --input-type=module -e '
const base = `http://127.0.0.1:${process.env.PORT}`
import { readFileSync } from "node:fs"
const rss = () => Number(readFileSync(`/proc/${process.env.PID}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) * 1024
const body = (n) => `{"service_id":${process.env.SERVICE},"order_id":"PO-H","parcels":[{"products":[${"{},".repeat(n - 1)}{}]}]}`
const post = async (text) => { const t = performance.now(); const r = await fetch(base + "/api/v1/orders", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${process.env.TOKEN}` }, body: text }); const b = await r.text(); return { status: r.status, ms: Math.round(performance.now() - t), bytes: b.length } }
const before = rss()
let slowest = 0, polling = true, peak = before
const poll = (async () => { while (polling) { const t = performance.now(); await fetch(base + "/health"); slowest = Math.max(slowest, performance.now() - t); peak = Math.max(peak, rss()); await new Promise((r) => setTimeout(r, 20)) } })()
const million = body(1_000_000)
const answers = await Promise.all([post(million), post(million)])
polling = false; await poll
const huge = await post(body(2_700_000))
console.log(JSON.stringify({ two_3MB_bodies: answers, slowest_health_ms: Math.round(slowest), rss_growth_mb: Math.round((peak - before) / 1048576), body_8MB: huge }))
'
