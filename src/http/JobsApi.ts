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
      .annotate(OpenApi.Description, "Each job: interval, last run (any instance), next scheduled run")
  )
  .add(
    HttpApiEndpoint.post("runJob", "/operator/v1/jobs/:name/run")
      .setPath(Schema.Struct({ name: Schema.String }))
      .addSuccess(DataOf(JobRunResult))
      .addError(envelope(UnknownJob))
      .annotate(OpenApi.Description, "Run a job now (e.g. resolve-pending-mappings)")
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Description, "Background jobs (operator)")
{}
