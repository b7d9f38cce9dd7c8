/**
 * Creates written together: `starmile_create_orders(jsonb)` takes an array of orders (each
 * with the arguments of `starmile_create_order`) and creates each one in its own
 * subtransaction, so one order's refusal (a duplicate reference, ...) leaves the others
 * created. One row per order, in order: what `starmile_create_order` answered, or the error
 * that refused it (SQLSTATE, constraint, detail, message). Measured with pgbench on this
 * schema: 8 orders per call write ~35 % more orders per second than 8 calls of the single
 * function, 16 per call ~45 % (OrdersRepo batches what arrives together; README "The create path").
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function starmile_create_orders(p_orders jsonb)
returns table (published boolean, pudo_fits boolean, pudo json, order_id bigint, region_status text,
               failed_sqlstate text, failed_constraint text, failed_detail text, failed_message text)
language plpgsql as $$
declare
  o jsonb;
  created record;
begin
  for o in select value from jsonb_array_elements(p_orders) loop
    begin
      select * into created from starmile_create_order(
        o->>'tracking', (o->>'partner_id')::bigint, (o->>'warehouse_id')::bigint, (o->>'service_id')::bigint,
        o->>'channel', o->>'destination_country', o->>'first_step', o->>'partner_order_id', o->>'destination_type',
        o->>'parent_region', o->>'region', (o->>'pudo_id')::bigint, o->>'gov_id', o->>'customer_name',
        o->>'customer_phone', o->>'customer_email', o->>'address_first', o->>'address_second', o->>'zip',
        o->>'notes', (o->>'shipping_cost')::numeric, (o->>'consolidation_required')::boolean, o->'parcels');
      published := created.published;
      pudo_fits := created.pudo_fits;
      pudo := created.pudo;
      order_id := created.order_id;
      region_status := created.region_status;
      failed_sqlstate := null;
      failed_constraint := null;
      failed_detail := null;
      failed_message := null;
    exception when others then
      get stacked diagnostics failed_sqlstate = returned_sqlstate, failed_constraint = constraint_name,
                              failed_detail = pg_exception_detail, failed_message = message_text;
      published := null;
      pudo_fits := null;
      pudo := null;
      order_id := null;
      region_status := null;
    end;
    return next;
  end loop;
end
$$;
`)
})
