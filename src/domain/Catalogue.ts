/**
 * The catalogue operators set up: warehouses, partners, flows, regions, PUDO points,
 * services (type + channel), publications and rates. Pure Schema models and the rules that
 * need no database; rules that need stored state live in CatalogueService.
 */
import { Either, Schema, Struct } from "effect"
import { PartnerId, ServiceId, WarehouseId } from "./Ids.js"
import { CountryCode, CurrencyCode, Id, Money, optionalField, PricingTier, RequiredText, StatusCode, Text } from "./Primitives.js"

/** A timestamp on the wire: RFC 3339 text, a Date in the domain. */
export const Timestamp = Schema.DateFromString.annotations({
  description: "RFC 3339 UTC timestamp",
  examples: [new Date("2026-01-01T00:00:00.000Z")]
})

// ---------------------------------------------------------------- service type and channel

/** The four service types (CONTRACT §4). */
export const SERVICE_TYPES = ["home_delivery", "pudo_delivery", "clearance", "cross_docking"] as const
/** A service's type, which decides its destination variant. */
export const ServiceType = Schema.Literal(...SERVICE_TYPES)
export type ServiceType = typeof ServiceType.Type

/** How a service delivers: home, PUDO point or locker. */
export const Channel = Schema.Literal("home", "pudo", "locker")
export type Channel = typeof Channel.Type

/** The kind of a PUDO point. */
export const PudoKind = Schema.Literal("pudo", "locker")
export type PudoKind = typeof PudoKind.Type

/** The channels a service type may have; `null` means "no channel". */
export const CHANNELS_BY_TYPE: Record<ServiceType, ReadonlyArray<Channel | null>> = {
  home_delivery: ["home"],
  pudo_delivery: ["pudo", "locker"],
  clearance: [null],
  cross_docking: [null]
}

/** The channel of a new service, or why the one given (or omitted) does not fit its type. */
export const resolveChannel = (
  type: ServiceType,
  channel: Channel | null | undefined
): Either.Either<Channel | null, string> => {
  const allowed = CHANNELS_BY_TYPE[type]
  if (channel === undefined) {
    return allowed.length === 1
      ? Either.right(allowed[0]!)
      : Either.left(`must be one of ${allowed.join(", ")} for a ${type} service`)
  }
  return allowed.includes(channel)
    ? Either.right(channel)
    : Either.left(`must be ${allowed.map((c) => c === null ? "null" : c).join(" or ")} for a ${type} service`)
}

// ---------------------------------------------------------------- scopes

/** Every partner scope. */
export const SCOPES = [
  "orders:create",
  "orders:read",
  "orders:update",
  "orders:cancel",
  "services:read",
  "statuses:read",
  "invoices:read"
] as const
/** A partner token's scope. */
export const Scope = Schema.Literal(...SCOPES)
export type Scope = typeof Scope.Type

// ---------------------------------------------------------------- stored entities (wire shapes)

/** A Starmile warehouse (hub); its country suffixes the trackings issued there. */
export const Warehouse = Schema.Struct({
  id: WarehouseId,
  code: Schema.String,
  name: Schema.String,
  country: Schema.String,
  created_at: Timestamp
}).annotations({ identifier: "Warehouse" })
export type Warehouse = typeof Warehouse.Type

/** A partner (merchant, marketplace). */
export const Partner = Schema.Struct({
  id: PartnerId,
  name: Schema.String,
  created_at: Timestamp
}).annotations({ identifier: "Partner" })
export type Partner = typeof Partner.Type

/** A parcel flow: the ordered steps a parcel moves through. */
export const Flow = Schema.Struct({
  id: Id,
  name: Schema.String,
  steps: Schema.Array(Schema.String),
  created_at: Timestamp
}).annotations({ identifier: "Flow" })
export type Flow = typeof Flow.Type

/** A Starmile region with its pricing tier. */
export const Region = Schema.Struct({
  id: Id,
  name: Schema.String,
  country: Schema.String,
  parent_id: Schema.NullOr(Id),
  pricing_tier: Schema.String,
  created_at: Timestamp
}).annotations({ identifier: "Region" })
export type Region = typeof Region.Type

/** A PUDO point or locker. */
export const PudoPoint = Schema.Struct({
  id: Id,
  name: Schema.String,
  kind: PudoKind,
  country: Schema.String,
  address: Schema.NullOr(Schema.String),
  active: Schema.Boolean,
  created_at: Timestamp
}).annotations({ identifier: "PudoPoint" })
export type PudoPoint = typeof PudoPoint.Type

/** A service: type, channel, countries, flow. */
export const Service = Schema.Struct({
  id: ServiceId,
  name: Schema.String,
  type: ServiceType,
  channel: Schema.NullOr(Channel),
  origin_country: Schema.String,
  destination_country: Schema.String,
  flow_id: Id,
  consolidation_enabled: Schema.Boolean,
  created_at: Timestamp
}).annotations({ identifier: "Service" })
export type Service = typeof Service.Type

/** A service published for a partner in a warehouse. */
export const Publication = Schema.Struct({
  service_id: ServiceId,
  partner_id: PartnerId,
  warehouse_id: WarehouseId,
  created_at: Timestamp
}).annotations({ identifier: "Publication" })
export type Publication = typeof Publication.Type

/** A rate of a service (default or partner-specific, any tier or one tier). */
export const Rate = Schema.Struct({
  id: Id,
  service_id: ServiceId,
  partner_id: Schema.NullOr(PartnerId),
  pricing_tier: Schema.NullOr(Schema.String),
  currency: Schema.String,
  amount: Schema.Number,
  per_kg_amount: Schema.NullOr(Schema.Number),
  bill_on_status: Schema.String,
  created_at: Timestamp
}).annotations({ identifier: "Rate" })
export type Rate = typeof Rate.Type

