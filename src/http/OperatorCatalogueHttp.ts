import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CatalogueService } from "../domain/CatalogueService.js"
import { Credentials } from "../domain/Credentials.js"
import { StarmileApi } from "./Api.js"
import { WarehouseId } from "../domain/Ids.js"
import { parseId, parsePartnerId, parseServiceId } from "./Ids.js"

const data = <A>(value: A) => ({ data: value })

export const OperatorCatalogueHttpLive = HttpApiBuilder.group(StarmileApi, "operatorCatalogue", (handlers) =>
  Effect.gen(function* () {
    const catalogue = yield* CatalogueService
    const credentials = yield* Credentials
    return handlers
      .handle("createWarehouse", ({ payload }) => Effect.map(catalogue.createWarehouse(payload), data))
      .handle("createPartner", ({ payload }) => Effect.map(catalogue.createPartner(payload), data))
      .handle("createCredential", ({ path, payload }) =>
        parsePartnerId(path.partner_id).pipe(
          Effect.flatMap((partnerId) => credentials.create(partnerId, payload)),
          Effect.map(data)
        ))
      .handle("revokeCredential", ({ path }) => credentials.revoke(path.client_id))
      .handle("createFlow", ({ payload }) => Effect.map(catalogue.createFlow(payload), data))
      .handle("createRegion", ({ payload }) => Effect.map(catalogue.createRegion(payload), data))
      .handle("createPudoPoint", ({ payload }) => Effect.map(catalogue.createPudoPoint(payload), data))
      .handle("updatePudoPoint", ({ path, payload }) =>
        parseId(path.id, "PUDO point").pipe(
          Effect.flatMap((id) => catalogue.setPudoPointActive(id, payload.active)),
          Effect.map(data)
        ))
      .handle("createService", ({ payload }) => Effect.map(catalogue.createService(payload), data))
      .handle("publishService", ({ path, payload }) =>
        parseServiceId(path.id).pipe(Effect.flatMap((id) => catalogue.publish(id, payload)), Effect.map(data)))
      .handle("unpublishService", ({ path, payload }) =>
        parseServiceId(path.id).pipe(Effect.flatMap((id) => catalogue.unpublish(id, payload))))
      .handle("unpublishServiceAt", ({ path }) =>
        Effect.all([parseServiceId(path.id), parsePartnerId(path.partner_id), parseId(path.warehouse_id, "Warehouse")]).pipe(
          Effect.flatMap(([id, partner_id, warehouse_id]) =>
            catalogue.unpublish(id, { partner_id, warehouse_id: WarehouseId.make(warehouse_id) }))
        ))
      .handle("createRate", ({ payload }) => Effect.map(catalogue.createRate(payload), data))
  }))
