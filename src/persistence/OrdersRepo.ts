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
import { dieOnSqlError, mapConstraintErrors, type PgErrorInfo, UNIQUE_VIOLATION } from "./SqlErrors.js"

/** A service as order creation needs it, only when published for the partner in the warehouse. */
export interface PublishedService {
  readonly id: number
  readonly type: ServiceType
  readonly channel: string | null
  readonly destination_country: string
  readonly consolidation_enabled: boolean
  readonly first_step: string
  /** Some rate of the service bills on its first step: a new order is due at once. */
  readonly bills_on_first_step: boolean
}

export interface PudoPointRow {
  readonly id: number
  readonly kind: string
  readonly country: string
  readonly active: boolean
}

export interface RegionMappingRow {
  readonly region_id: number
  readonly pricing_tier: string
}

/** What creating an order needs to read, in one round trip. */
export interface CreateContext {
  readonly service: PublishedService | undefined
  readonly pudo: PudoPointRow | undefined
  readonly mapping: RegionMappingRow | undefined
}

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

export interface NewOrderRow extends DestinationColumns, OrderDetailColumns {
  readonly tracking: string
  readonly partner_id: number
  readonly warehouse_id: number
  readonly service_id: number
  readonly partner_order_id: string
  readonly region_status: RegionStatus
  readonly first_step: string
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

export class OrdersRepo extends Effect.Service<OrdersRepo>()("starmile/OrdersRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    /** The order id a partner's reference names: its Starmile tracking first, then its own order_id. */
    const orderIdFor = (partnerId: number, ref: string) =>
      sql`(select id from orders
            where partner_id = ${partnerId} and (tracking = ${ref} or partner_order_id = ${ref})
            order by (tracking = ${ref}) desc
            limit 1)`

    return {
      /** Runs `effect` in one transaction (rolled back on any failure). */
      transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => dieOnSqlError(sql.withTransaction(effect)),

      createContext: (input: {
        readonly partnerId: number
        readonly warehouseId: number
        readonly serviceId: number
        readonly pudoId: number | null
        readonly parentRegion: string | null
        readonly region: string | null
      }) =>
        sql<{ service: PublishedService | null; pudo: PudoPointRow | null; mapping: RegionMappingRow | null }>`
          select
            (select json_build_object('id', s.id, 'type', s.type, 'channel', s.channel,
                      'destination_country', s.destination_country,
                      'consolidation_enabled', s.consolidation_enabled, 'first_step', f.steps[1],
                      'bills_on_first_step', exists (select 1 from rates r
                                                      where r.service_id = s.id and r.bill_on_status = f.steps[1]))
               from publications pb
               join services s on s.id = pb.service_id
               join flows f on f.id = s.flow_id
              where pb.service_id = ${input.serviceId} and pb.partner_id = ${input.partnerId}
                and pb.warehouse_id = ${input.warehouseId}) as service,
            (select json_build_object('id', id, 'kind', kind, 'country', country, 'active', active)
               from pudo_points where id = ${input.pudoId}) as pudo,
            (select json_build_object('region_id', r.id, 'pricing_tier', r.pricing_tier)
               from region_mappings m join regions r on r.id = m.region_id
              where m.partner_id = ${input.partnerId} and m.parent_region = ${input.parentRegion}
                and m.region = ${input.region}) as mapping`.pipe(
          Effect.map(([row]): CreateContext => ({
            service: row?.service ?? undefined,
            pudo: row?.pudo ?? undefined,
            mapping: row?.mapping ?? undefined
          })),
          dieOnSqlError
        ),

      /** One order serial and `parcels` parcel serials from the sequences, in one round trip. */
      nextSerials: (parcels: number) =>
        sql<{ order_serial: number; parcel_serials: Array<number> }>`
          select nextval('order_tracking_serial') as order_serial,
                 array(select nextval('parcel_tracking_serial') from generate_series(1, ${parcels}::int)) as parcel_serials`.pipe(
          Effect.map(([row]) => ({ order: row!.order_serial, parcels: row!.parcel_serials.map(Number) })),
          dieOnSqlError
        ),

      /** The order, its parcels and their products in one statement. */
      insertOrder: (order: NewOrderRow) =>
        sql`
          with input as (
            select * from jsonb_to_recordset(${JSON.stringify(order.parcels)}::jsonb) as i(
              position int, tracking text, item_id text, merchant_tracking text, package_type text,
              weight_grams int, length_mm int, width_mm int, height_mm int, products jsonb)
          ),
          new_order as (
            insert into orders (tracking, partner_id, warehouse_id, service_id, partner_order_id, destination_type,
                                region_status, parent_region, region, region_id, pricing_tier, pudo_id, gov_id,
                                customer_name, customer_phone, customer_email, address_first, address_second, zip,
                                notes, shipping_cost, consolidation_required)
            values (${order.tracking}, ${order.partner_id}, ${order.warehouse_id}, ${order.service_id},
                    ${order.partner_order_id}, ${order.destination_type}, ${order.region_status}, ${order.parent_region},
                    ${order.region}, ${order.region_id}, ${order.pricing_tier}, ${order.pudo_id}, ${order.gov_id},
                    ${order.customer_name}, ${order.customer_phone}, ${order.customer_email}, ${order.address_first},
                    ${order.address_second}, ${order.zip}, ${order.notes}, ${order.shipping_cost}::numeric,
                    ${order.consolidation_required})
            returning id
          ),
          new_parcels as (
            insert into parcels (order_id, partner_id, position, tracking, item_id, merchant_tracking, status,
                                 package_type, weight_grams, length_mm, width_mm, height_mm)
            select o.id, ${order.partner_id}, i.position, i.tracking, i.item_id, i.merchant_tracking, ${order.first_step},
                   i.package_type, i.weight_grams, i.length_mm, i.width_mm, i.height_mm
              from new_order o cross join input i
            returning id, position
          ),
          new_products as (
            insert into products (parcel_id, position, name, hs_code, declared_value, currency, quantity, weight_grams)
            ${sql.literal(INSERT_PRODUCTS_SELECT)}
              from new_parcels np
              join input i on i.position = np.position
              cross join lateral jsonb_array_elements(i.products) with ordinality as pr(v, ord)
            returning 1
          )
          select id from new_order`.pipe(
          Effect.map((rows) => (rows[0] as { id: number }).id),
          mapConstraintErrors(createConflict(order))
        ),

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
