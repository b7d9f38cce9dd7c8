/**
 * Orders, parcels and products (reference "Create an order", CONTRACT §5): the request shapes
 * with every limit, the wire views, the errors of the order endpoints, and the rules that need
 * no database (references unique within a request, modifiable only at the first step).
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { ReportAllErrors, Timestamp } from "./Catalogue.js"
import { DestinationFields, DestinationView, RegionStatus } from "./Destination.js"
import { isValidTracking, ORDER_PREFIX, PARCEL_PREFIX } from "./Tracking.js"
import { FieldErrors } from "./Errors.js"
import { ServiceId } from "./Ids.js"
import { CURRENCY_CODES } from "./IsoCodes.js"
import {
  BoundedArray,
  CurrencyCode,
  Email,
  IntBetween,
  isStorableText,
  Money,
  optionalField,
  RequiredText,
  Text
} from "./Primitives.js"

// ---------------------------------------------------------------- limits

export const MAX_PARCELS = 100
export const MAX_PRODUCTS = 100
export const MAX_MEASURE = 1_000_000
export const MAX_QUANTITY = 1_000_000
export const MAX_DECLARED_VALUE = 1_000_000_000
export const MAX_SHIPPING_COST = 1_000_000

// ---------------------------------------------------------------- field schemas

/** Money with at most 2 decimals; generated as whole cents for property tests. */
const Amount = (max: number) =>
  Money(0, max).annotations({
    arbitrary: () => (fc) => fc.integer({ min: 0, max: max * 100 }).map((cents) => cents / 100)
  })

/**
 * A partner's own reference (order_id, item_id, merchant_tracking): 1..max characters, not
 * blank, no control characters. Kept exactly as sent (not trimmed): it is echoed back and
 * matched verbatim.
 */
export const Reference = (max: number) =>
  Schema.String.pipe(
    Schema.minLength(1, { message: () => "must not be empty" }),
    Schema.maxLength(max, { message: () => `must be at most ${max} characters` }),
    Schema.filter((s) => s.trim().length > 0 || "must not be blank"),
    Schema.filter((s) => !/[\u0000-\u001f\u007f]/.test(s) || "must not contain control characters"),
    Schema.filter((s) => isStorableText(s) || "must not contain unpaired surrogates")
  )

/**
 * The sticker code. A Starmile tracking (SO…/SP… in the S10 layout) is refused: those numbers
 * are Starmile's to issue — one sent as a sticker could later collide with the tracking a new
 * parcel gets, and scans always read such a code as the Starmile tracking.
 */
export const MerchantTracking = Reference(255).pipe(
  Schema.filter((s) =>
    !((s.startsWith(ORDER_PREFIX) || s.startsWith(PARCEL_PREFIX)) && isValidTracking(s)) ||
    "must not be a Starmile tracking number (SO…/SP…); Starmile issues those"
  )
)

/** Declared weights and dimensions: integers 0..1,000,000. */
export const Measure = IntBetween(0, MAX_MEASURE)

const Currency = CurrencyCode.annotations({ arbitrary: () => (fc) => fc.constantFrom(...CURRENCY_CODES) })

export const PACKAGE_TYPES = ["fragile", "breakable", "liquid"] as const
/** How a parcel must be handled. */
export const PackageType = Schema.Literal(...PACKAGE_TYPES).annotations({
  message: () => ({ message: `must be one of ${PACKAGE_TYPES.join(", ")}`, override: true })
})
export type PackageType = typeof PackageType.Type

// ---------------------------------------------------------------- requests

/** A product of a parcel, as a partner sends it. */
export const ProductInput = Schema.Struct({
  name: RequiredText(255).annotations({ description: "Product name (trimmed)" }),
  hs_code: optionalField(Text(32).annotations({ description: "Harmonised System code" })),
  declared_value: optionalField(Amount(MAX_DECLARED_VALUE).annotations({ description: "Declared customs value" })),
  currency: optionalField(Currency),
  quantity: optionalField(IntBetween(1, MAX_QUANTITY).annotations({ description: "Default 1" })),
  weight_grams: optionalField(Measure)
}).annotations({ identifier: "ProductInput" })
export type ProductInput = typeof ProductInput.Type

