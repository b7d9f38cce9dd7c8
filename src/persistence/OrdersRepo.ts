/**
 * SQL for orders. Set-based: an order with its parcels and products is written by one
 * statement whatever the parcel count; reads build the whole order (parcels and products as
 * JSON) in one query. Unique violations of the partner's references become DuplicateReference
 * naming the field path; every other database failure is a defect.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { ServiceType } from "../domain/Catalogue.js"
import type { DestinationColumns, RegionStatus } from "../domain/Destination.js"
import { DuplicateReference, type PackageType } from "../domain/Order.js"
import { CacheInvalidation, CATALOGUE_TOPIC, makeLiveCache } from "./CacheInvalidation.js"
import { makeSerialBlock, ORDER_SERIAL_BLOCK, PARCEL_SERIAL_BLOCK } from "./SerialBlocks.js"
import { dieOnSqlError, mapConstraintErrors, type PgErrorInfo, UNIQUE_VIOLATION } from "./SqlErrors.js"

/** A service as order creation needs it, only when published for the partner in the warehouse. */
export interface PublishedService {
  readonly id: number
  readonly type: ServiceType
  readonly channel: string | null
  readonly destination_country: string
  readonly consolidation_enabled: boolean
  readonly first_step: string
}

export interface PudoPointRow {
  readonly id: number
  readonly kind: string
  readonly country: string
  readonly active: boolean
}

/**
 * What the one create statement decided: created (with the region status the database chose
 * from the partner's mappings at that moment), or refused because the service is no longer
 * published or the PUDO point does not fit (with the point as it is now, to say why).
 */
export type InsertOutcome =
  | { readonly _tag: "Created"; readonly orderId: number; readonly regionStatus: RegionStatus }
  | { readonly _tag: "Unpublished" }
  | { readonly _tag: "PudoRefused"; readonly pudo: PudoPointRow | undefined }

export interface ProductRow {
  readonly name: string
  readonly hs_code: string | null
  readonly declared_value: number | null
  readonly currency: string | null
  readonly quantity: number
  readonly weight_grams: number | null
}

export interface NewParcelRow {
  readonly position: number
  readonly tracking: string
  readonly item_id: string | null
  readonly merchant_tracking: string
  readonly package_type: PackageType | null
  readonly weight_grams: number | null
  readonly length_mm: number | null
  readonly width_mm: number | null
  readonly height_mm: number | null
  readonly products: ReadonlyArray<ProductRow>
}

/** The recipient and commercial columns an order is created with and read back. */
export interface OrderDetailColumns {
  readonly gov_id: string | null
  readonly customer_name: string | null
  readonly customer_phone: string | null
  readonly customer_email: string | null
  readonly shipping_cost: number | null
  readonly consolidation_required: boolean
}

/**
 * A new order. `region_id`/`pricing_tier` and the region status are not given: the statement
 * reads the partner's mapping of (`parent_region`, `region`) when it writes (home delivery).
 */
export interface NewOrderRow extends Omit<DestinationColumns, "region_id" | "pricing_tier">, OrderDetailColumns {
  readonly tracking: string
  readonly partner_id: number
  readonly warehouse_id: number
  readonly service: PublishedService
  readonly partner_order_id: string
  readonly parcels: ReadonlyArray<NewParcelRow>
}

/** A parcel as stored, in the shape of the parcel view plus its flow position. */
export interface ParcelRow {
  readonly parcel_id: string
  readonly item_id: string | null
  readonly merchant_tracking: string
  readonly status: string
  readonly step_index: number
  readonly package_type: PackageType | null
  readonly weight_grams: number | null
  readonly length_mm: number | null
  readonly width_mm: number | null
  readonly height_mm: number | null
  readonly measured: {
    readonly weight_grams: number | null
    readonly length_mm: number | null
    readonly width_mm: number | null
    readonly height_mm: number | null
  } | null
  readonly products: ReadonlyArray<ProductRow>
}

export interface OrderRow extends DestinationColumns, OrderDetailColumns {
  readonly id: number
  readonly tracking: string
  readonly partner_order_id: string
  readonly service_id: number
  readonly region_status: RegionStatus
  readonly created_at: Date
  readonly cancelled_at: Date | null
  readonly cancel_reason: string | null
  readonly parcels: ReadonlyArray<ParcelRow>
}

/** The locked order row of a modification. */
export interface LockedOrder {
  readonly id: number
  readonly tracking: string
  readonly cancelled_at: Date | null
  readonly cancel_reason: string | null
}

