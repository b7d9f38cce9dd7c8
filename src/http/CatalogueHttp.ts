import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CurrentPartner } from "../domain/Auth.js"
import { CatalogueService } from "../domain/CatalogueService.js"
import { StarmileApi } from "./Api.js"

export const CatalogueHttpLive = HttpApiBuilder.group(StarmileApi, "catalogue", (handlers) =>
  Effect.map(CatalogueService, (catalogue) =>
    handlers
      .handle("listServices", () =>
        Effect.gen(function* () {
          const principal = yield* CurrentPartner
          return { data: yield* catalogue.listPartnerServices(principal.partnerId, principal.warehouseId), next_cursor: null }
        }))
      .handle("listPudoPoints", ({ urlParams }) =>
        Effect.map(
          catalogue.listActivePudoPoints({ country: urlParams.country, kind: urlParams.kind }),
          (data) => ({ data, next_cursor: null })
        ))))
