/**
 * The scheduled fibers: each registered job runs every `interval` (at once on start, then
 * spaced). A failing tick is logged with its cause and retried with exponential backoff; the
 * fiber never dies, so it recovers when the database comes back. Closing the scope (shutdown)
 * interrupts it; a batch in flight finishes or rolls back as one transaction.
 */
import { Effect, Layer, Schedule } from "effect"
import { type JobDefinition, JobRegistry } from "./Jobs.js"

/** Retries inside one tick: 0.5 s, 1 s, 2 s, ... capped at the job's interval, at most 5 times. */
const retryPolicy = (job: JobDefinition) =>
  Schedule.exponential("500 millis").pipe(
    Schedule.union(Schedule.spaced(job.interval)),
    Schedule.intersect(Schedule.recurs(5))
  )

/** One job's schedule: run, log and retry failures, repeat every interval. */
export const scheduleJob = (registry: JobRegistry, job: JobDefinition) =>
  registry.run(job.name, "schedule").pipe(
    Effect.sandbox,
    Effect.tapError((cause) => Effect.logWarning(`job ${job.name} tick failed; retrying`, cause)),
    Effect.retry(retryPolicy(job)),
    Effect.catchAll((cause) => Effect.logError(`job ${job.name} failed after retries; next tick in ${job.interval}`, cause)),
    Effect.repeat(Schedule.spaced(job.interval)),
    Effect.annotateLogs("job", job.name)
  )

/** Starts every registered job's schedule for the lifetime of the layer. */
export const JobsLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const registry = yield* JobRegistry
    for (const job of registry.jobs) {
      yield* Effect.forkScoped(scheduleJob(registry, job))
    }
  })
)
