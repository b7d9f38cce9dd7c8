// Promotion by the Effect runtime alone, without HTTP or the database: 16 fibers at a time, each
// allocating ~12 KB and finishing after an 8 ms timer. Prints the bytes each young-generation
// collection promoted (node's --trace-gc-nvp). Usage:
//   node --max-semi-space-size=32 --min-semi-space-size=32 --trace-gc-nvp bench/gc-micro.mjs <mode> | grep -o ' promoted=[0-9]*'
// modes: plain (setTimeout only), sync (a fiber per task, no suspension), async (a fiber per
// task, suspended in Effect.async until the timer), loop (16 long-lived fibers, Effect.async in
// a loop). On effect 3.22.4 / node 20, plain and sync promote ~0; async and loop promote
// megabytes per collection, with or without the runtime's set of root fibers. The cause inside
// the runtime is not pinned down; this is the reproduction for an upstream report (README
// "The create path", GC).
import { Effect, Runtime } from "effect"

const runFork = Runtime.runFork(Runtime.defaultRuntime)
const mode = process.argv[2] ?? "async"
const payload = () => Array.from({ length: 200 }, (_, i) => ({ i, s: "x" + i }))
const afterTimer = (p) => Effect.async((resume) => void setTimeout(() => resume(Effect.succeed(p.length)), 8))
let done = 0
const one = () => {
  const p = payload()
  if (mode === "plain") return void setTimeout(() => (p.length, next()), 8)
  if (mode === "sync") return void runFork(Effect.sync(() => p.length)).addObserver(() => setTimeout(next, 8))
  runFork(afterTimer(p)).addObserver(next)
}
const next = () => (done++, one())
if (mode === "loop") {
  for (let i = 0; i < 16; i++) runFork(Effect.forever(Effect.flatMap(Effect.sync(payload), (p) => Effect.tap(afterTimer(p), () => done++))))
} else {
  for (let i = 0; i < 16; i++) one()
}
setTimeout(() => (console.log(`${mode}: ${done} tasks`), process.exit(0)), 5000)
