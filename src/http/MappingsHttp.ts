import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { RegionMappings } from "../domain/RegionMappings.js"
import { StarmileApi } from "./Api.js"
import { parsePartnerId } from "./Ids.js"

export const MappingsHttpLive = HttpApiBuilder.group(StarmileApi, "mappings", (handlers) =>
  Effect.map(RegionMappings, (mappings) =>
    handlers
      .handle("listPending", () => Effect.map(mappings.listPending, (data) => ({ data, next_cursor: null })))
      .handle("saveMapping", ({ path, payload }) =>
        parsePartnerId(path.partner_id).pipe(
          Effect.flatMap((partnerId) => mappings.save(partnerId, payload)),
          Effect.map((data) => ({ data }))
        ))))
