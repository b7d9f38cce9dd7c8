/** Partner orders (reference "Create an order", "Update a parcel", "Cancel an order"; CONTRACT §5). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { optionalField } from "../domain/Primitives.js"
import { DestinationInvalid } from "../domain/Destination.js"
import { Forbidden } from "../domain/Errors.js"
import {
  CancelledOrder,
  CancelRequest,
  ConsolidationNotEnabled,
  CreatedOrder,
  CreateOrderRequest,
  DuplicateReference,
  OrderNotModifiable,
  OrderView,
  ParcelPatch,
  ParcelView,
  ServiceUnavailableForPartner
} from "../domain/Order.js"
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../domain/Orders.js"
import { envelope } from "./Envelope.js"
import { DataOf, IdCursor, LimitParam, PageOf } from "./Schemas.js"
import { RequiresOrdersCancel, RequiresOrdersCreate, RequiresOrdersRead, RequiresOrdersUpdate } from "./Scopes.js"

/** `{order_id}`: the Starmile order tracking first, then your own order_id. */
const OrderPath = Schema.Struct({ order_id: Schema.String })
/** `{item_id}`: the parcel's item_id, or its Starmile parcel tracking. */
const ParcelPath = Schema.Struct({ order_id: Schema.String, item_id: Schema.String })

export class OrdersApi extends HttpApiGroup.make("orders")
  .add(
    HttpApiEndpoint.post("create", "/api/v1/orders")
      .middleware(RequiresOrdersCreate)
      .setPayload(CreateOrderRequest)
      .addSuccess(DataOf(CreatedOrder), { status: 201 })
      .addError(envelope(DuplicateReference))
      .addError(envelope(ServiceUnavailableForPartner))
      .addError(envelope(ConsolidationNotEnabled))
      .addError(envelope(DestinationInvalid))
      .annotate(OpenApi.Summary, "Create an order")
      .annotate(
        OpenApi.Description,
        "Creates an order with its parcels (scope orders:create). 201 with `Location: /api/v1/orders/{tracking}`. " +
          "The destination must fit the service's type: home_delivery takes parent_region + region (required) and " +
          "address_first, address_second, zip, notes; pudo_delivery takes pudo_id (required); clearance and " +
          "cross_docking take no destination field. A destination field of another type is rejected " +
          "(destination_invalid). Your order_id, item_ids and merchant_trackings must be unique across all your " +
          "orders, cancelled ones included (duplicate_reference)."
      )
      .annotate(OpenApi.Transform, (operation) => ({
        ...operation,
        responses: {
          ...operation["responses"],
          201: {
            ...operation["responses"]?.[201],
            headers: {
              Location: { description: "/api/v1/orders/{tracking} of the new order", schema: { type: "string" } }
            }
          }
        }
      }))
  )
  .add(
    HttpApiEndpoint.get("list", "/api/v1/orders")
      .middleware(RequiresOrdersRead)
      .setUrlParams(Schema.Struct({
        limit: optionalField(LimitParam(MAX_PAGE_SIZE).annotations({
          description: `Page size, 1..${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}`
        })),
        cursor: optionalField(IdCursor)
      }))
      .addSuccess(PageOf(OrderView))
      .annotate(OpenApi.Summary, "List your orders")
      .annotate(
        OpenApi.Description,
        `Your orders, newest first (scope orders:read). limit 1..${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); ` +
          "pass next_cursor as cursor for the next page; next_cursor is null on the last page."
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/api/v1/orders/:order_id")
      .middleware(RequiresOrdersRead)
      .setPath(OrderPath)
      .addSuccess(DataOf(OrderView))
      .annotate(OpenApi.Summary, "Get an order")
      .annotate(
        OpenApi.Description,
        "One order with its parcels and products (scope orders:read). {order_id} is the Starmile order tracking " +
          "or your own order_id."
      )
  )
  .add(
    HttpApiEndpoint.patch("updateParcel", "/api/v1/orders/:order_id/parcels/:item_id")
      .middleware(RequiresOrdersUpdate)
      .setPath(ParcelPath)
      .setPayload(ParcelPatch)
      .addSuccess(DataOf(ParcelView))
      .addError(envelope(DuplicateReference))
      .addError(envelope(OrderNotModifiable))
      .annotate(OpenApi.Summary, "Update a parcel")
      .annotate(
        OpenApi.Description,
        "Changes a parcel while the order is at its flow's first step (scope orders:update). Partial: only sent " +
          "fields change (omit a field to keep it; null is refused, 422); products, when sent, replaces the whole " +
          "list ([] empties it); {} changes nothing. Most often used to set merchant_tracking once the sticker is " +
          "printed. {item_id} is the parcel's item_id or its Starmile parcel tracking. 409 order_not_modifiable " +
          "once a parcel has moved past the first step or the order is cancelled."
      )
  )
  .add(
    HttpApiEndpoint.post("cancel", "/api/v1/orders/:order_id/cancel")
      .middleware(RequiresOrdersCancel)
      .setPath(OrderPath)
      .setPayload(CancelRequest)
      .addSuccess(DataOf(CancelledOrder))
      .addError(envelope(OrderNotModifiable))
      .annotate(OpenApi.Summary, "Cancel an order")
      .annotate(
        OpenApi.Description,
        "Cancels the order while every parcel is at the first step (scope orders:cancel). The body is optional. " +
          "Cancelling again answers the first cancellation unchanged; 409 once a parcel has moved."
      )
      // the body may be omitted entirely
      .annotate(OpenApi.Transform, (operation) => ({
        ...operation,
        requestBody: { ...operation["requestBody"], required: false }
      }))
  )
  .addError(envelope(Forbidden))
  .annotate(OpenApi.Title, "Orders")
  .annotate(OpenApi.Description, "Your orders of parcels with products: create, read, update a parcel, cancel")
{}
