import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Billing } from "../domain/Billing.js"
import { CatalogueService } from "../domain/CatalogueService.js"
import { PartnerId } from "../domain/Ids.js"
import { ParcelFlow } from "../domain/ParcelFlow.js"
import { StarmileApi } from "./Api.js"
import { INVOICES_DEFAULT_LIMIT } from "./InvoicesApi.js"
import { encodeCursor } from "./Schemas.js"

export const ParcelFlowHttpLive = HttpApiBuilder.group(StarmileApi, "parcelFlow", (handlers) =>
  Effect.gen(function* () {
    const flow = yield* ParcelFlow
    const billing = yield* Billing
    const catalogue = yield* CatalogueService
    return handlers
      .handle("scan", ({ path, payload }) => Effect.map(flow.scan(path.code, payload), (parcel) => ({ data: parcel })))
      .handle("listInvoices", ({ urlParams }) =>
        Effect.gen(function* () {
          const partnerId = urlParams.partner_id === undefined ? undefined : PartnerId.make(urlParams.partner_id)
          if (partnerId !== undefined) yield* catalogue.requirePartner(partnerId)
          const page = yield* billing.listAll({
            partnerId,
            limit: urlParams.limit ?? INVOICES_DEFAULT_LIMIT,
            beforeId: urlParams.cursor
          })
          return { data: page.lines, next_cursor: page.nextBeforeId === null ? null : encodeCursor(page.nextBeforeId) }
        }))
  }))
