/** What the catalogue needs from storage (implemented by persistence/CatalogueRepo.ts). */
import { Context, type Effect } from "effect"
import type { PartnerId, ServiceId, WarehouseId } from "../Ids.js"
import type {
  Flow,
  Partner,
  PartnerService,
  Publication,
  PudoPoint,
  Rate,
  Region,
  Service,
  Warehouse
} from "../Catalogue.js"

/** A publication's key. */
export type PublicationKey = {
  readonly service_id: ServiceId
  readonly partner_id: PartnerId
  readonly warehouse_id: WarehouseId
}

/** Catalogue storage: inserts answer the stored row; finds answer undefined when absent. */
export class CatalogueRepo extends Context.Tag("starmile/CatalogueRepo")<CatalogueRepo, {
  /** undefined when the code is taken. */
  readonly insertWarehouse: (w: { code: string; name: string; country: string }) => Effect.Effect<Warehouse | undefined>
  readonly findWarehouse: (id: WarehouseId) => Effect.Effect<Warehouse | undefined>
  readonly insertPartner: (p: { name: string }) => Effect.Effect<Partner>
  readonly findPartner: (id: PartnerId) => Effect.Effect<Partner | undefined>
  readonly insertFlow: (f: { name: string; steps: ReadonlyArray<string> }) => Effect.Effect<Flow>
  readonly findFlow: (id: number) => Effect.Effect<Flow | undefined>
  readonly insertRegion: (
    r: { name: string; country: string; parent_id: number | null; pricing_tier: string }
  ) => Effect.Effect<Region>
  readonly findRegion: (id: number) => Effect.Effect<Region | undefined>
  readonly insertPudoPoint: (
    p: { name: string; kind: string; country: string; address: string | null; active: boolean }
  ) => Effect.Effect<PudoPoint>
  readonly setPudoPointActive: (id: number, active: boolean) => Effect.Effect<PudoPoint | undefined>
  readonly listActivePudoPoints: (
    filter: { country: string | undefined; kind: string | undefined }
  ) => Effect.Effect<ReadonlyArray<PudoPoint>>
  readonly insertService: (s: {
    name: string
    type: string
    channel: string | null
    origin_country: string
    destination_country: string
    flow_id: number
    consolidation_enabled: boolean
  }) => Effect.Effect<Service>
  readonly findService: (id: ServiceId) => Effect.Effect<Service | undefined>
  /** Idempotent: publishing twice keeps the first publication. */
  readonly publish: (p: PublicationKey) => Effect.Effect<Publication>
  /** false when it was not published. */
  readonly unpublish: (p: PublicationKey) => Effect.Effect<boolean>
  /** undefined when a rate for the same (service, partner, tier) exists. */
  readonly insertRate: (r: {
    service_id: ServiceId
    partner_id: PartnerId | null
    pricing_tier: string | null
    currency: string
    amount: number
    per_kg_amount: number | null
    bill_on_status: string
  }) => Effect.Effect<Rate | undefined>
  /** The services published for a partner in a warehouse, with flow steps and applicable rates. */
  readonly listPartnerServices: (partnerId: PartnerId, warehouseId: WarehouseId) => Effect.Effect<ReadonlyArray<PartnerService>>
}>() {}