export const Products = BoundedArray(ProductInput, { max: MAX_PRODUCTS, noun: "products" })

export const ParcelInput = Schema.Struct({
  item_id: optionalField(
    Reference(255).annotations({ description: "Your per-package reference, unique per partner; echoed as partner_tracking" })
  ),
  merchant_tracking: optionalField(
    MerchantTracking.annotations({ description: "The sticker code, unique per partner; default: the parcel's tracking number" })
  ),
  package_type: optionalField(PackageType),
  weight_grams: optionalField(Measure),
  length_mm: optionalField(Measure),
  width_mm: optionalField(Measure),
  height_mm: optionalField(Measure),
  products: optionalField(Products)
}).annotations({ identifier: "ParcelInput" })
export type ParcelInput = typeof ParcelInput.Type

/**
 * The flat create body (stage one of the decode: shape and limits). The destination fields are
 * checked against the service's type afterwards (Destination.destinationFor).
 */
export const CreateOrderRequest = Schema.Struct({
  service_id: ServiceId.annotations({ description: "A service published for you in this warehouse (GET /api/v1/services)" }),
  order_id: Reference(255).annotations({ description: "Your order reference, unique per partner" }),
  gov_id: optionalField(Text(255).annotations({ description: "Recipient government id (customs)" })),
  customer_name: optionalField(Text(255)),
  customer_phone: optionalField(Text(64)),
  customer_email: optionalField(Email),
  ...DestinationFields.fields,
  shipping_cost: optionalField(
    Amount(MAX_SHIPPING_COST).annotations({ description: "0..1,000,000; 0 or omitted = none (stored as null)" })
  ),
  consolidation_required: optionalField(Schema.Boolean),
  parcels: BoundedArray(ParcelInput, { min: 1, max: MAX_PARCELS, noun: "parcels" })
}).annotations({ identifier: "CreateOrder", parseOptions: ReportAllErrors })
export type CreateOrderRequest = typeof CreateOrderRequest.Type

/** PATCH body: every field optional, same limits as create; only sent fields change. */
export const ParcelPatch = Schema.Struct({
  merchant_tracking: optionalField(MerchantTracking),
  package_type: optionalField(PackageType),
  weight_grams: optionalField(Measure),
  length_mm: optionalField(Measure),
  width_mm: optionalField(Measure),
  height_mm: optionalField(Measure),
  products: optionalField(Products.annotations({ description: "Replaces the whole list ([] removes every product)" }))
}).annotations({ identifier: "ParcelPatch", parseOptions: ReportAllErrors })
export type ParcelPatch = typeof ParcelPatch.Type

/**
 * Cancel body: optional. An empty body (which the platform reads as `null`) and `{}` both mean
 * "no reason". Decoded from "null or an object" so a bad `reason` is reported on `reason` only.
 */
const CancelFields = Schema.Struct({
  reason: optionalField(Text(1000).annotations({ description: "Free text, at most 1000 characters" }))
}).annotations({ parseOptions: ReportAllErrors, message: () => "must be an object with an optional reason" })

/** The cancel body: an optional reason (an empty body is allowed). */
export const CancelRequest = Schema.transform(
  Schema.Union(Schema.Null, Schema.Object).annotations({
    identifier: "CancelOrder",
    message: () => ({ message: "must be an object with an optional reason, or empty", override: true }),
    jsonSchema: {
      type: "object",
      description: "Optional; an empty body is accepted",
      properties: { reason: { type: "string", maxLength: 1000, description: "Free-text cancellation reason" } }
    }
  }),
  CancelFields,
  { strict: false, decode: (body) => body ?? {}, encode: (fields) => fields }
)
export type CancelRequest = typeof CancelRequest.Type

// ---------------------------------------------------------------- views

/** What a create answers: the order tracking, region status and parcel trackings. */
export const CreatedOrder = Schema.Struct({
  order_id: Schema.String.annotations({ description: "The order's Starmile tracking number" }),
  region_status: RegionStatus,
  items: Schema.Array(Schema.Struct({
    item_id: Schema.NullOr(Schema.String),
    parcel_id: Schema.String.annotations({ description: "The parcel's Starmile tracking number" })
  }))
}).annotations({ identifier: "CreatedOrder" })
export type CreatedOrder = typeof CreatedOrder.Type

