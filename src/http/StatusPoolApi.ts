/**
 * Partner status pool (CONTRACT §6): `GET /api/v1/status-pool` (oldest first, `limit` 1–1000,
 * default 100, optional `cursor`) and `POST /api/v1/status-pool/ack`. Scope statuses:read.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden } from "../domain/Errors.js"
import { optionalField } from "../domain/Primitives.js"
import { AckRequest, AckResult, POOL_MAX_LIMIT, StatusEvent } from "../domain/StatusPool.js"
import { envelope } from "./Envelope.js"
import { DataOf, IdCursor, LimitParam, PageOf } from "./Schemas.js"
import { RequiresStatusesRead } from "./Scopes.js"

export class StatusPoolApi extends HttpApiGroup.make("statusPool")
  .add(
    HttpApiEndpoint.get("read", "/api/v1/status-pool")
      .middleware(RequiresStatusesRead)
      .setUrlParams(Schema.Struct({
        limit: optionalField(LimitParam(POOL_MAX_LIMIT)).annotations({ description: "1–1000, default 100" }),
        cursor: optionalField(IdCursor)
      }))
      .addSuccess(PageOf(StatusEvent))
      .annotate(OpenApi.Summary, "Read your status pool")
      .annotate(
        OpenApi.Description,
        "The caller's unacknowledged status events, oldest first (scope statuses:read). Reading does not consume: " +
          "acknowledge events to take them out of the pool. next_cursor reads ahead without acknowledging."
      )
  )
  .add(
    HttpApiEndpoint.post("ack", "/api/v1/status-pool/ack")
      .middleware(RequiresStatusesRead)
      .setPayload(AckRequest)
      .addSuccess(DataOf(AckResult))
      .annotate(OpenApi.Summary, "Acknowledge status events")
      .annotate(
        OpenApi.Description,
        "Acknowledges 1–1000 event ids (scope statuses:read); answers how many were newly acknowledged. " +
          "Idempotent; ids of other partners or unknown ids are ignored."
      )
  )
  .addError(envelope(Forbidden))
  .annotate(OpenApi.Title, "Status pool")
  .annotate(OpenApi.Description, "Status events of your parcels, kept until you acknowledge them")
{}
