/**
 * Catalogue rows are permanent, and orders stop paying for foreign keys to them.
 *
 * An order referenced its partner, warehouse, service, region and PUDO point, and a parcel its
 * partner, by foreign keys. Each is checked on every insert with a `FOR KEY SHARE` lock on the
 * referenced row — the same few hot rows for every order of a partner, so concurrent creates
 * turn each lock into a multixact. Measured on the create path: ~8 % of PostgreSQL's CPU per
 * order (pgbench on starmile_create_order), ~6 % more creates per second end to end.
 *
 * What the keys guaranteed still holds, by other means:
 * - the only statement that writes orders (`starmile_create_order`) takes those ids from the
 *   rows it joins as it writes: the publication (partner, warehouse, service), the partner's
 *   region mapping (region) and the PUDO point it checks; the resolver takes regions from the
 *   mappings, whose own keys stay;
 * - nothing may delete a catalogue row or change its id (triggers below), so what an order
 *   references can never go away. No API deletes them: services are unpublished, PUDO points
 *   deactivated, credentials revoked.
 * Foreign keys inside an order (parcels → orders, products → parcels, ...) stay.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

const CATALOGUE = ["partners", "warehouses", "services", "regions", "pudo_points"] as const

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function starmile_catalogue_is_permanent() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.id = old.id then
    return new;
  end if;
  raise exception 'catalogue rows are permanent: % on % is refused', lower(tg_op), tg_table_name
    using errcode = 'restrict_violation';
end
$$;
`)
  for (const table of CATALOGUE) {
    yield* sql.unsafe(`
create trigger ${table}_are_permanent before delete or truncate on ${table}
  for each statement execute function starmile_catalogue_is_permanent();
create trigger ${table}_keep_their_id before update of id on ${table}
  for each row execute function starmile_catalogue_is_permanent();
`)
  }
  yield* sql.unsafe(`
alter table orders
  drop constraint orders_partner_id_fkey,
  drop constraint orders_warehouse_id_fkey,
  drop constraint orders_service_id_fkey,
  drop constraint orders_region_id_fkey,
  drop constraint orders_pudo_id_fkey;
alter table parcels drop constraint parcels_partner_id_fkey;
`)
})