const Nullable = <S extends Schema.Schema.Any>(schema: S) => Schema.NullOr(schema)

/** A product as read back. */
export const ProductView = Schema.Struct({
  name: Schema.String,
  hs_code: Nullable(Schema.String),
  declared_value: Nullable(Schema.Number),
  currency: Nullable(Schema.String),
  quantity: Schema.Number,
  weight_grams: Nullable(Schema.Number)
}).annotations({ identifier: "Product" })
export type ProductView = typeof ProductView.Type

/** The hub's DWS measurement of a parcel. */
export const Measured = Schema.Struct({
  weight_grams: Nullable(Schema.Number),
  length_mm: Nullable(Schema.Number),
  width_mm: Nullable(Schema.Number),
  height_mm: Nullable(Schema.Number)
}).annotations({ identifier: "Measured", description: "The hub's DWS measurement, null before the first one" })

/** DWS fields sent with a scan; absent fields keep their previous measured value. */
export interface Measurement {
  readonly weight_grams?: number | undefined
  readonly length_mm?: number | undefined
  readonly width_mm?: number | undefined
  readonly height_mm?: number | undefined
}

export const hasMeasurement = (m: Measurement): boolean =>
  m.weight_grams !== undefined || m.length_mm !== undefined || m.width_mm !== undefined || m.height_mm !== undefined

/** A parcel as read back. */
export const ParcelView = Schema.Struct({
  parcel_id: Schema.String.annotations({ description: "The parcel's Starmile tracking number" }),
  item_id: Nullable(Schema.String),
  partner_tracking: Nullable(Schema.String).annotations({ description: "Your item_id, or null" }),
  merchant_tracking: Schema.String,
  status: Schema.String,
  package_type: Nullable(PackageType),
  weight_grams: Nullable(Schema.Number),
  length_mm: Nullable(Schema.Number),
  width_mm: Nullable(Schema.Number),
  height_mm: Nullable(Schema.Number),
  measured: Nullable(Measured).annotations({ description: "null until the hub measures the parcel" }),
  products: Schema.Array(ProductView)
}).annotations({ identifier: "Parcel" })
export type ParcelView = typeof ParcelView.Type

/** An order as read back (CONTRACT §5). */
export const OrderView = Schema.Struct({
  order_id: Schema.String.annotations({ description: "The order's Starmile tracking number" }),
  partner_order_id: Schema.String,
  service_id: ServiceId,
  status: Schema.String.annotations({ description: "\"cancelled\", else the status of the least advanced parcel" }),
  region_status: RegionStatus,
  destination: DestinationView,
  gov_id: Nullable(Schema.String),
  customer_name: Nullable(Schema.String),
  customer_phone: Nullable(Schema.String),
  customer_email: Nullable(Schema.String),
  shipping_cost: Nullable(Schema.Number),
  consolidation_required: Schema.Boolean,
  created_at: Timestamp,
  cancelled_at: Nullable(Timestamp),
  cancel_reason: Nullable(Schema.String),
  parcels: Schema.Array(ParcelView)
}).annotations({ identifier: "Order" })
export type OrderView = typeof OrderView.Type

/** What a cancel answers. */
export const CancelledOrder = Schema.Struct({
  order_id: Schema.String,
  status: Schema.Literal("cancelled"),
  cancelled_at: Timestamp,
  reason: Nullable(Schema.String)
}).annotations({ identifier: "CancelledOrder" })
export type CancelledOrder = typeof CancelledOrder.Type

// ---------------------------------------------------------------- errors

/** 422: an order_id, item_id or merchant_tracking the partner already used (or repeats). */
export class DuplicateReference extends Schema.TaggedError<DuplicateReference>()(
  "DuplicateReference",
  { message: Schema.String, errors: Schema.optional(FieldErrors) },
  HttpApiSchema.annotations({ status: 422, description: "A reference of yours is already used or repeated" })
) {
  static many(errors: FieldErrors): DuplicateReference {
    const [path, problems] = Object.entries(errors)[0] ?? ["body", ["is already used"]]
    return new DuplicateReference({ message: `${path}: ${problems[0] ?? "is already used"}`, errors })
  }
}

