/** What region mapping and the resolver need from storage (implemented by persistence/RegionMappingsRepo.ts). */
import { Context, type Effect } from "effect"
import type { OrderId, PartnerId } from "../Ids.js"
import type { RegionMapping } from "../Catalogue.js"

/** A key with waiting orders. */
export interface PendingKey {
  readonly partner_id: PartnerId
  readonly parent_region: string
  readonly region: string
  readonly waiting_orders: number
  readonly oldest_order_at: Date
}

/** A partner's region key. */
export interface MappingKey {
  readonly partnerId: PartnerId
  readonly parentRegion: string
  readonly region: string
}

/** Region-mapping storage and the set-based resolution of waiting orders. */
export class RegionMappingsRepo extends Context.Tag("starmile/RegionMappingsRepo")<RegionMappingsRepo, {
  /** Creates or changes the mapping of a key. */
  readonly upsert: (
    m: { partner_id: PartnerId; parent_region: string; region: string; region_id: number }
  ) => Effect.Effect<RegionMapping>
  /** Every waiting key with its order count and oldest order time, oldest first. */
  readonly listPending: Effect.Effect<ReadonlyArray<PendingKey>>
  /** Resolves up to `limit` pending orders whose key is mapped (optionally only `key`'s); the resolved order ids. */
  readonly resolveBatch: (limit: number, key?: MappingKey) => Effect.Effect<ReadonlyArray<OrderId>>
}>() {}