/** A parcel's identity and flow position (what update/cancel decide on). */
export interface ParcelStateRow {
  readonly id: number
  readonly tracking: string
  readonly item_id: string | null
  readonly status: string
  readonly step_index: number
}

/** Sent fields change (null included); absent or undefined fields stay. */
export interface ParcelChanges {
  readonly merchant_tracking?: string | null | undefined
  readonly package_type?: PackageType | null | undefined
  readonly weight_grams?: number | null | undefined
  readonly length_mm?: number | null | undefined
  readonly width_mm?: number | null | undefined
  readonly height_mm?: number | null | undefined
}

const PARCEL_JSON = `json_build_object(
    'parcel_id', p.tracking, 'item_id', p.item_id, 'merchant_tracking', p.merchant_tracking,
    'status', p.status, 'step_index', p.step_index, 'package_type', p.package_type,
    'weight_grams', p.weight_grams, 'length_mm', p.length_mm, 'width_mm', p.width_mm, 'height_mm', p.height_mm,
    'measured', case when p.measured_at is null then null else json_build_object(
        'weight_grams', p.measured_weight_grams, 'length_mm', p.measured_length_mm,
        'width_mm', p.measured_width_mm, 'height_mm', p.measured_height_mm) end,
    'products', coalesce((select json_agg(json_build_object(
        'name', pr.name, 'hs_code', pr.hs_code, 'declared_value', pr.declared_value::float8,
        'currency', pr.currency, 'quantity', pr.quantity, 'weight_grams', pr.weight_grams) order by pr.position)
      from products pr where pr.parcel_id = p.id), '[]'::json))`

const ORDER_COLUMNS = `o.id, o.tracking, o.partner_order_id, o.service_id, o.region_status, o.destination_type,
  o.parent_region, o.region, o.region_id, o.pricing_tier, o.pudo_id, o.address_first, o.address_second, o.zip, o.notes,
  o.gov_id, o.customer_name, o.customer_phone, o.customer_email, o.shipping_cost::float8 as shipping_cost,
  o.consolidation_required, o.created_at, o.cancelled_at, o.cancel_reason,
  coalesce((select json_agg(${PARCEL_JSON} order by p.position) from parcels p where p.order_id = o.id), '[]'::json)
    as parcels`

/** `Key (partner_id, item_id)=(7, PKG-1) already exists.` → `PKG-1`. */
const duplicateValue = (info: PgErrorInfo): string | undefined =>
  info.detail === undefined ? undefined : /^Key \([^)]*\)=\(\d+, (.*)\) already exists\.?$/s.exec(info.detail)?.[1]

const alreadyUsed = (path: string, value: string | undefined) =>
  DuplicateReference.many({
    [path]: [value === undefined ? "is already used" : `${JSON.stringify(value)} is already used`]
  })

/** Which reference of a new order a unique violation names. */
const createConflict = (order: NewOrderRow) => (info: PgErrorInfo): DuplicateReference | undefined => {
  if (info.code !== UNIQUE_VIOLATION) return undefined
  const value = duplicateValue(info)
  const parcelPath = (field: "item_id" | "merchant_tracking") => {
    const index = order.parcels.findIndex((p) => p[field] === value)
    return `parcels.${index === -1 ? 0 : index}.${field}`
  }
  switch (info.constraint) {
    case "orders_partner_order_id_unique":
      return alreadyUsed("order_id", value ?? order.partner_order_id)
    case "parcels_item_id_unique":
      return alreadyUsed(parcelPath("item_id"), value)
    case "parcels_merchant_tracking_unique":
      return alreadyUsed(parcelPath("merchant_tracking"), value)
    default:
      return undefined
  }
}

const patchConflict = (info: PgErrorInfo): DuplicateReference | undefined =>
  info.code === UNIQUE_VIOLATION && info.constraint === "parcels_merchant_tracking_unique"
    ? alreadyUsed("merchant_tracking", duplicateValue(info))
    : undefined

const productsJson = (products: ReadonlyArray<ProductRow>) => JSON.stringify(products)

/** Inserts the products given as a jsonb array of `{position, products: [...]}` per parcel id. */
const INSERT_PRODUCTS_SELECT = `
  select np.id, (pr.ord - 1)::int, pr.v->>'name', pr.v->>'hs_code', (pr.v->>'declared_value')::numeric,
         pr.v->>'currency', coalesce((pr.v->>'quantity')::int, 1), (pr.v->>'weight_grams')::int`

/** Published services kept in memory per instance. */
const MAX_CACHED_SERVICES = 10_000

