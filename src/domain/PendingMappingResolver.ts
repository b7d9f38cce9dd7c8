/**
 * Resolves `pending_mapping` orders whose (partner, parent_region, region) key is now mapped:
 * each gets the region, its pricing tier and `region_status: "mapped"`. Work is done in
 * batches; a batch is one transaction (claim + update in one statement, then the invoices the
 * resolved orders are already due), uninterruptible so shutdown never leaves one half-done.
 * Any number of instances may run it at once: `FOR UPDATE SKIP LOCKED` hands them disjoint
 * batches.
 */
import { Effect } from "effect"
import { Billing } from "./Billing.js"
import { DomainConfig } from "./DomainConfig.js"
import { type MappingKey, RegionMappingsRepo } from "./repositories/RegionMappingsRepo.js"
import { Transaction } from "./repositories/Transaction.js"

/** Resolves waiting orders whose region key is mapped (batched, safe with any number of instances). */
export class PendingMappingResolver extends Effect.Service<PendingMappingResolver>()("starmile/PendingMappingResolver", {
  dependencies: [Billing.Default],
  effect: Effect.gen(function* () {
    const transaction = yield* Transaction
    const repo = yield* RegionMappingsRepo
    const billing = yield* Billing
    const batchSize = (yield* DomainConfig).resolverBatchSize

    const resolveBatch = (key: MappingKey | undefined) =>
      transaction.run(
        Effect.gen(function* () {
          const resolved = yield* repo.resolveBatch(batchSize, key)
          // parcels scanned past their billing status while the order waited are billed now
          yield* billing.raiseDueForOrders(resolved)
          return resolved.length
        })
      ).pipe(Effect.uninterruptible)

    /** Batches until one comes back short: then nothing claimable is left (others hold the rest). */
    const resolveAll = (key?: MappingKey) =>
      Effect.gen(function* () {
        let total = 0
        while (true) {
          const resolved = yield* resolveBatch(key)
          total += resolved
          if (resolved < batchSize) return total
        }
      })

    return {
      /** Resolve every waiting order whose key is mapped. Returns how many were resolved. */
      runOnce: resolveAll().pipe(Effect.withSpan("PendingMappingResolver.runOnce")),
      /** Resolve one key's waiting orders (right after an operator maps it). */
      resolveKey: (key: MappingKey) => resolveAll(key).pipe(Effect.withSpan("PendingMappingResolver.resolveKey"))
    }
  })
}) {}
