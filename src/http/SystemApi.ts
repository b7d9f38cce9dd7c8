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
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(DataOf(Schema.Struct({ status: Schema.Literal("ok") }))))
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(DataOf(Schema.Struct({ status: Schema.Literal("ready") })))
      .addError(envelope(DatabaseUnavailable))
      .addError(envelope(ShuttingDown))
  )
  .add(
    HttpApiEndpoint.get("metrics", "/metrics")
      .addSuccess(HttpApiSchema.Text({ contentType: "text/plain; version=0.0.4; charset=utf-8" }))
      .middleware(OperatorAuth)
      .annotate(OpenApi.Description, "Prometheus text exposition (operator token)")
  )
  .annotate(OpenApi.Description, "Liveness and readiness probes, metrics")
{}
