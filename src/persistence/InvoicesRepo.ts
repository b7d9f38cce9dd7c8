/**
 * SQL for invoice lines. `raiseDue` is the billing rule of domain/Billing.ts as one set-based
 * statement; it runs in whatever transaction the caller is in.
 */
import { Effect, Layer, Schema } from "effect"
import { OperatorInvoiceLine } from "../domain/Billing.js"
import { InvoicesRepo } from "../domain/repositories/InvoicesRepo.js"
import { PartnerId } from "../domain/Ids.js"
import { decodeAll, decodeSingle, Int8, Int8Id, RepositorySql, Timestamptz } from "./Rows.js"
import { dieOnSqlError } from "./SqlErrors.js"

const InvoiceLineRow = Schema.Struct({
  ...OperatorInvoiceLine.fields,
  id: Int8,
  partner_id: Int8Id(PartnerId),
  rate_id: Int8,
  created_at: Timestamptz
})
const Raised = Schema.Struct({ raised: Int8 })

/** InvoicesRepo over the SqlClient. */
export const InvoicesRepoLive = Layer.effect(
  InvoicesRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql

    return InvoicesRepo.of({
      /**
       * One statement for any number of parcels: for each parcel of a billable order, the most
       * specific rate of its service (partner before default, exact tier before any tier); a
       * line when the parcel's step reached the rate's bill_on_status and the parcel has no
       * line yet. `on conflict do nothing` makes retries and races harmless.
       */
      raiseDue: (filter) => {
        // The given ids drive the plan: each is looked up by primary key in a LATERAL ... LIMIT 1
        // subquery, which the planner cannot flatten or reorder. A plain join let it drive from
        // `orders` instead whenever its statistics still said "almost no order is mapped" (right
        // after resolver batches), and that plan went quadratic: 12 s per 5,000-order batch.
        const targets = "parcelIds" in filter
          ? sql`unnest(${filter.parcelIds as ReadonlyArray<number> as Array<number>}::bigint[]) as target(id)
                cross join lateral (select * from parcels p where p.id = target.id limit 1) p
                cross join lateral (select * from orders o where o.id = p.order_id limit 1) o`
          : sql`unnest(${filter.orderIds as ReadonlyArray<number> as Array<number>}::bigint[]) as target(id)
                cross join lateral (select * from orders o where o.id = target.id limit 1) o
                join parcels p on p.order_id = o.id`
        return sql`
          with raised as (
            insert into invoice_lines (partner_id, order_id, parcel_id, rate_id, status, currency, amount, weight_grams)
            select p.partner_id, p.order_id, p.id, r.id, 'open', r.currency,
                   r.amount + coalesce(r.per_kg_amount, 0) * ceil(w.grams / 1000.0),
                   w.grams
              from ${targets}
              join services s on s.id = o.service_id
              join flows f on f.id = s.flow_id
              cross join lateral (select coalesce(p.measured_weight_grams, p.weight_grams, 0) as grams) w
              join lateral (
                select r.id, r.currency, r.amount, r.per_kg_amount, r.bill_on_status
                  from rates r
                 where r.service_id = o.service_id
                   and (r.partner_id = o.partner_id or r.partner_id is null)
                   and (r.pricing_tier = o.pricing_tier or r.pricing_tier is null)
                 order by r.partner_id is null, r.pricing_tier is null
                 limit 1) r on true
             where o.region_status <> 'pending_mapping'
               and p.status <> 'cancelled'
               and p.step_index + 1 >= array_position(f.steps, r.bill_on_status)
               and not exists (select 1 from invoice_lines billed where billed.parcel_id = p.id)
            on conflict (parcel_id, rate_id) do nothing
            returning 1)
          select count(*) as raised from raised`.pipe(decodeSingle(Raised), Effect.map((row) => row.raised), dieOnSqlError)
      },

      /** Newest first; `beforeId` continues after a page; `partnerId` undefined = every partner. */
      list: (q) =>
        sql`
          select il.id, il.partner_id, o.tracking as order_id, p.tracking as parcel_id, il.rate_id, il.status,
                 il.currency, il.amount::float8 as amount, il.weight_grams, il.created_at
            from invoice_lines il
            join orders o on o.id = il.order_id
            join parcels p on p.id = il.parcel_id
           where ${q.partnerId === undefined ? sql`true` : sql`il.partner_id = ${q.partnerId}`}
             and ${q.beforeId === undefined ? sql`true` : sql`il.id < ${q.beforeId}`}
           order by il.id desc
           limit ${q.limit}`.pipe(decodeAll(InvoiceLineRow), dieOnSqlError)
    })
  })
)
