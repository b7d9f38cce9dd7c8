/**
 * The write batcher (persistence/WriteBatcher.ts) on its own: a write that arrives alone goes
 * alone, writes that arrive together (in one turn of the event loop) share a statement, each
 * caller gets its own outcome, at most `writers` statements run at once, a write stuck in the
 * queue is answered in bounded time, and closing the scope leaves no caller waiting.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Either, Exit, Fiber, Runtime, Scope } from "effect"
import { makeWriteBatcher } from "../src/persistence/WriteBatcher.js"

/** A batcher over recorded writes; `gate` holds every write until it is opened. */
const recorded = (writers: number, maxBatch: number, maxQueueWait = 60_000) =>
  Effect.gen(function* () {
    const batches: Array<ReadonlyArray<number>> = []
    let running = 0
    let mostRunning = 0
    const gate = yield* Deferred.make<void>()
    const track = <A, E>(items: ReadonlyArray<number>, result: Effect.Effect<A, E>) =>
      Effect.gen(function* () {
        batches.push(items)
        running++
        mostRunning = Math.max(mostRunning, running)
        yield* Deferred.await(gate)
        running--
        return yield* result
      })
    const outcome = (n: number): Exit.Exit<string, string> => n < 0 ? Exit.fail(`refused ${n}`) : Exit.succeed(`wrote ${n}`)
    const batcher = yield* makeWriteBatcher<number, string, string>({
      writers,
      maxBatch,
      maxQueueWait,
      waitedTooLong: () => Exit.fail("waited too long"),
      writeOne: (n) => track([n], outcome(n)),
      writeMany: (items) => track(items, Effect.succeed(items.map(outcome)))
    })
    return { batcher, batches, gate, mostRunning: () => mostRunning }
  })

describe("write batcher", () => {
  it.scopedLive("alone: written alone and at once; together: shared statements, each caller its own outcome", () =>
    Effect.gen(function* () {
      const { batcher, batches, gate } = yield* recorded(2, 4)
      yield* Deferred.succeed(gate, undefined)
      expect(yield* batcher.write(1)).toBe("wrote 1")
      expect(batches).toEqual([[1]])

      batches.length = 0
      const items = [10, -11, 12, 13, -14, 15, 16, 17, 18, 19]
      const outcomes = yield* Effect.all(items.map((n) => Effect.either(batcher.write(n))), { concurrency: "unbounded" })
      expect(outcomes.map((o) => o._tag === "Right" ? o.right : o.left)).toEqual(
        items.map((n) => n < 0 ? `refused ${n}` : `wrote ${n}`)
      )
      expect(batches.flat().sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b))
      expect(batches.every((b) => b.length <= 4)).toBe(true)
      expect(batches.some((b) => b.length > 1)).toBe(true)
    }))

  it.scopedLive("writes of one turn of the event loop share one statement, even with every writer idle", () =>
    Effect.gen(function* () {
      const { batcher, batches, gate } = yield* recorded(2, 8)
      yield* Deferred.succeed(gate, undefined)
      const runFork = Runtime.runFork(yield* Effect.runtime<never>())
      // five requests read in one turn, each in its own I/O callback (microtasks run between
      // them, as between the requests of one burst on the sockets): none is taken alone
      const fibers = yield* Effect.async<Array<Fiber.RuntimeFiber<string, string>>>((resume) => {
        const started: Array<Fiber.RuntimeFiber<string, string>> = []
        for (const n of [1, 2, 3, 4, 5]) {
          setTimeout(() => {
            started.push(runFork(batcher.write(n)))
            if (started.length === 5) resume(Effect.succeed(started))
          }, 0)
        }
      })
      expect(yield* Effect.forEach(fibers, Fiber.join)).toEqual(["wrote 1", "wrote 2", "wrote 3", "wrote 4", "wrote 5"])
      expect(batches).toEqual([[1, 2, 3, 4, 5]])
    }))

  it.scopedLive("at most `writers` statements at once, whatever is queued", () =>
    Effect.gen(function* () {
      const { batcher, gate, mostRunning } = yield* recorded(2, 3)
      const fibers = yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (n) => Effect.fork(batcher.write(n)))
      yield* Effect.sleep("20 millis")
      expect(mostRunning()).toBe(2)
      yield* Deferred.succeed(gate, undefined)
      const written = yield* Effect.forEach(fibers, Fiber.join)
      expect(written).toHaveLength(20)
      expect(mostRunning()).toBe(2)
    }))

  it.live("closing the scope: the batch in flight finishes, what is still queued is interrupted", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const { batcher, gate } = yield* Scope.extend(recorded(1, 1), scope)
      const inFlight = yield* Effect.fork(batcher.write(1))
      // the writer takes 1 at the end of this turn of the event loop
      yield* Effect.sleep("10 millis")
      const queued = yield* Effect.fork(batcher.write(2))
      yield* Effect.yieldNow()
      const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(closing)
      expect(yield* Fiber.await(inFlight)).toEqual(Exit.succeed("wrote 1"))
      expect(Exit.isInterrupted(yield* Fiber.await(queued))).toBe(true)
    }))

  it.scopedLive("queued writes are taken oldest first, at most maxBatch per statement", () =>
    Effect.gen(function* () {
      const { batcher, batches, gate } = yield* recorded(1, 3)
      const first = yield* Effect.fork(batcher.write(0))
      yield* Effect.sleep("10 millis")
      // the writer is busy with 0: these queue up in the order they are written
      const rest = yield* Effect.forEach([1, 2, 3, 4, 5, 6, 7], (n) => Effect.fork(batcher.write(n)))
      yield* Effect.yieldNow()
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(first)
      yield* Effect.forEach(rest, Fiber.join)
      expect(batches).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]])
    }))

  it.live("a write after the scope closed is interrupted, not queued forever", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const { batcher, gate } = yield* Scope.extend(recorded(1, 4), scope)
      yield* Deferred.succeed(gate, undefined)
      yield* Scope.close(scope, Exit.void)
      expect(Exit.isInterrupted(yield* Effect.exit(batcher.write(1)))).toBe(true)
    }))

  it.live("a write that waited longer than maxQueueWait behind stuck writers is answered, never written", () =>
    Effect.gen(function* () {
      const { batcher, batches, gate } = yield* recorded(1, 8, 100)
      const stuck = yield* Effect.fork(batcher.write(1))
      yield* Effect.sleep("10 millis")
      const waiting = yield* Effect.fork(Effect.either(batcher.write(2)))
      yield* Effect.sleep("200 millis")
      yield* Deferred.succeed(gate, undefined)
      expect(yield* Fiber.join(stuck)).toBe("wrote 1")
      expect(yield* Fiber.join(waiting)).toEqual(Either.left("waited too long"))
      expect(batches).toEqual([[1]])
      // and a fresh write still goes through
      expect(yield* batcher.write(3)).toBe("wrote 3")
    }).pipe(Effect.scoped))
})