export class OrdersRepo extends Effect.Service<OrdersRepo>()("starmile/OrdersRepo", {
  dependencies: [CacheInvalidation.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const invalidation = yield* CacheInvalidation
    const services = makeLiveCache<string, PublishedService>(invalidation, { maxEntries: MAX_CACHED_SERVICES })
    invalidation.onTopic((topic) => {
      if (topic === CATALOGUE_TOPIC) services.clear()
    })
    const orderSerials = yield* makeSerialBlock("order_tracking_serial", ORDER_SERIAL_BLOCK)
    const parcelSerials = yield* makeSerialBlock("parcel_tracking_serial", PARCEL_SERIAL_BLOCK)

    /** The order id a partner's reference names: its Starmile tracking first, then its own order_id. */
    const orderIdFor = (partnerId: number, ref: string) =>
      sql`(select id from orders
            where partner_id = ${partnerId} and (tracking = ${ref} or partner_order_id = ${ref})
            order by (tracking = ${ref}) desc
            limit 1)`

    return {
      /** Runs `effect` in one transaction (rolled back on any failure). */
      transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => dieOnSqlError(sql.withTransaction(effect)),

      /** The service when published for the partner in the warehouse (cached; README "Caching"). */
      publishedService: (partnerId: number, warehouseId: number, serviceId: number) => {
        const key = `${serviceId}:${partnerId}:${warehouseId}`
        const cached = services.get(key)
        if (cached !== undefined) return Effect.succeed<PublishedService | undefined>(cached)
        const readAt = services.generation()
        return sql<PublishedService>`
          select s.id, s.type, s.channel, s.destination_country, s.consolidation_enabled, f.steps[1] as first_step
            from publications pb
            join services s on s.id = pb.service_id
            join flows f on f.id = s.flow_id
           where pb.service_id = ${serviceId} and pb.partner_id = ${partnerId} and pb.warehouse_id = ${warehouseId}`.pipe(
          Effect.map((rows) => {
            const service = rows[0]
            // only positive answers are kept: a service published a moment ago is seen at once
            if (service !== undefined) services.set(key, service, readAt)
            return service
          }),
          dieOnSqlError
        )
      },

      /** One order serial and `parcels` parcel serials (from this instance's reserved blocks). */
      nextSerials: (parcels: number) =>
        Effect.zipWith(orderSerials.take(1), parcelSerials.take(parcels), (order, parcelSerials) => ({
          order: order[0]!,
          parcels: parcelSerials
        })),

      /**
       * The order, its parcels, their products and, when a rate of the service bills on the
       * flow's first step, their invoice lines: one call of `starmile_create_order` (migration
       * 0002), one statement, so atomic without a transaction. At the moment it writes, it
       * re-checks the publication and the PUDO point and reads the region mapping, so no cached
       * answer can let a stale catalogue through.
       */
      insertOrder: (order: NewOrderRow) => {
        const service = order.service
            return sql<{
          readonly published: boolean
          readonly pudo_fits: boolean
          readonly pudo: PudoPointRow | null
          readonly order_id: number | null
          readonly region_status: RegionStatus | null
        }>`
          select * from starmile_create_order(
            ${order.tracking}, ${order.partner_id}, ${order.warehouse_id}, ${service.id}, ${service.channel},
            ${service.destination_country}, ${service.first_step}, ${order.partner_order_id}, ${order.destination_type},
            ${order.parent_region}, ${order.region}, ${order.pudo_id}, ${order.gov_id}, ${order.customer_name},
            ${order.customer_phone}, ${order.customer_email}, ${order.address_first}, ${order.address_second},
            ${order.zip}, ${order.notes}, ${order.shipping_cost}, ${order.consolidation_required},
            ${JSON.stringify(order.parcels)})`.pipe(
          Effect.map(([row]): InsertOutcome => {
            if (row !== undefined && row.order_id !== null && row.region_status !== null) {
              return { _tag: "Created", orderId: Number(row.order_id), regionStatus: row.region_status }
            }
            if (row === undefined || !row.published) return { _tag: "Unpublished" }
            return { _tag: "PudoRefused", pudo: row.pudo ?? undefined }
          }),
          mapConstraintErrors(createConflict(order))
        )
      },

      findOrder: (partnerId: number, ref: string) =>
        sql<OrderRow>`select ${sql.literal(ORDER_COLUMNS)} from orders o
                       where o.id = ${orderIdFor(partnerId, ref)}`.pipe(
          Effect.map((rows) => rows[0]),
          dieOnSqlError
        ),

      /** Newest first; `before` is the id of the last order of the previous page. */
      listOrders: (partnerId: number, before: number | null, limit: number) =>
        sql<OrderRow>`select ${sql.literal(ORDER_COLUMNS)} from orders o
                       where o.partner_id = ${partnerId}
                         and ${before === null ? sql`true` : sql`o.id < ${before}`}
                       order by o.id desc
                       limit ${limit}`.pipe(dieOnSqlError),

      /**
       * Locks the order row (`for update`) before anything touches its parcels: operator moves
       * lock the same row first, so a cancel/update and a move on one order serialise.
       */
      lockOrder: (partnerId: number, ref: string) =>
        sql<LockedOrder>`select id, tracking, cancelled_at, cancel_reason from orders
                          where id = ${orderIdFor(partnerId, ref)}
                          for update`.pipe(Effect.map((rows) => rows[0]), dieOnSqlError),

      /** Read after the lock, so it sees every move committed before it. */
      parcelStates: (orderId: number) =>
        sql<ParcelStateRow>`select id, tracking, item_id, status, step_index from parcels
                             where order_id = ${orderId} order by position`.pipe(dieOnSqlError),

      /** Changes the sent fields; `merchant_tracking: null` puts the parcel's tracking back. */
      updateParcel: (parcelId: number, changes: ParcelChanges) => {
        const has = (field: keyof ParcelChanges) => changes[field] !== undefined
        const value = <K extends keyof ParcelChanges>(field: K) => changes[field] ?? null
        return sql`
          update parcels set
            merchant_tracking = case when ${has("merchant_tracking")} then coalesce(${value("merchant_tracking")}, tracking)
                                     else merchant_tracking end,
            package_type = case when ${has("package_type")} then ${value("package_type")} else package_type end,
            weight_grams = case when ${has("weight_grams")} then ${value("weight_grams")}::int else weight_grams end,
            length_mm = case when ${has("length_mm")} then ${value("length_mm")}::int else length_mm end,
            width_mm = case when ${has("width_mm")} then ${value("width_mm")}::int else width_mm end,
            height_mm = case when ${has("height_mm")} then ${value("height_mm")}::int else height_mm end,
            updated_at = now()
          where id = ${parcelId}`.pipe(Effect.asVoid, mapConstraintErrors(patchConflict))
      },

      /** Replaces a parcel's products: delete, then insert (two statements: positions are unique). */
      replaceProducts: (parcelId: number, products: ReadonlyArray<ProductRow>) =>
        Effect.gen(function* () {
          yield* sql`delete from products where parcel_id = ${parcelId}`
          if (products.length === 0) return
          yield* sql`
            insert into products (parcel_id, position, name, hs_code, declared_value, currency, quantity, weight_grams)
            ${sql.literal(INSERT_PRODUCTS_SELECT)}
              from (select ${parcelId}::bigint as id) np
              cross join lateral jsonb_array_elements(${productsJson(products)}::jsonb) with ordinality as pr(v, ord)`
        }).pipe(dieOnSqlError),

      findParcel: (parcelId: number) =>
        sql<{ parcel: ParcelRow }>`select ${sql.literal(PARCEL_JSON)} as parcel from parcels p where p.id = ${parcelId}`.pipe(
          Effect.map((rows) => rows[0]!.parcel),
          dieOnSqlError
        ),

      /**
       * Cancels the order and every parcel, writing one `cancelled` status event per parcel with
       * the status it had (the `before` CTE reads the statement's snapshot: the old statuses).
       */
      cancelOrder: (order: { readonly id: number; readonly partnerId: number; readonly reason: string | null }) =>
        sql<{ cancelled_at: Date; cancel_reason: string | null }>`
          with before as (
            select id, status, position from parcels where order_id = ${order.id}
          ),
          cancelled_parcels as (
            update parcels set status = 'cancelled', updated_at = now() where order_id = ${order.id} returning id
          ),
          events as (
            insert into status_events (partner_id, order_id, parcel_id, status, previous_status, occurred_at)
            select ${order.partnerId}, ${order.id}, b.id, 'cancelled', b.status, now() from before b
             order by b.position -- the pool lists them in the order's parcel order
            returning 1
          )
          update orders set cancelled_at = now(), cancel_reason = ${order.reason}, updated_at = now()
           where id = ${order.id}
          returning cancelled_at, cancel_reason`.pipe(Effect.map((rows) => rows[0]!), dieOnSqlError)
    }
  })
}) {}
