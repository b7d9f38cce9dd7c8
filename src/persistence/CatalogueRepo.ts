/**
 * SQL for the catalogue. Rows come back in the wire shapes of domain/Catalogue.ts (int8 parsed
 * as numbers by the client, numeric cast to float8 for reading).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
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
} from "../domain/Catalogue.js"
import { CACHE_CHANNEL, CacheInvalidation, CATALOGUE_TOPIC } from "./CacheInvalidation.js"
import { dieOnSqlError } from "./SqlErrors.js"

const RATE_COLUMNS = `id, service_id, partner_id, pricing_tier, currency, amount::float8 as amount,
  per_kg_amount::float8 as per_kg_amount, bill_on_status, created_at`

export class CatalogueRepo extends Effect.Service<CatalogueRepo>()("starmile/CatalogueRepo", {
  dependencies: [CacheInvalidation.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const invalidation = yield* CacheInvalidation
    const one = <A>(rows: ReadonlyArray<unknown>) => rows[0] as A | undefined

    return {
      insertWarehouse: (w: { code: string; name: string; country: string }) =>
        sql`insert into warehouses ${sql.insert(w)} on conflict (code) do nothing returning *`.pipe(
          Effect.map((rows) => one<Warehouse>(rows)),
          dieOnSqlError
        ),
      findWarehouse: (id: number) =>
        sql`select * from warehouses where id = ${id}`.pipe(Effect.map((rows) => one<Warehouse>(rows)), dieOnSqlError),

      insertPartner: (p: { name: string }) =>
        sql`insert into partners ${sql.insert(p)} returning *`.pipe(Effect.map((rows) => rows[0] as Partner), dieOnSqlError),
      findPartner: (id: number) =>
        sql`select * from partners where id = ${id}`.pipe(Effect.map((rows) => one<Partner>(rows)), dieOnSqlError),

      insertFlow: (f: { name: string; steps: ReadonlyArray<string> }) =>
        sql`insert into flows (name, steps) values (${f.name}, ${f.steps as Array<string>}::text[]) returning *`.pipe(
          Effect.map((rows) => rows[0] as Flow),
          dieOnSqlError
        ),
      findFlow: (id: number) =>
        sql`select * from flows where id = ${id}`.pipe(Effect.map((rows) => one<Flow>(rows)), dieOnSqlError),

      insertRegion: (r: { name: string; country: string; parent_id: number | null; pricing_tier: string }) =>
        sql`insert into regions ${sql.insert(r)} returning *`.pipe(Effect.map((rows) => rows[0] as Region), dieOnSqlError),
      findRegion: (id: number) =>
        sql`select * from regions where id = ${id}`.pipe(Effect.map((rows) => one<Region>(rows)), dieOnSqlError),

      insertPudoPoint: (p: { name: string; kind: string; country: string; address: string | null; active: boolean }) =>
        sql`insert into pudo_points ${sql.insert(p)} returning *`.pipe(
          Effect.map((rows) => rows[0] as PudoPoint),
          dieOnSqlError
        ),
      setPudoPointActive: (id: number, active: boolean) =>
        sql`update pudo_points set active = ${active} where id = ${id} returning *`.pipe(
          Effect.map((rows) => one<PudoPoint>(rows)),
          dieOnSqlError
        ),
      listActivePudoPoints: (filter: { country: string | undefined; kind: string | undefined }) =>
        sql`select * from pudo_points where active
              and ${filter.country === undefined ? sql`true` : sql`country = ${filter.country}`}
              and ${filter.kind === undefined ? sql`true` : sql`kind = ${filter.kind}`}
            order by id`.pipe(Effect.map((rows) => rows as unknown as ReadonlyArray<PudoPoint>), dieOnSqlError),

      insertService: (s: {
        name: string
        type: string
        channel: string | null
        origin_country: string
        destination_country: string
        flow_id: number
        consolidation_enabled: boolean
      }) => sql`insert into services ${sql.insert(s)} returning *`.pipe(Effect.map((rows) => rows[0] as Service), dieOnSqlError),
      findService: (id: number) =>
        sql`select * from services where id = ${id}`.pipe(Effect.map((rows) => one<Service>(rows)), dieOnSqlError),

      /** Idempotent: publishing twice keeps the first publication. */
      publish: (p: { service_id: number; partner_id: number; warehouse_id: number }) =>
        sql`with inserted as (
              insert into publications ${sql.insert(p)} on conflict do nothing returning *)
            select * from inserted
            union all
            select * from publications
             where service_id = ${p.service_id} and partner_id = ${p.partner_id} and warehouse_id = ${p.warehouse_id}`.pipe(
          Effect.map((rows) => rows[0] as Publication),
          dieOnSqlError
        ),
      /** Tells every instance's service cache (CacheInvalidation) in the same statement. */
      unpublish: (p: { service_id: number; partner_id: number; warehouse_id: number }) =>
        sql`with removed as (
              delete from publications where service_id = ${p.service_id} and partner_id = ${p.partner_id}
                 and warehouse_id = ${p.warehouse_id} returning service_id)
            select service_id, pg_notify(${CACHE_CHANNEL}, ${CATALOGUE_TOPIC}) from removed`.pipe(
          Effect.map((rows) => {
            invalidation.invalidateLocally(CATALOGUE_TOPIC)
            return rows.length > 0
          }),
          dieOnSqlError
        ),

      /** undefined when a rate for the same (service, partner, tier) exists. */
      insertRate: (r: {
        service_id: number
        partner_id: number | null
        pricing_tier: string | null
        currency: string
        amount: number
        per_kg_amount: number | null
        bill_on_status: string
      }) =>
        sql`insert into rates ${sql.insert(r)} on conflict do nothing returning ${sql.literal(RATE_COLUMNS)}`.pipe(
          Effect.map((rows) => one<Rate>(rows)),
          dieOnSqlError
        ),

      /** The services published for a partner in a warehouse, with flow steps and applicable rates. */
      listPartnerServices: (partnerId: number, warehouseId: number) =>
        sql`select s.id, s.name, s.type, s.channel, s.origin_country, s.destination_country,
                   s.consolidation_enabled,
                   json_build_object('id', f.id, 'name', f.name, 'steps', f.steps) as flow,
                   coalesce((select json_agg(json_build_object(
                              'id', r.id, 'pricing_tier', r.pricing_tier, 'currency', r.currency,
                              'amount', r.amount::float8, 'per_kg_amount', r.per_kg_amount::float8,
                              'bill_on_status', r.bill_on_status, 'partner_specific', r.partner_id is not null)
                              order by r.partner_id nulls last, r.pricing_tier nulls last, r.id)
                             from rates r
                            where r.service_id = s.id and (r.partner_id is null or r.partner_id = ${partnerId})),
                            '[]'::json) as rates
              from publications p
              join services s on s.id = p.service_id
              join flows f on f.id = s.flow_id
             where p.partner_id = ${partnerId} and p.warehouse_id = ${warehouseId}
             order by s.id`.pipe(Effect.map((rows) => rows as unknown as ReadonlyArray<PartnerService>), dieOnSqlError)
    }
  })
}) {}
