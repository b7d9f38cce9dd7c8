/**
 * Where an order goes, bound to its service's type (CONTRACT §4): a tagged union
 * `HomeDelivery | PudoDelivery | Clearance | CrossDocking`, decoded in a second stage from the
 * flat order body once the service is known. Each variant owns its rules: which destination
 * fields it requires, which it allows, and (PUDO) which point it accepts.
 *
 * "Destination fields" are `parent_region`, `region`, `address_first`, `address_second`, `zip`,
 * `notes` (home delivery) and `pudo_id` (PUDO delivery). Clearance and cross-docking have no
 * end-customer destination, so every destination field is foreign to them. The recipient fields
 * (`gov_id`, `customer_*`) are not destination fields: every service type accepts them (the
 * government id is what customs needs for clearance). A destination field sent for a service
 * type that does not own it is rejected 422 naming the field, never dropped.
 */
import { HttpApiSchema } from "@effect/platform"
import { Either, Schema } from "effect"
import type { ServiceType } from "./Catalogue.js"
import { FieldErrors } from "./Errors.js"
import { Id, optionalField, RequiredText, Text } from "./Primitives.js"

// ---------------------------------------------------------------- the flat destination fields

/** The destination fields of the flat order body (shape and limits; which apply is per variant). */
export const DestinationFields = Schema.Struct({
  parent_region: optionalField(
    RequiredText(255).annotations({ description: "Home delivery: YOUR parent region id/code (trimmed), e.g. \"1\"" })
  ),
  region: optionalField(
    RequiredText(255).annotations({ description: "Home delivery: YOUR leaf region id/code (trimmed), e.g. \"2\"" })
  ),
  address_first: optionalField(Text(255).annotations({ description: "Home delivery: address line 1" })),
  address_second: optionalField(Text(255).annotations({ description: "Home delivery: address line 2" })),
  zip: optionalField(Text(32).annotations({ description: "Home delivery: postal code" })),
  notes: optionalField(Text(1000).annotations({ description: "Home delivery: notes for the courier" })),
  pudo_id: optionalField(Id.annotations({ description: "PUDO delivery: an active point of the service's channel kind" }))
})
export type DestinationFields = typeof DestinationFields.Type
export type DestinationField = keyof DestinationFields

/** Every destination field of the flat order body. */
export const DESTINATION_FIELDS: ReadonlyArray<DestinationField> = [
  "parent_region",
  "region",
  "address_first",
  "address_second",
  "zip",
  "notes",
  "pudo_id"
]

/** 422: the destination does not fit the service (missing, foreign field, unusable PUDO point). */
export class DestinationInvalid extends Schema.TaggedError<DestinationInvalid>()(
  "DestinationInvalid",
  { message: Schema.String, errors: Schema.optional(FieldErrors) },
  HttpApiSchema.annotations({ status: 422, description: "The destination is missing or does not fit the service" })
) {
  static many(errors: FieldErrors): DestinationInvalid {
    const [path, problems] = Object.entries(errors)[0] ?? ["destination", ["is invalid"]]
    return new DestinationInvalid({ message: `${path}: ${problems[0] ?? "is invalid"}`, errors })
  }
}

// ---------------------------------------------------------------- the variants

const REQUIRED = "is required for this service"

/** Home delivery: the partner's own (parent_region, region) key, plus address and notes. */
export class HomeDelivery extends Schema.TaggedClass<HomeDelivery>()("HomeDelivery", {
  parent_region: Schema.String,
  region: Schema.String,
  address_first: Schema.NullOr(Schema.String),
  address_second: Schema.NullOr(Schema.String),
  zip: Schema.NullOr(Schema.String),
  notes: Schema.NullOr(Schema.String)
}) {
  static readonly type = "home_delivery" as const
  static readonly destinationFields: ReadonlyArray<DestinationField> = [
    "parent_region",
    "region",
    "address_first",
    "address_second",
    "zip",
    "notes"
  ]
  static fromFields(f: DestinationFields): Either.Either<HomeDelivery, FieldErrors> {
    const errors: Record<string, Array<string>> = {}
    if (f.parent_region === undefined) errors["parent_region"] = [REQUIRED]
    if (f.region === undefined) errors["region"] = [REQUIRED]
    if (f.parent_region === undefined || f.region === undefined) return Either.left(errors)
    return Either.right(
      new HomeDelivery({
        parent_region: f.parent_region,
        region: f.region,
        address_first: f.address_first ?? null,
        address_second: f.address_second ?? null,
        zip: f.zip ?? null,
        notes: f.notes ?? null
      }, true) // the fields were decoded by CreateOrderRequest: no second validation on the hot path
    )
  }
}

