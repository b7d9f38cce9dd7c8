/** Liveness, readiness (database reachable). No authentication. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { DatabaseUnavailable } from "../domain/Errors.js"
import { envelope } from "./Envelope.js"
import { DataOf } from "./Schemas.js"

export class SystemApi extends HttpApiGroup.make("system")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .addSuccess(DataOf(Schema.Struct({ status: Schema.Literal("ok") })))
      .annotate(OpenApi.Summary, "Liveness")
      .annotate(OpenApi.Description, "200 while the process serves requests; does not touch the database")
  )
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(DataOf(Schema.Struct({ status: Schema.Literal("ready") })))
      .addError(envelope(DatabaseUnavailable))
      .annotate(OpenApi.Summary, "Readiness")
      .annotate(OpenApi.Description, "200 when the database answers within 2 seconds, else 503 database_unavailable")
  )
  .annotate(OpenApi.Title, "Probes")
  .annotate(OpenApi.Description, "Liveness and readiness probes (no authentication)")
{}
