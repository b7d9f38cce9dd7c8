/**
 * The job registry: every background job by name, with its interval, a way to run it now
 * (HTTP, CLI, the scheduler) and its last run — recorded in `job_runs`, so every instance
 * reports the same thing.
 */
import { HttpApiSchema } from "@effect/platform"
import { Duration, Effect, Exit, Schema } from "effect"
import * as crypto from "node:crypto"
import * as os from "node:os"
import { DomainConfig } from "../domain/DomainConfig.js"
import { PendingMappingResolver } from "../domain/PendingMappingResolver.js"
import { JobRunsRepo, type JobTrigger } from "../domain/repositories/JobRunsRepo.js"

export type { JobTrigger } from "../domain/repositories/JobRunsRepo.js"

/** The name of the pending-mapping resolver job. */
export const RESOLVE_PENDING_MAPPINGS = "resolve-pending-mappings"

/** The names of the registered jobs (known without a database). */
export const JOB_NAMES: ReadonlyArray<string> = [RESOLVE_PENDING_MAPPINGS]

/** The failure for a name that is not a registered job. */
export const unknownJob = (name: string): UnknownJob =>
  new UnknownJob({ message: `No job named "${name}". Jobs: ${JOB_NAMES.join(", ")}.` })

/** A registered job. */
export interface JobDefinition {
  readonly name: string
  readonly interval: Duration.Duration
  /**
   * Runs the job once; the number is what it resolved/processed. It has no typed failure:
   * database failures are defects (the scheduler logs and retries them).
   */
  readonly run: Effect.Effect<number>
}

/** What one run did. */
export const JobRunResult = Schema.Struct({
  job: Schema.String,
  resolved: Schema.Number,
  duration_ms: Schema.Number
}).annotations({ identifier: "JobRunResult" })
export type JobRunResult = typeof JobRunResult.Type

/** A job with its interval, last run and next scheduled run. */
export const JobStatus = Schema.Struct({
  name: Schema.String,
  interval: Schema.String.annotations({ description: "Human-readable interval, e.g. \"30s\"" }),
  interval_ms: Schema.Number,
  last_started_at: Schema.NullOr(Schema.DateFromString),
  last_finished_at: Schema.NullOr(Schema.DateFromString),
  last_result: Schema.NullOr(Schema.Struct({
    outcome: Schema.Literal("succeeded", "failed", "running"),
    trigger: Schema.String,
    resolved: Schema.NullOr(Schema.Number),
    error: Schema.NullOr(Schema.String)
  })),
  next_run_at: Schema.NullOr(Schema.DateFromString)
}).annotations({ identifier: "JobStatus" })
export type JobStatus = typeof JobStatus.Type

/** 404: no job of that name. */
export class UnknownJob extends Schema.TaggedError<UnknownJob>()(
  "UnknownJob",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No job with this name" })
) {}

/** Every background job by name: run one now, read their status. */
export class JobRegistry extends Effect.Service<JobRegistry>()("starmile/JobRegistry", {
  dependencies: [PendingMappingResolver.Default],
  effect: Effect.gen(function* () {
    const runs = yield* JobRunsRepo
    const resolver = yield* PendingMappingResolver
    const resolverInterval = (yield* DomainConfig).resolverInterval
    const instanceId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`

    const jobs: ReadonlyArray<JobDefinition> = [
      { name: RESOLVE_PENDING_MAPPINGS, interval: resolverInterval, run: resolver.runOnce }
    ]

    const find = (name: string): Effect.Effect<JobDefinition, UnknownJob> => {
      const job = jobs.find((j) => j.name === name)
      return job === undefined
        ? Effect.fail(unknownJob(name))
        : Effect.succeed(job)
    }

    const recordEnd = (id: number, exit: Exit.Exit<number>) =>
      Exit.isSuccess(exit)
        ? runs.recordSuccess(id, exit.value)
        : runs.recordFailure(id, String(exit.cause).slice(0, 2000))

    /**
     * Runs a job now and records it. The run's failure is the caller's to handle (the
     * scheduler logs and retries; HTTP answers 503/500).
     */
    const run = (name: string, trigger: JobTrigger): Effect.Effect<JobRunResult, UnknownJob> =>
      Effect.gen(function* () {
        const job = yield* find(name)
        const started = Date.now()
        const runId = yield* runs.recordStart(job.name, instanceId, trigger)
        const exit = yield* Effect.exit(job.run)
        // a failure to record the end must not hide the run's own outcome
        yield* recordEnd(runId, exit).pipe(Effect.catchAllCause((cause) => Effect.logWarning("could not record the job run's end", cause)))
        const resolved = yield* exit
        const result: JobRunResult = { job: job.name, resolved, duration_ms: Date.now() - started }
        return result
      }).pipe(Effect.annotateLogs({ job: name, trigger }))

    const status: Effect.Effect<ReadonlyArray<JobStatus>> = Effect.gen(function* () {
      const rows = yield* runs.lastRuns(jobs.map((j) => j.name))
      return jobs.map((job): JobStatus => {
        const last = rows.find((r) => r.job === job.name)
        return {
          name: job.name,
          interval: Duration.format(job.interval),
          interval_ms: Duration.toMillis(job.interval),
          last_started_at: last?.started_at ?? null,
          last_finished_at: last?.finished_at ?? null,
          last_result: last === undefined ? null : {
            outcome: last.outcome ?? "running",
            trigger: last.trigger,
            resolved: last.resolved,
            error: last.error
          },
          next_run_at: last?.last_scheduled_at == null
            ? null
            : new Date(last.last_scheduled_at.getTime() + Duration.toMillis(job.interval))
        }
      })
    })

    return { jobs, run, status, instanceId }
  })
}) {}
