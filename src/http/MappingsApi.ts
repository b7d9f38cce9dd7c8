/** Operator API: waiting region keys and the partner's region mappings (CONTRACT §7, §8). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { NewRegionMapping, RegionMapping, Timestamp } from "../domain/Catalogue.js"
import { Id } from "../domain/Primitives.js"
import { DataOf, IdPath, PageOf } from "./Schemas.js"
import { OperatorAuth } from "./Security.js"

export const PendingMappingKey = Schema.Struct({
  partner_id: Id,
  parent_region: Schema.String,
  region: Schema.String,
  waiting_orders: Schema.Number,
  oldest_order_at: Timestamp
}).annotations({ identifier: "PendingMappingKey" })

export const SavedMapping = Schema.Struct({
  ...RegionMapping.fields,
  resolved_orders: Schema.Number.annotations({ description: "Waiting orders of this key resolved by this save" })
}).annotations({ identifier: "SavedRegionMapping" })

export class MappingsApi extends HttpApiGroup.make("mappings")
  .add(
    HttpApiEndpoint.get("listPending", "/operator/v1/region-mappings/pending")
      .addSuccess(PageOf(PendingMappingKey))
      .annotate(OpenApi.Summary, "List waiting region keys")
      .annotate(OpenApi.Description, "Every waiting key with its order count and oldest order, oldest first")
  )
  .add(
    HttpApiEndpoint.put("saveMapping", "/operator/v1/partners/:partner_id/region-mappings")
      .setPath(IdPath("partner_id"))
      .setPayload(NewRegionMapping)
      .addSuccess(DataOf(SavedMapping))
      .annotate(OpenApi.Summary, "Map a region key")
      .annotate(OpenApi.Description, "Creates or changes the partner's mapping of (parent_region, region) to a Starmile region; that key's " +
          "waiting orders resolve in the same transaction (resolved_orders). Unknown region → 422, unknown partner → 404.")
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Region mapping")
  .annotate(OpenApi.Description, "Partners' own region keys waiting for a mapping, and the mappings")
{}