/** A partner's (parent_region, region) key mapped to a Starmile region. */
export const RegionMapping = Schema.Struct({
  partner_id: PartnerId,
  parent_region: Schema.String,
  region: Schema.String,
  region_id: Id,
  pricing_tier: Schema.String,
  created_at: Timestamp,
  updated_at: Timestamp
}).annotations({ identifier: "RegionMapping" })
export type RegionMapping = typeof RegionMapping.Type

/** What a partner sees of a service: its flow steps and the rates that apply to it. */
export const PartnerService = Schema.Struct({
  ...Struct.omit(Service.fields, "flow_id", "created_at"),
  flow: Schema.Struct({ id: Id, name: Schema.String, steps: Schema.Array(Schema.String) }),
  rates: Schema.Array(Schema.Struct({
    id: Id,
    pricing_tier: Schema.NullOr(Schema.String),
    currency: Schema.String,
    amount: Schema.Number,
    per_kg_amount: Schema.NullOr(Schema.Number),
    bill_on_status: Schema.String,
    partner_specific: Schema.Boolean
  }))
}).annotations({ identifier: "PartnerService" })
export type PartnerService = typeof PartnerService.Type

// ---------------------------------------------------------------- operator inputs

/** Inputs report every failing field at once, not just the first. */
export const ReportAllErrors = { errors: "all" } as const

/** Operator input: a warehouse. */
export const NewWarehouse = Schema.Struct({
  code: RequiredText(32).pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/, { message: () => "must use letters, digits, _ or -" })),
  name: RequiredText(255),
  country: CountryCode
}).annotations({ identifier: "NewWarehouse", parseOptions: ReportAllErrors })

/** Operator input: a partner. */
export const NewPartner = Schema.Struct({ name: RequiredText(255) }).annotations({ identifier: "NewPartner", parseOptions: ReportAllErrors })

/** Operator input: a client credential for a partner in a warehouse. */
export const NewCredential = Schema.Struct({
  warehouse_id: WarehouseId,
  scopes: optionalField(Schema.Array(Scope).pipe(Schema.minItems(1, { message: () => "must name at least one scope" })))
}).annotations({ identifier: "NewCredential", parseOptions: ReportAllErrors })

/** A new client credential, with its secret (shown once). */
export const IssuedCredential = Schema.Struct({
  client_id: Schema.String,
  client_secret: Schema.String,
  partner_id: PartnerId,
  warehouse_id: WarehouseId,
  scopes: Schema.Array(Scope),
  created_at: Timestamp
}).annotations({ identifier: "IssuedCredential", description: "The secret is shown only here, once." })

/** A flow's steps: 2–50 distinct snake_case codes, never "cancelled". */
export const FlowSteps = Schema.Array(StatusCode).pipe(
  Schema.minItems(2, { message: () => "must have at least 2 steps" }),
  Schema.maxItems(50, { message: () => "must have at most 50 steps" }),
  Schema.filter((steps) => new Set(steps).size === steps.length || "must not repeat a step"),
  Schema.filter((steps) => !steps.includes("cancelled") || "must not contain \"cancelled\" (reserved for cancellations)")
)

/** Operator input: a flow. */
export const NewFlow = Schema.Struct({ name: RequiredText(255), steps: FlowSteps }).annotations({ identifier: "NewFlow", parseOptions: ReportAllErrors })

/** Operator input: a region. */
export const NewRegion = Schema.Struct({
  name: RequiredText(255),
  country: CountryCode,
  parent_id: optionalField(Schema.NullOr(Id)),
  pricing_tier: PricingTier
}).annotations({ identifier: "NewRegion", parseOptions: ReportAllErrors })

/** Operator input: a PUDO point or locker. */
export const NewPudoPoint = Schema.Struct({
  name: RequiredText(255),
  kind: PudoKind,
  country: CountryCode,
  address: optionalField(Schema.NullOr(Text(1000))),
  active: optionalField(Schema.Boolean)
}).annotations({ identifier: "NewPudoPoint", parseOptions: ReportAllErrors })

/** Operator input: (de)activating a PUDO point. */
export const PudoPointPatch = Schema.Struct({ active: Schema.Boolean }).annotations({ identifier: "PudoPointPatch", parseOptions: ReportAllErrors })

/** Operator input: a service. */
export const NewService = Schema.Struct({
  name: RequiredText(255),
  type: ServiceType,
  channel: optionalField(Schema.NullOr(Channel)),
  origin_country: CountryCode,
  destination_country: CountryCode,
  flow_id: Id,
  consolidation_enabled: optionalField(Schema.Boolean)
}).annotations({ identifier: "NewService", parseOptions: ReportAllErrors })

/** Operator input: whom a service is published for. */
export const PublicationTarget = Schema.Struct({ partner_id: PartnerId, warehouse_id: WarehouseId }).annotations({
  identifier: "PublicationTarget"
})

/** Operator input: a rate. */
export const NewRate = Schema.Struct({
  service_id: ServiceId,
  partner_id: optionalField(Schema.NullOr(PartnerId)),
  pricing_tier: optionalField(Schema.NullOr(PricingTier)),
  currency: CurrencyCode,
  amount: Money(0, 1_000_000_000),
  per_kg_amount: optionalField(Schema.NullOr(Money(0, 1_000_000_000))),
  bill_on_status: StatusCode
}).annotations({ identifier: "NewRate", parseOptions: ReportAllErrors })

/** Operator input: a region mapping. */
export const NewRegionMapping = Schema.Struct({
  parent_region: RequiredText(255),
  region: RequiredText(255),
  region_id: Id
}).annotations({ identifier: "NewRegionMapping", parseOptions: ReportAllErrors })
