/** SQL for the job-run history (domain/repositories/JobRunsRepo.ts). */
import { Effect, Layer, Schema } from "effect"
import { JobRunsRepo } from "../domain/repositories/JobRunsRepo.js"
import { decodeAll, decodeSingle, Int8, RepositorySql, Timestamptz } from "./Rows.js"
import { dieOnSqlError } from "./SqlErrors.js"

const LastRunRow = Schema.Struct({
  job: Schema.String,
  started_at: Timestamptz,
  finished_at: Schema.NullOr(Timestamptz),
  outcome: Schema.NullOr(Schema.Literal("succeeded", "failed")),
  trigger: Schema.String,
  resolved: Schema.NullOr(Schema.Number),
  error: Schema.NullOr(Schema.String),
  last_scheduled_at: Schema.NullOr(Timestamptz)
})

const StartedRunRow = Schema.Struct({ id: Int8 })

/** JobRunsRepo over the SqlClient. */
export const JobRunsRepoLive = Layer.effect(
  JobRunsRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql
    return JobRunsRepo.of({
      recordStart: (job, instanceId, trigger) =>
        sql`
          with pruned as (delete from job_runs where job = ${job} and started_at < now() - interval '7 days')
          insert into job_runs (job, instance_id, trigger) values (${job}, ${instanceId}, ${trigger})
          returning id`.pipe(decodeSingle(StartedRunRow), Effect.map((row) => row.id), dieOnSqlError),

      recordSuccess: (runId, resolved) =>
        sql`update job_runs set finished_at = now(), outcome = 'succeeded', resolved = ${resolved} where id = ${runId}`.pipe(
          Effect.asVoid,
          dieOnSqlError
        ),

      recordFailure: (runId, error) =>
        sql`update job_runs set finished_at = now(), outcome = 'failed', error = ${error} where id = ${runId}`.pipe(
          Effect.asVoid,
          dieOnSqlError
        ),

      lastRuns: (jobs) =>
        sql`
          select distinct on (job) job, started_at, finished_at, outcome, trigger, resolved, error,
                 (select started_at from job_runs s where s.job = r.job and s.trigger = 'schedule'
                   order by id desc limit 1) as last_scheduled_at
            from job_runs r
           where job in ${sql.in(jobs)}
           order by job, id desc`.pipe(decodeAll(LastRunRow), dieOnSqlError)
    })
  })
)
