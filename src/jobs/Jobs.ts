/**
 * The job registry: every background job by name, with its interval, a way to run it now
 * (HTTP, CLI, the scheduler) and its last run — recorded in `job_runs`, so every instance
 * reports the same thing.
 */
import { HttpApiSchema } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Exit, Schema } from "effect"
import * as crypto from "node:crypto"
import * as os from "node:os"
import { ResolverInterval } from "../AppConfig.js"
import { PendingMappingResolver } from "./PendingMappingResolver.js"

export const RESOLVE_PENDING_MAPPINGS = "resolve-pending-mappings"

export type JobTrigger = "schedule" | "http" | "cli"

export interface JobDefinition {
  readonly name: string
  readonly interval: Duration.Duration
  /** Runs the job once; the number is what it resolved/processed. */
  readonly run: Effect.Effect<number, unknown>
}

export const JobRunResult = Schema.Struct({
  job: Schema.String,
  resolved: Schema.Number,
  duration_ms: Schema.Number
}).annotations({ identifier: "JobRunResult" })
export type JobRunResult = typeof JobRunResult.Type

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

interface LastRunRow {
  readonly job: string
  readonly started_at: Date
  readonly finished_at: Date | null
  readonly outcome: "succeeded" | "failed" | null
  readonly trigger: string
  readonly resolved: number | null
  readonly error: string | null
  readonly last_scheduled_at: Date | null
}

export class JobRegistry extends Effect.Service<JobRegistry>()("starmile/JobRegistry", {
  dependencies: [PendingMappingResolver.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const resolver = yield* PendingMappingResolver
    const resolverInterval = yield* ResolverInterval
    const instanceId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`

    const jobs: ReadonlyArray<JobDefinition> = [
      { name: RESOLVE_PENDING_MAPPINGS, interval: resolverInterval, run: resolver.runOnce }
    ]

    const find = (name: string) => {
      const job = jobs.find((j) => j.name === name)
      return job === undefined
        ? Effect.fail(new UnknownJob({ message: `No job named "${name}". Jobs: ${jobs.map((j) => j.name).join(", ")}.` }))
        : Effect.succeed(job)
    }

    /** Records a start; runs older than a week are pruned in the same statement. */
    const recordStart = (job: string, trigger: JobTrigger) =>
      sql<{ id: number }>`
        with pruned as (delete from job_runs where job = ${job} and started_at < now() - interval '7 days')
        insert into job_runs (job, instance_id, trigger) values (${job}, ${instanceId}, ${trigger})
        returning id`.pipe(Effect.map((rows) => rows[0]!.id))

    const recordEnd = (id: number, exit: Exit.Exit<number, unknown>) =>
      Exit.isSuccess(exit)
        ? sql`update job_runs set finished_at = now(), outcome = 'succeeded', resolved = ${exit.value} where id = ${id}`
        : sql`update job_runs set finished_at = now(), outcome = 'failed', error = ${
          String(exit.cause).slice(0, 2000)
        } where id = ${id}`

    /**
     * Runs a job now and records it. The run's failure is the caller's to handle (the
     * scheduler logs and retries; HTTP answers 503/500).
     */
    const run = (name: string, trigger: JobTrigger) =>
      Effect.gen(function* () {
        const job = yield* find(name)
        const started = Date.now()
        const runId = yield* recordStart(job.name, trigger)
        const exit = yield* Effect.exit(job.run)
        yield* recordEnd(runId, exit).pipe(Effect.ignoreLogged)
        const resolved = yield* exit
        const result: JobRunResult = { job: job.name, resolved, duration_ms: Date.now() - started }
        return result
      }).pipe(Effect.annotateLogs({ job: name, trigger }))

    const status = Effect.gen(function* () {
      const rows = yield* sql<LastRunRow>`
        select distinct on (job) job, started_at, finished_at, outcome, trigger, resolved, error,
               (select started_at from job_runs s where s.job = r.job and s.trigger = 'schedule'
                 order by id desc limit 1) as last_scheduled_at
          from job_runs r
         where job in ${sql.in(jobs.map((j) => j.name))}
         order by job, id desc`
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
