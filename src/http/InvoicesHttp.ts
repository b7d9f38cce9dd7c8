import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CurrentPartner } from "../domain/Auth.js"
import { Billing } from "../domain/Billing.js"
import { StarmileApi } from "./Api.js"
import { INVOICES_DEFAULT_LIMIT } from "./InvoicesApi.js"
import { encodeCursor } from "./Schemas.js"

export const InvoicesHttpLive = HttpApiBuilder.group(StarmileApi, "invoices", (handlers) =>
  Effect.map(Billing, (billing) =>
    handlers.handle("list", ({ urlParams }) =>
      Effect.gen(function* () {
        const principal = yield* CurrentPartner
        const page = yield* billing.listForPartner(principal.partnerId, {
          limit: urlParams.limit ?? INVOICES_DEFAULT_LIMIT,
          beforeId: urlParams.cursor
        })
        return { data: page.lines, next_cursor: page.nextBeforeId === null ? null : encodeCursor(page.nextBeforeId) }
      }))))
