import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { requireScope } from "../domain/Auth.js"
import { CatalogueService } from "../domain/CatalogueService.js"
import { StarmileApi } from "./Api.js"

export const CatalogueHttpLive = HttpApiBuilder.group(StarmileApi, "catalogue", (handlers) =>
  Effect.map(CatalogueService, (catalogue) =>
    handlers
      .handle("listServices", () =>
        Effect.gen(function* () {
          const principal = yield* requireScope("services:read")
          return { data: yield* catalogue.listPartnerServices(principal.partnerId, principal.warehouseId) }
        }))
      .handle("listPudoPoints", ({ urlParams }) =>
        Effect.gen(function* () {
          yield* requireScope("services:read")
          return { data: yield* catalogue.listActivePudoPoints({ country: urlParams.country, kind: urlParams.kind }) }
        }))))
