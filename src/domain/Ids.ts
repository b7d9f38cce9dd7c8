/**
 * Branded ids for the numbers that can be swapped by mistake (a partner's id where a
 * warehouse's is expected, ...). On the wire they are plain positive integers, as before; in
 * TypeScript a `PartnerId` is not a `WarehouseId`. Values come from decoding (requests, rows)
 * or from `XxxId.make(n)`.
 */
import { Schema } from "effect"
import { Id } from "./Primitives.js"

/** A partner's id. */
export const PartnerId = Id.pipe(Schema.brand("PartnerId"))
export type PartnerId = typeof PartnerId.Type

/** A warehouse's id. */
export const WarehouseId = Id.pipe(Schema.brand("WarehouseId"))
export type WarehouseId = typeof WarehouseId.Type

/** A service's id. */
export const ServiceId = Id.pipe(Schema.brand("ServiceId"))
export type ServiceId = typeof ServiceId.Type

/** An order's database id (internal: partners see its tracking). */
export const OrderId = Id.pipe(Schema.brand("OrderId"))
export type OrderId = typeof OrderId.Type

/** A parcel's database id (internal: partners see its tracking). */
export const ParcelId = Id.pipe(Schema.brand("ParcelId"))
export type ParcelId = typeof ParcelId.Type
