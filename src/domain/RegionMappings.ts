/**
 * Region mapping (CONTRACT §7): per partner, the key (parent_region, region) — the partner's
 * own codes, trimmed — maps to one Starmile region. Saving a mapping resolves that key's
 * waiting orders at once, in the same transaction, so the operator sees the effect immediately;
 * a re-mapping only affects orders still waiting (resolved orders keep the region they got).
 */
import { Effect } from "effect"
import type { NewRegionMapping, RegionMapping } from "./Catalogue.js"
import { CatalogueService } from "./CatalogueService.js"
import { ValidationFailed } from "./Errors.js"
import type { PartnerId } from "./Ids.js"
import { PendingMappingResolver } from "./PendingMappingResolver.js"
import { CatalogueRepo } from "./repositories/CatalogueRepo.js"
import { RegionMappingsRepo } from "./repositories/RegionMappingsRepo.js"
import { Transaction } from "./repositories/Transaction.js"

/** A saved mapping and the waiting orders it resolved. */
export interface SavedMapping extends RegionMapping {
  /** Waiting orders of this key resolved by the save. */
  readonly resolved_orders: number
}

/** Region mappings: save (resolving the key's waiting orders) and list waiting keys. */
export class RegionMappings extends Effect.Service<RegionMappings>()("starmile/RegionMappings", {
  dependencies: [CatalogueService.Default, PendingMappingResolver.Default],
  effect: Effect.gen(function* () {
    const transaction = yield* Transaction
    const repo = yield* RegionMappingsRepo
    const catalogueRepo = yield* CatalogueRepo
    const catalogue = yield* CatalogueService
    const resolver = yield* PendingMappingResolver

    return {
      save: (partnerId: PartnerId, input: typeof NewRegionMapping.Type) =>
        Effect.gen(function* () {
          yield* catalogue.requirePartner(partnerId)
          const region = yield* catalogueRepo.findRegion(input.region_id)
          if (region === undefined) return yield* ValidationFailed.at("region_id", `region ${input.region_id} does not exist`)
          // the mapping and the resolution of its waiting orders commit together (each resolver
          // batch is a savepoint inside this transaction), so a failure leaves neither
          const { mapping, resolved } = yield* transaction.run(Effect.gen(function* () {
            const mapping = yield* repo.upsert({
              partner_id: partnerId,
              parent_region: input.parent_region,
              region: input.region,
              region_id: input.region_id
            })
            const resolved = yield* resolver.resolveKey({
              partnerId,
              parentRegion: input.parent_region,
              region: input.region
            })
            return { mapping, resolved }
          }))
          const saved: SavedMapping = { ...mapping, resolved_orders: resolved }
          return saved
        }),

      listPending: repo.listPending
    }
  })
}) {}
