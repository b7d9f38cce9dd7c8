/**
 * Writes that arrive together go to the database together. A few writer fibers each take
 * whatever is queued (1 to `maxBatch` items) and write it in one statement: a write that
 * arrives while the writers are idle goes at the end of the current turn of the event loop,
 * with whatever else that turn queued (no waiting window, unlike @effect/experimental's
 * `dataLoader`, which holds every request for a fixed window and starts any number of batches
 * at once); under load the batches grow by themselves, and at most `writers` statements run at
 * a time.
 *
 * Each caller gets its own item's outcome; a batch in flight is finished before the writers
 * stop, and what is still queued then is interrupted, so no caller waits forever. An item that
 * waited in the queue longer than `maxQueueWait` (the writers are stuck on a stalled database)
 * is not written: it gets `waitedTooLong` as soon as a writer is free, like a connection pool's
 * acquire timeout, so a stall bounds a caller's wait to about one statement's timeout plus
 * `maxQueueWait`, not to the queue's length.
 *
 * The queue is a plain array, not an Effect `Queue`: its linked list leaves each taken node
 * pointing at the next one, so once a node reached the old generation every later item (and
 * the request waiting on it) was kept alive by that dead node through each young-generation
 * collection and promoted with it (README "The create path", `npm run bench:gc`).
 */
import { Effect, Exit, FiberId } from "effect"

interface Pending<I, A, E> {
  readonly item: I
  /** Resumes the caller, suspended in `Effect.async`, with its outcome. */
  readonly done: (outcome: Exit.Exit<A, E>) => void
  readonly queuedAt: number
}

export interface WriteBatcherOptions<I, A, E> {
  /** Statements in flight at most. */
  readonly writers: number
  /** Items per statement at most. */
  readonly maxBatch: number
  /** Writes one item (a batch of one). */
  readonly writeOne: (item: I) => Effect.Effect<A, E>
  /** Writes several at once: one outcome per item, in order. */
  readonly writeMany: (items: ReadonlyArray<I>) => Effect.Effect<ReadonlyArray<Exit.Exit<A, E>>>
  /** How long an item may wait for a writer, in milliseconds. */
  readonly maxQueueWait: number
  /** The outcome of an item that waited longer. */
  readonly waitedTooLong: () => Exit.Exit<A, E>
  /** Told the size of each statement's batch (a metric). */
  readonly onBatch?: (size: number) => void
}

export const makeWriteBatcher = <I, A, E>(options: WriteBatcherOptions<I, A, E>) =>
  Effect.gen(function* () {
    const waiting: Array<Pending<I, A, E>> = []
    /** Open while items wait: the writers sleep on it when there is nothing to take. */
    const work = yield* Effect.makeLatch(false)
    let closed = false
    /**
     * The writers are woken once per turn of the event loop, after its I/O callbacks: the
     * requests that arrived together are queued by then and go in one statement. Woken at the
     * first write instead (a microtask), an idle writer took that write alone, before the
     * others of the same burst were read (measured: 41 % of the statements were of one order
     * under the create benchmark).
     */
    let wakeScheduled = false
    const wakeWriters = () => {
      wakeScheduled = false
      work.unsafeOpen()
    }
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        for (const pending of waiting.splice(0)) pending.done(Exit.interrupt(FiberId.none))
        return Effect.void
      })
    )

    /** 1 to `maxBatch` items, oldest first; waits for the first one. */
    const nextBatch: Effect.Effect<ReadonlyArray<Pending<I, A, E>>> = Effect.suspend(() => {
      if (waiting.length > 0) return Effect.succeed(waiting.splice(0, options.maxBatch))
      work.unsafeClose()
      return Effect.zipRight(work.await, nextBatch)
    })

    const outcomes = (batch: ReadonlyArray<Pending<I, A, E>>): Effect.Effect<ReadonlyArray<Exit.Exit<A, E>>> =>
      batch.length === 1
        ? Effect.map(Effect.exit(options.writeOne(batch[0]!.item)), (exit) => [exit])
        : Effect.map(
          Effect.exit(options.writeMany(batch.map((p) => p.item))),
          (exit) => Exit.isSuccess(exit) ? exit.value : batch.map(() => exit as Exit.Exit<never>)
        )

    const write = (batch: ReadonlyArray<Pending<I, A, E>>) =>
      Effect.flatMap(Effect.zipRight(Effect.sync(() => options.onBatch?.(batch.length)), outcomes(batch)), (exits) =>
        Effect.sync(() => {
          for (let index = 0; index < batch.length; index++) {
            batch[index]!.done(exits[index] ?? Exit.die(new Error("the batch answered fewer rows than it wrote")))
          }
        })).pipe(Effect.uninterruptible)

    /** Writes what is still fresh; what waited too long is answered without being written. */
    const writeFresh = (taken: ReadonlyArray<Pending<I, A, E>>) => {
      const oldest = performance.now() - options.maxQueueWait
      const fresh = taken.filter((p) => p.queuedAt >= oldest)
      const stale = fresh.length === taken.length ? [] : taken.filter((p) => p.queuedAt < oldest)
      for (const pending of stale) pending.done(options.waitedTooLong())
      return fresh.length === 0 ? Effect.void : write(fresh)
    }

    for (let i = 0; i < options.writers; i++) {
      yield* Effect.forkScoped(Effect.forever(
        Effect.flatMap(nextBatch, writeFresh)
      ))
    }

    return {
      /**
       * Queues `item` and waits for its own outcome. The caller waits in `Effect.async`, not on
       * a `Deferred`: a Deferred is a ~1 KB object (the whole Effect prototype spread into it)
       * per create, and fibers waiting on one promoted about 2.5 × the bytes per collection
       * (bench/gc-micro.mjs). An interrupted caller's item is still written; its outcome is dropped.
       */
      write: (item: I): Effect.Effect<A, E> =>
        Effect.async<A, E>((resume) => {
          if (closed) return resume(Exit.interrupt(FiberId.none))
          waiting.push({ item, done: resume, queuedAt: performance.now() })
          if (!wakeScheduled) {
            wakeScheduled = true
            setImmediate(wakeWriters)
          }
        })
    } as const
  })
