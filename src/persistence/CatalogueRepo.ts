/**
 * SQL for the catalogue (domain/repositories/CatalogueRepo.ts). Rows are decoded into the
 * shapes of domain/Catalogue.ts; numeric is cast to float8 for reading.
 */
import { Effect, Layer, Schema, Struct } from "effect"
import {
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
import { CatalogueRepo, type PublicationKey } from "../domain/repositories/CatalogueRepo.js"
import { PartnerId, ServiceId, WarehouseId } from "../domain/Ids.js"
import { decodeAll, decodeFirst, decodeSingle, Int8, Int8Id, NullableInt8, RepositorySql, Timestamptz } from "./Rows.js"
import { CACHE_CHANNEL, CacheInvalidation, CATALOGUE_TOPIC } from "./CacheInvalidation.js"
import { dieOnSqlError } from "./SqlErrors.js"

const RATE_COLUMNS = `id, service_id, partner_id, pricing_tier, currency, amount::float8 as amount,
  per_kg_amount::float8 as per_kg_amount, bill_on_status, created_at`

// stored rows: the wire shapes with int8 ids and timestamptz
const WarehouseRow = Schema.Struct({ ...Warehouse.fields, id: Int8Id(WarehouseId), created_at: Timestamptz })
const PartnerRow = Schema.Struct({ ...Partner.fields, id: Int8Id(PartnerId), created_at: Timestamptz })
const FlowRow = Schema.Struct({ ...Flow.fields, id: Int8, created_at: Timestamptz })
const RegionRow = Schema.Struct({ ...Region.fields, id: Int8, parent_id: NullableInt8, created_at: Timestamptz })
const PudoPointRow = Schema.Struct({ ...PudoPoint.fields, id: Int8, created_at: Timestamptz })
const ServiceRow = Schema.Struct({ ...Service.fields, id: Int8Id(ServiceId), flow_id: Int8, created_at: Timestamptz })
const PublicationRow = Schema.Struct({
  ...Publication.fields,
  service_id: Int8Id(ServiceId),
  partner_id: Int8Id(PartnerId),
  warehouse_id: Int8Id(WarehouseId),
  created_at: Timestamptz
})
const RateRow = Schema.Struct({
  ...Rate.fields,
  id: Int8,
  service_id: Int8Id(ServiceId),
  partner_id: Schema.NullOr(Int8Id(PartnerId)),
  created_at: Timestamptz
})
// built as JSON: ids are JSON numbers already
const PartnerServiceRow = Schema.Struct({ ...Struct.omit(PartnerService.fields, "id"), id: Int8Id(ServiceId) })

/** CatalogueRepo over the SqlClient. */
export const CatalogueRepoLive = Layer.effect(
  CatalogueRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql
    const invalidation = yield* CacheInvalidation

    return CatalogueRepo.of({
      insertWarehouse: (w) =>
        sql`insert into warehouses ${sql.insert(w)} on conflict (code) do nothing returning *`.pipe(
          decodeFirst(WarehouseRow),
          dieOnSqlError
        ),
      findWarehouse: (id) => sql`select * from warehouses where id = ${id}`.pipe(decodeFirst(WarehouseRow), dieOnSqlError),

      insertPartner: (p) => sql`insert into partners ${sql.insert(p)} returning *`.pipe(decodeSingle(PartnerRow), dieOnSqlError),
      findPartner: (id) => sql`select * from partners where id = ${id}`.pipe(decodeFirst(PartnerRow), dieOnSqlError),

      insertFlow: (f) =>
        sql`insert into flows (name, steps) values (${f.name}, ${f.steps as Array<string>}::text[]) returning *`.pipe(
          decodeSingle(FlowRow),
          dieOnSqlError
        ),
      findFlow: (id) => sql`select * from flows where id = ${id}`.pipe(decodeFirst(FlowRow), dieOnSqlError),

      insertRegion: (r) => sql`insert into regions ${sql.insert(r)} returning *`.pipe(decodeSingle(RegionRow), dieOnSqlError),
      findRegion: (id) => sql`select * from regions where id = ${id}`.pipe(decodeFirst(RegionRow), dieOnSqlError),

      insertPudoPoint: (p) =>
        sql`insert into pudo_points ${sql.insert(p)} returning *`.pipe(decodeSingle(PudoPointRow), dieOnSqlError),
      setPudoPointActive: (id, active) =>
        sql`update pudo_points set active = ${active} where id = ${id} returning *`.pipe(
          decodeFirst(PudoPointRow),
          dieOnSqlError
        ),
      listActivePudoPoints: (filter) =>
        sql`select * from pudo_points where active
              and ${filter.country === undefined ? sql`true` : sql`country = ${filter.country}`}
              and ${filter.kind === undefined ? sql`true` : sql`kind = ${filter.kind}`}
            order by id`.pipe(decodeAll(PudoPointRow), dieOnSqlError),

      insertService: (s) =>
        sql`insert into services ${sql.insert(s)} returning *`.pipe(decodeSingle(ServiceRow), dieOnSqlError),
      findService: (id) => sql`select * from services where id = ${id}`.pipe(decodeFirst(ServiceRow), dieOnSqlError),

      publish: (p: PublicationKey) =>
        sql`with inserted as (
              insert into publications ${sql.insert(p)} on conflict do nothing returning *)
            select * from inserted
            union all
            select * from publications
             where service_id = ${p.service_id} and partner_id = ${p.partner_id} and warehouse_id = ${p.warehouse_id}`.pipe(
          decodeSingle(PublicationRow),
          dieOnSqlError
        ),
      /** Tells every instance's service cache (CacheInvalidation) in the same statement. */
      unpublish: (p: PublicationKey) =>
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

      insertRate: (r) =>
        sql`insert into rates ${sql.insert(r)} on conflict do nothing returning ${sql.literal(RATE_COLUMNS)}`.pipe(
          decodeFirst(RateRow),
          dieOnSqlError
        ),

      listPartnerServices: (partnerId, warehouseId) =>
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
             order by s.id`.pipe(decodeAll(PartnerServiceRow), dieOnSqlError)
    })
  })
)
