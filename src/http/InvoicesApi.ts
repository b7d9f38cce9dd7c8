/** Partner invoices (CONTRACT §7): `GET /api/v1/invoices?limit=&cursor=`, newest first. Scope invoices:read. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { InvoiceLine } from "../domain/Billing.js"
import { Forbidden } from "../domain/Errors.js"
import { optionalField } from "../domain/Primitives.js"
import { envelope } from "./Envelope.js"
import { IdCursor, LimitParam, PageOf } from "./Schemas.js"
import { RequiresInvoicesRead } from "./Scopes.js"

export const INVOICES_DEFAULT_LIMIT = 100
export const INVOICES_MAX_LIMIT = 1000

export const InvoicePageParams = Schema.Struct({
  limit: optionalField(LimitParam(INVOICES_MAX_LIMIT)).annotations({ description: "1–1000, default 100" }),
  cursor: optionalField(IdCursor)
})

export class InvoicesApi extends HttpApiGroup.make("invoices")
  .add(
    HttpApiEndpoint.get("list", "/api/v1/invoices")
      .middleware(RequiresInvoicesRead)
      .setUrlParams(InvoicePageParams)
      .addSuccess(PageOf(InvoiceLine))
      .annotate(OpenApi.Summary, "List your invoice lines")
      .annotate(OpenApi.Description, "The caller's invoice lines, newest first, cursor-paginated (scope invoices:read)")
  )
  .addError(envelope(Forbidden))
  .annotate(OpenApi.Title, "Invoices")
  .annotate(OpenApi.Description, "Invoice lines, raised when a parcel reaches the status its rate bills on")
{}