/** 422: consolidation asked on a service that does not offer it (the reference's wording). */
export class ConsolidationNotEnabled extends Schema.TaggedError<ConsolidationNotEnabled>()(
  "ConsolidationNotEnabled",
  { message: Schema.String, errors: Schema.optional(FieldErrors) },
  HttpApiSchema.annotations({ status: 422, description: "The service does not enable consolidation" })
) {
  static readonly MESSAGE = "Consolidation is not enabled for this service."
  static of(): ConsolidationNotEnabled {
    return new ConsolidationNotEnabled({
      message: ConsolidationNotEnabled.MESSAGE,
      errors: { consolidation_required: [ConsolidationNotEnabled.MESSAGE] }
    })
  }
}

/** 422: the service does not exist or is not published for the caller in the caller's warehouse. */
export class ServiceUnavailableForPartner extends Schema.TaggedError<ServiceUnavailableForPartner>()(
  "ServiceUnavailableForPartner",
  { message: Schema.String, errors: Schema.optional(FieldErrors) },
  HttpApiSchema.annotations({ status: 422, description: "The service is not published for you in this warehouse" })
) {
  static of(serviceId: number): ServiceUnavailableForPartner {
    const problem = `service ${serviceId} is not available to you in this warehouse`
    return new ServiceUnavailableForPartner({ message: `service_id: ${problem}`, errors: { service_id: [problem] } })
  }
}

/** 409: the order is cancelled or a parcel has moved past the flow's first step. */
export class OrderNotModifiable extends Schema.TaggedError<OrderNotModifiable>()(
  "OrderNotModifiable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The order is cancelled or has moved past its first step" })
) {}

// ---------------------------------------------------------------- rules

/**
 * References repeated inside one request (item_id, merchant_tracking across its parcels): the
 * second and later occurrences, by field path.
 */
export const repeatedReferences = (parcels: ReadonlyArray<ParcelInput>): FieldErrors => {
  const errors: Record<string, Array<string>> = {}
  for (const field of ["item_id", "merchant_tracking"] as const) {
    const firstAt = new Map<string, number>()
    parcels.forEach((parcel, index) => {
      const value = parcel[field]
      if (value === undefined) return
      const first = firstAt.get(value)
      if (first === undefined) firstAt.set(value, index)
      else errors[`parcels.${index}.${field}`] = [`${JSON.stringify(value)} is repeated (also parcels.${first}.${field})`]
    })
  }
  return errors
}

/** The part of an order the modifiable rule looks at. */
export interface OrderState {
  readonly tracking: string
  readonly cancelled_at: Date | null
}
export interface ParcelState {
  readonly tracking: string
  readonly status: string
  readonly step_index: number
}

/**
 * An order is modifiable (parcel update, cancel) while it is not cancelled and every parcel is
 * still at the first step of its flow. Returns the 409 to answer, or undefined.
 */
export const notModifiable = (
  order: OrderState,
  parcels: ReadonlyArray<ParcelState>,
  action: "updated" | "cancelled"
): OrderNotModifiable | undefined => {
  if (order.cancelled_at !== null) {
    return new OrderNotModifiable({ message: `Order ${order.tracking} is cancelled; it can no longer be ${action}.` })
  }
  const moved = parcels.find((p) => p.step_index > 0)
  if (moved !== undefined) {
    return new OrderNotModifiable({
      message: `Order ${order.tracking} has moved past its first step (parcel ${moved.tracking} is "${moved.status}"); ` +
        `it can no longer be ${action}.`
    })
  }
  return undefined
}

/** Order status: "cancelled", else the status of its least advanced parcel. */
export const orderStatus = (
  cancelledAt: Date | null,
  parcels: ReadonlyArray<{ readonly status: string; readonly step_index: number }>
): string => {
  if (cancelledAt !== null) return "cancelled"
  let least: { readonly status: string; readonly step_index: number } | undefined
  for (const parcel of parcels) if (least === undefined || parcel.step_index < least.step_index) least = parcel
  return least?.status ?? "cancelled"
}
