/**
 * SQL for orders. Set-based: an order with its parcels and products is written by one
 * statement whatever the parcel count; reads build the whole order (parcels and products as
 * JSON) in one query. Unique violations of the partner's references become DuplicateReference
 * naming the field path; every other database failure is a defect.
 */
import { SqlClient, SqlError } from "@effect/sql"
import { Duration, Effect, Exit, Layer, Option, Schema } from "effect"
import { ServiceType } from "../domain/Catalogue.js"
import { RegionStatus } from "../domain/Destination.js"
import { DuplicateReference, Measured, PackageType, ProductView } from "../domain/Order.js"
import {
  type InsertOutcome,
  type NewOrderRow,
  OrdersRepo,
  type ParcelChanges,
  type ProductRow,
  type PublishedService
} from "../domain/repositories/OrdersRepo.js"
import { DomainConfig } from "../domain/DomainConfig.js"
import { OrderId, ParcelId, ServiceId } from "../domain/Ids.js"
import { decodeAll, decodeFirst, decodeSingle, Int8Id, NullableInt8, RepositorySql, Timestamptz } from "./Rows.js"
import { CacheInvalidation, CATALOGUE_TOPIC, makeLiveCache } from "./CacheInvalidation.js"
import { makeSerialBlock, ORDER_SERIAL_BLOCK, PARCEL_SERIAL_BLOCK } from "./SerialBlocks.js"
import { createBatchSize } from "../observability/Metrics.js"
import { makeWriteBatcher } from "./WriteBatcher.js"
import { dieOnSqlError, mapConstraintErrors, type PgErrorInfo, UNIQUE_VIOLATION, withTransaction } from "./SqlErrors.js"

const NullableString = Schema.NullOr(Schema.String)
const NullableNumber = Schema.NullOr(Schema.Number)

// parcels are built as JSON (numbers are JSON numbers whatever the client's int8 parser)
const ParcelRowSchema = Schema.Struct({
  parcel_id: Schema.String,
  item_id: NullableString,
  merchant_tracking: Schema.String,
  status: Schema.String,
  step_index: Schema.Number,
  package_type: Schema.NullOr(PackageType),
  weight_grams: NullableNumber,
  length_mm: NullableNumber,
  width_mm: NullableNumber,
  height_mm: NullableNumber,
  measured: Schema.NullOr(Measured),
  products: Schema.Array(ProductView)
})

const OrderRowSchema = Schema.Struct({
  id: Int8Id(OrderId),
  tracking: Schema.String,
  partner_order_id: Schema.String,
  service_id: Int8Id(ServiceId),
  region_status: RegionStatus,
  destination_type: ServiceType,
  parent_region: NullableString,
  region: NullableString,
  region_id: NullableInt8,
  pricing_tier: NullableString,
  pudo_id: NullableInt8,
  address_first: NullableString,
  address_second: NullableString,
  zip: NullableString,
  notes: NullableString,
  gov_id: NullableString,
  customer_name: NullableString,
  customer_phone: NullableString,
  customer_email: NullableString,
  shipping_cost: NullableNumber,
  consolidation_required: Schema.Boolean,
  created_at: Timestamptz,
  cancelled_at: Schema.NullOr(Timestamptz),
  cancel_reason: NullableString,
  parcels: Schema.Array(ParcelRowSchema)
})

const LockedOrderRow = Schema.Struct({
  id: Int8Id(OrderId),
  tracking: Schema.String,
  cancelled_at: Schema.NullOr(Timestamptz),
  cancel_reason: NullableString
})

const ParcelStateRowSchema = Schema.Struct({
  id: Int8Id(ParcelId),
  tracking: Schema.String,
  item_id: NullableString,
  status: Schema.String,
  step_index: Schema.Number
})

const CancelledRow = Schema.Struct({ cancelled_at: Timestamptz, cancel_reason: NullableString })

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

/** `findParcel`'s row: the parcel as one JSON value. */
const FoundParcelRow = Schema.Struct({ parcel: ParcelRowSchema })

/** Published services kept in memory per instance. */
const MAX_CACHED_SERVICES = 10_000

const PublishedServiceRow = Schema.Struct({
  id: Int8Id(ServiceId),
  type: ServiceType,
  channel: NullableString,
  destination_country: Schema.String,
  consolidation_enabled: Schema.Boolean,
  first_step: Schema.String
})

const PudoPoint = Schema.Struct({ id: Schema.Number, kind: Schema.String, country: Schema.String, active: Schema.Boolean })

/** What `starmile_create_order` answers (the PUDO point is JSON: plain numbers). */
const CreateOutcomeRow = Schema.Struct({
  published: Schema.Boolean,
  pudo_fits: Schema.Boolean,
  pudo: Schema.NullOr(PudoPoint),
  order_id: Schema.NullOr(Int8Id(OrderId)),
  region_status: Schema.NullOr(RegionStatus)
})