/** PUDO / locker delivery: a point of the service's channel kind in its destination country. */
export class PudoDelivery extends Schema.TaggedClass<PudoDelivery>()("PudoDelivery", { pudo_id: Schema.Number }) {
  static readonly type = "pudo_delivery" as const
  static readonly destinationFields: ReadonlyArray<DestinationField> = ["pudo_id"]
  static fromFields(f: DestinationFields): Either.Either<PudoDelivery, FieldErrors> {
    return f.pudo_id === undefined ? Either.left({ pudo_id: [REQUIRED] }) : Either.right(new PudoDelivery({ pudo_id: f.pudo_id }, true))
  }
  /** Why the stored point cannot be used by the service, or undefined when it can. */
  static pointProblem(
    point: { readonly kind: string; readonly country: string; readonly active: boolean } | undefined,
    service: { readonly channel: string | null; readonly destination_country: string },
    pudoId: number
  ): string | undefined {
    if (point === undefined) return `PUDO point ${pudoId} does not exist`
    if (!point.active) return `PUDO point ${pudoId} is not active`
    if (point.kind !== service.channel) return `PUDO point ${pudoId} is a ${point.kind}, but this service delivers to a ${service.channel}`
    if (point.country !== service.destination_country) {
      return `PUDO point ${pudoId} is in ${point.country}, not in the service's destination country ${service.destination_country}`
    }
    return undefined
  }
}

/** Clearance: customs only, no end-customer destination. */
export class Clearance extends Schema.TaggedClass<Clearance>()("Clearance", {}) {
  static readonly type = "clearance" as const
  static readonly destinationFields: ReadonlyArray<DestinationField> = []
  static fromFields(): Either.Either<Clearance, FieldErrors> {
    return Either.right(new Clearance())
  }
}

/** Cross-docking: handed on at the hub, no end-customer destination. */
export class CrossDocking extends Schema.TaggedClass<CrossDocking>()("CrossDocking", {}) {
  static readonly type = "cross_docking" as const
  static readonly destinationFields: ReadonlyArray<DestinationField> = []
  static fromFields(): Either.Either<CrossDocking, FieldErrors> {
    return Either.right(new CrossDocking())
  }
}

/** Where an order goes: one variant per service type. */
export const Destination = Schema.Union(HomeDelivery, PudoDelivery, Clearance, CrossDocking)
export type Destination = typeof Destination.Type

const VARIANTS = {
  home_delivery: HomeDelivery,
  pudo_delivery: PudoDelivery,
  clearance: Clearance,
  cross_docking: CrossDocking
} as const satisfies Record<ServiceType, unknown>

/**
 * Stage two of the order decode: the flat destination fields → the variant of the service's
 * type. Every foreign field and every missing required field is reported at once.
 */
export const destinationFor = (
  serviceType: ServiceType,
  fields: DestinationFields
): Either.Either<Destination, DestinationInvalid> => {
  const variant = VARIANTS[serviceType]
  const errors: Record<string, Array<string>> = {}
  for (const field of DESTINATION_FIELDS) {
    if (fields[field] !== undefined && !variant.destinationFields.includes(field)) {
      errors[field] = [`is not allowed for a ${serviceType} service`]
    }
  }
  const decoded = variant.fromFields(fields) as Either.Either<Destination, FieldErrors>
  if (Either.isLeft(decoded)) Object.assign(errors, decoded.left)
  return Object.keys(errors).length > 0
    ? Either.left(DestinationInvalid.many(errors))
    : Either.right(decoded.pipe(Either.getOrThrow))
}

// ---------------------------------------------------------------- region status

