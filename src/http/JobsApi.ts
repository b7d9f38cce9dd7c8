/** Operator job triggers (CONTRACT §8), backed by the job registry. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { JobRunResult, JobStatus, UnknownJob } from "../jobs/Jobs.js"
import { envelope } from "./Envelope.js"
import { DataOf, PageOf } from "./Schemas.js"
import { OperatorAuth } from "./Security.js"

export class JobsApi extends HttpApiGroup.make("jobs")
  .add(
    HttpApiEndpoint.get("listJobs", "/operator/v1/jobs")
      .addSuccess(PageOf(JobStatus))
      .annotate(OpenApi.Summary, "List jobs")
      .annotate(OpenApi.Description, "Each job: interval, last run (any instance), next scheduled run")
  )
  .add(
    HttpApiEndpoint.post("runJob", "/operator/v1/jobs/:name/run")
      .setPath(Schema.Struct({ name: Schema.String }))
      .addSuccess(DataOf(JobRunResult))
      .addError(envelope(UnknownJob))
      .annotate(OpenApi.Summary, "Run a job now")
      .annotate(OpenApi.Description, "Runs a job at once on this instance and answers its result (e.g. resolve-pending-mappings); an unknown job is 404 unknown_job")
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Jobs")
  .annotate(OpenApi.Description, "Background jobs: their schedule and last run, and a manual trigger")
{}
