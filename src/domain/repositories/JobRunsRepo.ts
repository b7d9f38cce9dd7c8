/** The job-run history every instance shares (implemented by persistence/JobRunsRepo.ts). */
import { Context, type Effect } from "effect"

/** How a run was started. */
export type JobTrigger = "schedule" | "http" | "cli"

/** A job's latest run and its latest scheduled start. */
export interface LastRunRow {
  readonly job: string
  readonly started_at: Date
  readonly finished_at: Date | null
  readonly outcome: "succeeded" | "failed" | null
  readonly trigger: string
  readonly resolved: number | null
  readonly error: string | null
  readonly last_scheduled_at: Date | null
}

/** Job runs in `job_runs` (7 days of history). */
export class JobRunsRepo extends Context.Tag("starmile/JobRunsRepo")<JobRunsRepo, {
  /** Records a start (runs older than a week are pruned in the same statement); the run's id. */
  readonly recordStart: (job: string, instanceId: string, trigger: JobTrigger) => Effect.Effect<number>
  readonly recordSuccess: (runId: number, resolved: number) => Effect.Effect<void>
  readonly recordFailure: (runId: number, error: string) => Effect.Effect<void>
  /** The latest run of each of these jobs. */
  readonly lastRuns: (jobs: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<LastRunRow>>
}>() {}
