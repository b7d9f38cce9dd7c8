// Promotion by the Effect runtime alone, without HTTP or the database: 16 tasks at a time, each
// allocating ~12 KB and finishing after a 1 ms timer. Prints how many KB the young-generation
// collections promoted per 1,000 tasks (after the first second) and their pause per 1,000 tasks.
// Usage:
//   node bench/gc-micro.mjs <mode> [node flags…]
//   node bench/gc-micro.mjs deferred --no-allocation-site-pretenuring
// modes: plain (setTimeout only), sync (a fiber per task, no suspension), async (a fiber per task,
// suspended in Effect.async until the timer), deferred (the same, waiting on a Deferred the timer
// completes: what a create did in WriteBatcher before). Measured on effect 3.22.4 / node 20
// (README "The create path", GC), KB promoted per 1,000 tasks, with V8's allocation-site
// pretenuring (the default) / without it (--no-allocation-site-pretenuring, what npm start
// passes): plain 3,200–3,600 / 0, async ~4,000 / 700–750, deferred 5,100–5,300 / ~2,000.
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const [mode = "async", ...flags] = process.argv.slice(2)

if (process.env.GC_MICRO_CHILD === undefined) {
  const child = spawnSync(process.execPath, [
    "--max-semi-space-size=16", "--min-semi-space-size=16", "--trace-gc-nvp", ...flags, fileURLToPath(import.meta.url), mode
  ], { env: { ...process.env, GC_MICRO_CHILD: "1" }, encoding: "utf8" })
  let promoted = 0
  let pause = 0
  let tasks = 0
  for (const line of child.stdout.split("\n")) {
    const scavenge = line.match(/ (\d+) ms: pause=([0-9.]+).* gc=s .* promoted=(\d+)/)
    if (scavenge !== null && Number(scavenge[1]) > 1000) {
      promoted += Number(scavenge[3])
      pause += Number(scavenge[2])
    }
    if (line.startsWith("tasks ")) tasks = Number(line.slice(6))
  }
  console.log(`${mode} ${flags.join(" ")}: ${(promoted / 1024 / tasks * 1000).toFixed(0)} KB promoted and ` +
    `${(pause / tasks * 1000).toFixed(2)} ms of scavenge pause per 1,000 tasks (${tasks} tasks)`)
} else {
  const { Deferred, Effect, Exit, FiberId, Runtime } = await import("effect")
  const runFork = Runtime.runFork(Runtime.defaultRuntime)
  const payload = () => Array.from({ length: 200 }, (_, i) => ({ i, s: "x" + i }))
  let done = 0
  const finished = (p) => () => {
    done += p.length > 0 ? 1 : 0
    setTimeout(one, 1)
  }
  const tasks = {
    plain: (p) => setTimeout(finished(p), 1),
    sync: (p) => runFork(Effect.sync(() => p.length)).addObserver(() => setTimeout(finished(p), 1)),
    async: (p) => runFork(Effect.async((resume) => void setTimeout(() => resume(Exit.succeed(1)), 1))).addObserver(finished(p)),
    deferred: (p) => {
      const deferred = Deferred.unsafeMake(FiberId.none)
      setTimeout(() => Deferred.unsafeDone(deferred, Exit.succeed(1)), 1)
      runFork(Deferred.await(deferred)).addObserver(finished(p))
    }
  }
  const task = tasks[mode]
  if (task === undefined) throw new Error(`unknown mode ${mode}: ${Object.keys(tasks).join(", ")}`)
  const one = () => task(payload())
  for (let i = 0; i < 16; i++) one()
  setTimeout(() => (console.log(`tasks ${done}`), process.exit(0)), 4000)
}
