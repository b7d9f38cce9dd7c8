import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { CurrentPartner } from "../domain/Auth.js"
import { Orders } from "../domain/Orders.js"
import { StarmileApi } from "./Api.js"
import { encodeCursor } from "./Schemas.js"

const data = <A>(value: A) => ({ data: value })

export const OrdersHttpLive = HttpApiBuilder.group(StarmileApi, "orders", (handlers) =>
  Effect.map(Orders, (orders) =>
    handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const principal = yield* CurrentPartner
          const created = yield* orders.create(principal, payload)
          // returned as a response (not a value) to carry the Location header; the body is plain strings
          return HttpServerResponse.unsafeJson(data(created), {
            status: 201,
            headers: { location: `/api/v1/orders/${encodeURIComponent(created.order_id)}` }
          })
        }))
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(CurrentPartner, (principal) =>
          Effect.map(orders.list(principal, { limit: urlParams.limit, beforeId: urlParams.cursor }), (page) => ({
            data: page.orders,
            next_cursor: page.nextBeforeId === null ? null : encodeCursor(page.nextBeforeId)
          }))))
      .handle("get", ({ path }) =>
        Effect.flatMap(CurrentPartner, (principal) => Effect.map(orders.get(principal, path.order_id), data)))
      .handle("updateParcel", ({ path, payload }) =>
        Effect.flatMap(CurrentPartner, (principal) =>
          Effect.map(orders.updateParcel(principal, path.order_id, path.item_id, payload), data)))
      .handle("cancel", ({ path, payload }) =>
        Effect.flatMap(CurrentPartner, (principal) =>
          Effect.map(orders.cancel(principal, path.order_id, payload?.reason ?? null), data)))))
