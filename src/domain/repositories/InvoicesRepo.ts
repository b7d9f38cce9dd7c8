/** What billing needs from storage (implemented by persistence/InvoicesRepo.ts). */
import { Context, type Effect } from "effect"
import type { OrderId, ParcelId, PartnerId } from "../Ids.js"
import type { OperatorInvoiceLine } from "../Billing.js"

/** Which parcels to bill: these parcels, or every parcel of these orders. */
export type DueFilter = { readonly parcelIds: ReadonlyArray<ParcelId> } | { readonly orderIds: ReadonlyArray<OrderId> }

/** Invoice-line storage; `raiseDue` is the billing rule of Billing.ts as one statement. */
export class InvoicesRepo extends Context.Tag("starmile/InvoicesRepo")<InvoicesRepo, {
  /** Raises every line these parcels are due and not yet billed (caller's transaction); the number raised. */
  readonly raiseDue: (filter: DueFilter) => Effect.Effect<number>
  /** Newest first; `beforeId` continues after a page; `partnerId` undefined = every partner. */
  readonly list: (
    q: { readonly partnerId: PartnerId | undefined; readonly limit: number; readonly beforeId: number | undefined }
  ) => Effect.Effect<ReadonlyArray<OperatorInvoiceLine>>
}>() {}
