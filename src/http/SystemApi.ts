/** Liveness, readiness (database reachable). No authentication. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { DatabaseUnavailable } from "../domain/Errors.js"
import { envelope } from "./Envelope.js"
import { DataOf } from "./Schemas.js"

export class SystemApi extends HttpApiGroup.make("system")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(DataOf(Schema.Struct({ status: Schema.Literal("ok") }))))
  .add(
    HttpApiEndpoint.get("ready", "/ready")
      .addSuccess(DataOf(Schema.Struct({ status: Schema.Literal("ready") })))
      .addError(envelope(DatabaseUnavailable))
  )
  .annotate(OpenApi.Description, "Liveness and readiness probes")
{}
