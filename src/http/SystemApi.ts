/**
 * Liveness, readiness (database reachable, not shutting down), no authentication; Prometheus
 * metrics with the operator token.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { DatabaseUnavailable } from "../domain/Errors.js"
import { envelope } from "./Envelope.js"
import { DataOf } from "./Schemas.js"
import { OperatorAuth } from "./Security.js"

/** 503 from /ready: the instance is draining after SIGTERM/SIGINT; send traffic elsewhere. */
export class ShuttingDown extends Schema.TaggedError<ShuttingDown>()(
  "ShuttingDown",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503, description: "The instance is shutting down" })
) {}

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
      .addError(envelope(ShuttingDown))
      .annotate(OpenApi.Summary, "Readiness")
      .annotate(
        OpenApi.Description,
        "200 when a database connection can be had and answers in time, else 503 database_unavailable; " +
          "503 shutting_down while the instance drains after SIGTERM/SIGINT"
      )
  )
  .add(
    HttpApiEndpoint.get("metrics", "/metrics")
      .addSuccess(
        HttpApiSchema.Text({ contentType: "text/plain; version=0.0.4; charset=utf-8" })
          .annotations({ description: "Prometheus text exposition format 0.0.4" })
      )
      .middleware(OperatorAuth)
      .annotate(OpenApi.Summary, "Prometheus metrics")
      .annotate(OpenApi.Description, "Prometheus text exposition (operator token)")
  )
  .annotate(OpenApi.Title, "Probes")
  .annotate(OpenApi.Description, "Liveness and readiness probes (no authentication), metrics (operator token)")
{}
