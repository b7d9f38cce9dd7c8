/**
 * Rates and invoices (CONTRACT §7).
 *
 * The rules, applied by ONE set-based SQL statement (InvoicesRepo.raiseDue) so that any number
 * of parcels is billed in one round trip; the HTTP tests in test/invoices.test.ts pin each one:
 * - the applicable rate for an order is the most specific match for its service:
 *   partner-specific before default, then exact pricing tier before "any tier"
 *   (an order without a tier — not_applicable — only matches "any tier" rates);
 * - an order still pending region mapping is not billed until it resolves;
 * - a parcel is due once its step index reaches the index of the rate's bill_on_status;
 *   a cancelled parcel is never billed;
 * - the charge is `amount + per_kg_amount × ceil(weight_grams / 1000)` on the measured weight,
 *   else the declared weight, else 0 (no per-kg amount → 0), exact to the cent;
 * - one line per parcel: at most one per (parcel, rate) by constraint, and a parcel already
 *   billed is not billed again under another rate created later.
 *
 * `raiseDueForParcels` / `raiseDueForOrders` run in the caller's transaction (plain SqlClient
 * calls) as ONE statement, idempotent (`on conflict (parcel_id, rate_id) do nothing`).
 */
import { Effect, Schema } from "effect"
import { Timestamp } from "./Catalogue.js"
import { Id } from "./Primitives.js"
import type { OrderId, ParcelId, PartnerId } from "./Ids.js"
import { InvoicesRepo } from "./repositories/InvoicesRepo.js"

// ---------------------------------------------------------------- wire shapes

/** An invoice line as a partner sees it. */
export const InvoiceLine = Schema.Struct({
  id: Id,
  order_id: Schema.String.annotations({ description: "Starmile order tracking" }),
  parcel_id: Schema.String.annotations({ description: "Starmile parcel tracking" }),
  rate_id: Id,
  status: Schema.String.annotations({ description: "Billing status: \"open\"" }),
  currency: Schema.String,
  amount: Schema.Number,
  weight_grams: Schema.Number.annotations({ description: "The weight the amount was computed on" }),
  created_at: Timestamp
}).annotations({ identifier: "InvoiceLine" })
export type InvoiceLine = typeof InvoiceLine.Type

/** What operators see: the line and whose it is. */
export const OperatorInvoiceLine = Schema.Struct({ ...InvoiceLine.fields, partner_id: Id }).annotations({
  identifier: "OperatorInvoiceLine"
})
export type OperatorInvoiceLine = typeof OperatorInvoiceLine.Type

/** A page of invoice lines, newest first. */
export interface InvoicePage<A> {
  readonly lines: ReadonlyArray<A>
  /** id of the last line when more lines follow (newest first: next page has smaller ids). */
  readonly nextBeforeId: number | null
}

// ---------------------------------------------------------------- the service

/** Raises due invoice lines (in the caller's transaction) and lists them. */
export class Billing extends Effect.Service<Billing>()("starmile/Billing", {
  effect: Effect.gen(function* () {
    const repo = yield* InvoicesRepo

    const page = <A extends { readonly id: number }>(rows: ReadonlyArray<A>, limit: number): InvoicePage<A> =>
      rows.length > limit
        ? { lines: rows.slice(0, limit), nextBeforeId: rows[limit - 1]!.id }
        : { lines: rows, nextBeforeId: null }

    return {
      /**
       * Raises every invoice line these parcels are due and not yet billed. One statement,
       * in the caller's transaction; idempotent. Returns the number of lines raised.
       */
      raiseDueForParcels: (parcelIds: ReadonlyArray<ParcelId>): Effect.Effect<number> =>
        parcelIds.length === 0 ? Effect.succeed(0) : repo.raiseDue({ parcelIds }),

      /** The same for every parcel of these orders (used when pending orders resolve). */
      raiseDueForOrders: (orderIds: ReadonlyArray<OrderId>): Effect.Effect<number> =>
        orderIds.length === 0 ? Effect.succeed(0) : repo.raiseDue({ orderIds }),

      /** A partner's lines, newest first. */
      listForPartner: (partnerId: PartnerId, options: { readonly limit: number; readonly beforeId: number | undefined }) =>
        Effect.map(
          repo.list({ partnerId, limit: options.limit + 1, beforeId: options.beforeId }),
          (rows): InvoicePage<InvoiceLine> => page(rows.map(({ partner_id: _, ...line }) => line), options.limit)
        ),

      /** Every partner's lines (or one partner's), newest first. */
      listAll: (options: { readonly partnerId: PartnerId | undefined; readonly limit: number; readonly beforeId: number | undefined }) =>
        Effect.map(
          repo.list({ partnerId: options.partnerId, limit: options.limit + 1, beforeId: options.beforeId }),
          (rows): InvoicePage<OperatorInvoiceLine> => page(rows, options.limit)
        )
    }
  })
}) {}
