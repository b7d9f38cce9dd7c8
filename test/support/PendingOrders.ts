/**
 * Seeds many home-delivery orders waiting for a region mapping, set-based (three statements
 * whatever the count), with one parcel each — for the resolver's volume and concurrency tests
 * and its benchmark.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as crypto from "node:crypto"
import { formatTracking } from "../../src/domain/Tracking.js"

export interface PendingOrdersSpec {
  readonly partnerId: number
  readonly warehouseId: number
  readonly serviceId: number
  readonly parentRegion: string
  readonly region: string
  readonly count: number
  readonly country?: string
  /** Where the parcels already are in their flow (default: the first step, "created"). */
  readonly parcelsAt?: { readonly status: string; readonly stepIndex: number }
}

export const insertPendingOrders = (spec: PendingOrdersSpec) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const country = spec.country ?? "AZ"
    const at = spec.parcelsAt ?? { status: "created", stepIndex: 0 }
    const serials = yield* sql<{ o: number; p: number }>`
      select nextval('order_tracking_serial') as o, nextval('parcel_tracking_serial') as p
        from generate_series(1, ${spec.count})`
    const batch = crypto.randomBytes(4).toString("hex")
    const orderTrackings = serials.map((s) => formatTracking("SO", s.o, country))
    const parcelTrackings = serials.map((s) => formatTracking("SP", s.p, country))
    const references = serials.map((_, i) => `PO-${batch}-${i}`)
    const orders = yield* sql<{ id: number }>`
      insert into orders (tracking, partner_id, warehouse_id, service_id, partner_order_id, destination_type,
                          region_status, parent_region, region)
      select t.tracking, ${spec.partnerId}, ${spec.warehouseId}, ${spec.serviceId}, t.reference, 'home_delivery',
             'pending_mapping', ${spec.parentRegion}, ${spec.region}
        from unnest(${orderTrackings}::text[], ${references}::text[]) with ordinality as t(tracking, reference, n)
       order by t.n
      returning id`
    yield* sql`
      insert into parcels (order_id, partner_id, position, tracking, merchant_tracking, status, step_index)
      select o.id, ${spec.partnerId}, 0, p.tracking, p.tracking, ${at.status}, ${at.stepIndex}
        from unnest(${orders.map((o) => o.id)}::bigint[], ${parcelTrackings}::text[]) as p(order_id, tracking)
        join orders o on o.id = p.order_id`
    return orders.map((o) => o.id)
  })
