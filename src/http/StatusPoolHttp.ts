import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CurrentPartner } from "../domain/Auth.js"
import { POOL_DEFAULT_LIMIT, StatusPool } from "../domain/StatusPool.js"
import { StarmileApi } from "./Api.js"
import { encodeCursor } from "./Schemas.js"

export const StatusPoolHttpLive = HttpApiBuilder.group(StarmileApi, "statusPool", (handlers) =>
  Effect.map(StatusPool, (pool) =>
    handlers
      .handle("read", ({ urlParams }) =>
        Effect.gen(function* () {
          const principal = yield* CurrentPartner
          const page = yield* pool.read(principal.partnerId, {
            limit: urlParams.limit ?? POOL_DEFAULT_LIMIT,
            afterId: urlParams.cursor
          })
          return { data: page.events, next_cursor: page.nextAfterId === null ? null : encodeCursor(page.nextAfterId) }
        }))
      .handle("ack", ({ payload }) =>
        Effect.gen(function* () {
          const principal = yield* CurrentPartner
          return { data: { acknowledged: yield* pool.acknowledge(principal.partnerId, payload.ids) } }
        }))))
