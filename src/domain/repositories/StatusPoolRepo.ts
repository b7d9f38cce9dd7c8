/** What the status pool needs from storage (implemented by persistence/StatusPoolRepo.ts). */
import { Context, type Effect } from "effect"
import type { PartnerId } from "../Ids.js"
import type { StatusEvent } from "../StatusPool.js"

/** A partner's unacknowledged status events. */
export class StatusPoolRepo extends Context.Tag("starmile/StatusPoolRepo")<StatusPoolRepo, {
  /** Oldest first (by id); `afterId` continues after a page. */
  readonly listUnacknowledged: (
    q: { readonly partnerId: PartnerId; readonly limit: number; readonly afterId: number | undefined }
  ) => Effect.Effect<ReadonlyArray<StatusEvent>>
  /** One statement; ids of other partners and already acknowledged ones are left alone. The number acknowledged. */
  readonly acknowledge: (partnerId: PartnerId, ids: ReadonlyArray<number>) => Effect.Effect<number>
}>() {}