/** What `starmile_create_orders` answers per order: the same, or the error that refused it. */
const BatchOutcomeRow = Schema.Struct({
  published: Schema.NullOr(Schema.Boolean),
  pudo_fits: Schema.NullOr(Schema.Boolean),
  pudo: Schema.NullOr(PudoPoint),
  order_id: Schema.NullOr(Int8Id(OrderId)),
  region_status: Schema.NullOr(RegionStatus),
  failed_sqlstate: NullableString,
  failed_constraint: NullableString,
  failed_detail: NullableString,
  failed_message: NullableString
})

/** The arguments of `starmile_create_order` (migration 0002), by name, in its parameter order. */
const createArguments = (order: NewOrderRow) => ({
  tracking: order.tracking,
  partner_id: order.partner_id,
  warehouse_id: order.warehouse_id,
  service_id: order.service.id,
  channel: order.service.channel,
  destination_country: order.service.destination_country,
  first_step: order.service.first_step,
  partner_order_id: order.partner_order_id,
  destination_type: order.destination_type,
  parent_region: order.parent_region,
  region: order.region,
  pudo_id: order.pudo_id,
  gov_id: order.gov_id,
  customer_name: order.customer_name,
  customer_phone: order.customer_phone,
  customer_email: order.customer_email,
  address_first: order.address_first,
  address_second: order.address_second,
  zip: order.zip,
  notes: order.notes,
  shipping_cost: order.shipping_cost,
  consolidation_required: order.consolidation_required,
  parcels: order.parcels
})

/** The single call, one placeholder per argument of `createArguments`. */
const CREATE_ONE = `/* prepared:starmile_create_order */ select * from starmile_create_order(${
  Object.keys(createArguments({ service: {} } as NewOrderRow)).map((_, i) => `$${i + 1}`).join(", ")
})`
const CREATE_MANY = `/* prepared:starmile_create_orders */ select * from starmile_create_orders($1)`

/**
 * Creates written together: at most CREATE_WRITERS statements at a time (the pool keeps the
 * rest for reads and operators), each of at most MAX_CREATE_BATCH orders (each order is a
 * subtransaction; PostgreSQL tracks up to 64 per transaction cheaply). Measured under the
 * create benchmark (16 connections, 2 cores): 2 × 8 answered most creates per second; one
 * writer batches more but leaves a core idle, more writers batch too little.
 */
const CREATE_WRITERS = 2
const MAX_CREATE_BATCH = 8

const outcomeOf = (row: {
  readonly published: boolean | null
  readonly pudo: typeof PudoPoint.Type | null
  readonly order_id: OrderId | null
  readonly region_status: RegionStatus | null
}): InsertOutcome => {
  if (row.order_id !== null && row.region_status !== null) {
    return { _tag: "Created", orderId: row.order_id, regionStatus: row.region_status }
  }
  if (!row.published) return { _tag: "Unpublished" }
  return { _tag: "PudoRefused", pudo: row.pudo ?? undefined }
}