/** Whether a home delivery's region key is mapped yet (not_applicable for other types). */
export const RegionStatus = Schema.Literal("mapped", "pending_mapping", "not_applicable")
export type RegionStatus = typeof RegionStatus.Type

// ---------------------------------------------------------------- stored form and wire view

/** The destination columns of an order row. */
export interface DestinationColumns {
  readonly destination_type: ServiceType
  readonly parent_region: string | null
  readonly region: string | null
  readonly region_id: number | null
  readonly pricing_tier: string | null
  readonly pudo_id: number | null
  readonly address_first: string | null
  readonly address_second: string | null
  readonly zip: string | null
  readonly notes: string | null
}

/** The destination columns a new order is written with (the statement adds the mapping's region_id and tier). */
export type NewDestinationColumns = Omit<DestinationColumns, "region_id" | "pricing_tier">

/**
 * A resolved destination → its columns. Each case is one object literal of one shape (no
 * spread of a template, no rest destructuring by the caller): it runs once per create.
 */
export const destinationColumns = (destination: Destination): NewDestinationColumns => {
  switch (destination._tag) {
    case "HomeDelivery":
      return {
        destination_type: HomeDelivery.type,
        parent_region: destination.parent_region,
        region: destination.region,
        pudo_id: null,
        address_first: destination.address_first,
        address_second: destination.address_second,
        zip: destination.zip,
        notes: destination.notes
      }
    case "PudoDelivery":
      return noAddress(PudoDelivery.type, destination.pudo_id)
    case "Clearance":
      return noAddress(Clearance.type, null)
    case "CrossDocking":
      return noAddress(CrossDocking.type, null)
  }
}

const noAddress = (type: ServiceType, pudoId: number | null): NewDestinationColumns => ({
  destination_type: type,
  parent_region: null,
  region: null,
  pudo_id: pudoId,
  address_first: null,
  address_second: null,
  zip: null,
  notes: null
})

/** A home-delivery destination as read back. */
export const HomeDeliveryView = Schema.Struct({
  type: Schema.Literal("home_delivery"),
  parent_region: Schema.String,
  region: Schema.String,
  region_id: Schema.NullOr(Id).annotations({ description: "Starmile's region, once the key is mapped" }),
  pricing_tier: Schema.NullOr(Schema.String).annotations({ description: "The mapped region's pricing tier" }),
  address_first: Schema.NullOr(Schema.String),
  address_second: Schema.NullOr(Schema.String),
  zip: Schema.NullOr(Schema.String),
  notes: Schema.NullOr(Schema.String)
}).annotations({ identifier: "HomeDeliveryDestination" })

/** A PUDO destination as read back. */
export const PudoDeliveryView = Schema.Struct({ type: Schema.Literal("pudo_delivery"), pudo_id: Id }).annotations({
  identifier: "PudoDeliveryDestination"
})
/** A clearance destination as read back. */
export const ClearanceView = Schema.Struct({ type: Schema.Literal("clearance") }).annotations({
  identifier: "ClearanceDestination"
})
/** A cross-docking destination as read back. */
export const CrossDockingView = Schema.Struct({ type: Schema.Literal("cross_docking") }).annotations({
  identifier: "CrossDockingDestination"
})

/** An order's destination as read back, tagged by `type`. */
export const DestinationView = Schema.Union(HomeDeliveryView, PudoDeliveryView, ClearanceView, CrossDockingView)
export type DestinationView = typeof DestinationView.Type

/** The destination view of an order row. */
export const destinationView = (row: DestinationColumns): DestinationView => {
  switch (row.destination_type) {
    case "home_delivery":
      return {
        type: "home_delivery",
        parent_region: row.parent_region ?? "",
        region: row.region ?? "",
        region_id: row.region_id,
        pricing_tier: row.pricing_tier,
        address_first: row.address_first,
        address_second: row.address_second,
        zip: row.zip,
        notes: row.notes
      }
    case "pudo_delivery":
      return { type: "pudo_delivery", pudo_id: row.pudo_id ?? 0 }
    case "clearance":
      return { type: "clearance" }
    case "cross_docking":
      return { type: "cross_docking" }
  }
}