/** OrdersRepo over the SqlClient, with its service cache (README "The create path"). */
export const OrdersRepoLive = Layer.scoped(
  OrdersRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql
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

    const insertOne = (order: NewOrderRow): Effect.Effect<InsertOutcome, DuplicateReference> => {
      const args: Array<unknown> = Object.values(createArguments(order))
      args[args.length - 1] = JSON.stringify(order.parcels)
      return sql.unsafe(CREATE_ONE, args).pipe(
        decodeSingle(CreateOutcomeRow),
        Effect.map(outcomeOf),
        mapConstraintErrors(createConflict(order))
      )
    }

    const insertMany = (orders: ReadonlyArray<NewOrderRow>): Effect.Effect<ReadonlyArray<Exit.Exit<InsertOutcome, DuplicateReference>>> =>
      sql.unsafe(CREATE_MANY, [JSON.stringify(orders.map(createArguments))]).pipe(
        decodeAll(BatchOutcomeRow),
        Effect.map((rows) =>
          orders.map((order, index): Exit.Exit<InsertOutcome, DuplicateReference> => {
            const row = rows[index]
            if (row === undefined) return Exit.die(new Error("starmile_create_orders answered fewer rows than orders"))
            if (row.failed_sqlstate === null) return Exit.succeed(outcomeOf(row))
            const info = {
              code: row.failed_sqlstate,
              constraint: row.failed_constraint ?? undefined,
              detail: row.failed_detail ?? undefined
            }
            const conflict = createConflict(order)(info)
            // what the single statement would have failed with: a SqlError carrying the PostgreSQL error
            return conflict !== undefined ? Exit.fail(conflict) : Exit.die(
              new SqlError.SqlError({ message: "Failed to execute statement", cause: { ...info, message: row.failed_message } })
            )
          })
        ),
        dieOnSqlError
      )

    const creates = yield* makeWriteBatcher({
      writers: CREATE_WRITERS,
      maxBatch: MAX_CREATE_BATCH,
      writeOne: insertOne,
      writeMany: insertMany,
      // then answered as a database that cannot be reached: 503, retry shortly
      maxQueueWait: Duration.toMillis((yield* DomainConfig).createQueueWait),
      // the message the HTTP layer classifies as "database unavailable" (ErrorHandling.ts)
      waitedTooLong: () =>
        Exit.die(new SqlError.SqlError({ message: "Failed to acquire connection: every create writer is busy" })),
      onBatch: (size) => createBatchSize.unsafeUpdate(size, [])
    })

    return OrdersRepo.of({
      /** Runs `effect` in one transaction (rolled back on any failure). */
      transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => withTransaction(sql, effect),

      publishedService: (partnerId, warehouseId, serviceId) => {
        const key = `${serviceId}:${partnerId}:${warehouseId}`
        const cached = services.get(key)
        if (cached !== undefined) return Effect.succeed<PublishedService | undefined>(cached)
        const readAt = services.generation()
        return sql`
          select s.id, s.type, s.channel, s.destination_country, s.consolidation_enabled, f.steps[1] as first_step
            from publications pb
            join services s on s.id = pb.service_id
            join flows f on f.id = s.flow_id
           where pb.service_id = ${serviceId} and pb.partner_id = ${partnerId} and pb.warehouse_id = ${warehouseId}`.pipe(
          decodeFirst(PublishedServiceRow),
          Effect.map((service) => {
            // only positive answers are kept: a service published a moment ago is seen at once
            if (service !== undefined) services.set(key, service, readAt)
            return service
          }),
          dieOnSqlError
        )
      },

      nextSerials: (parcels: number) =>
        Effect.zipWith(orderSerials.take(1), parcelSerials.take(parcels), (order, parcelSerials) => ({
          order: order[0]!,
          parcels: parcelSerials
        })),

      /**
       * A create that arrives alone is one call of `starmile_create_order` (migration 0002);
       * creates that arrive together are one call of `starmile_create_orders` (migration 0003:
       * set-based, redone order by order only when refused). Either is one statement, atomic without a
       * transaction, a named prepared statement on the service's pool (Database.ts). It
       * re-checks the publication and the PUDO point and reads the region mapping as it
       * writes, so no cached answer can let a stale catalogue through. Inside a caller's
       * transaction the create is written on that transaction's connection, alone.
       */
      insertOrder: (order: NewOrderRow) =>
        Effect.flatMap(
          Effect.serviceOption(SqlClient.TransactionConnection),
          (transaction) => Option.isSome(transaction) ? insertOne(order) : creates.write(order)
        ),

      findOrder: (partnerId: number, ref: string) =>
        sql`select ${sql.literal(ORDER_COLUMNS)} from orders o
                       where o.id = ${orderIdFor(partnerId, ref)}`.pipe(
          decodeFirst(OrderRowSchema),
          dieOnSqlError
        ),

      /** Newest first; `before` is the id of the last order of the previous page. */
      listOrders: (partnerId: number, before: number | null, limit: number) =>
        sql`select ${sql.literal(ORDER_COLUMNS)} from orders o
                       where o.partner_id = ${partnerId}
                         and ${before === null ? sql`true` : sql`o.id < ${before}`}
                       order by o.id desc
                       limit ${limit}`.pipe(decodeAll(OrderRowSchema), dieOnSqlError),

      /**
       * Locks the order row (`for update`) before anything touches its parcels: operator moves
       * lock the same row first, so a cancel/update and a move on one order serialise.
       */
      lockOrder: (partnerId: number, ref: string) =>
        sql`select id, tracking, cancelled_at, cancel_reason from orders
                          where id = ${orderIdFor(partnerId, ref)}
                          for update`.pipe(decodeFirst(LockedOrderRow), dieOnSqlError),

      /** Read after the lock, so it sees every move committed before it. */
      parcelStates: (orderId: number) =>
        sql`select id, tracking, item_id, status, step_index from parcels
                             where order_id = ${orderId} order by position`.pipe(decodeAll(ParcelStateRowSchema), dieOnSqlError),

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
        sql`select ${sql.literal(PARCEL_JSON)} as parcel from parcels p where p.id = ${parcelId}`.pipe(
          decodeSingle(FoundParcelRow),
          Effect.map((row) => row.parcel),
          dieOnSqlError
        ),

      /**
       * Cancels the order and every parcel, writing one `cancelled` status event per parcel with
       * the status it had (the `before` CTE reads the statement's snapshot: the old statuses).
       */
      cancelOrder: (order: { readonly id: number; readonly partnerId: number; readonly reason: string | null }) =>
        sql`
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
          returning cancelled_at, cancel_reason`.pipe(decodeSingle(CancelledRow), dieOnSqlError)
    })
  })
)
