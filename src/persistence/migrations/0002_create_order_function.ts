/**
 * Order creation as one PL/pgSQL function, so its statement is planned once per connection
 * (PL/pgSQL caches the plan; @effect/sql-pg cannot name prepared statements) and a create sends
 * a short call instead of the whole statement. One call is one statement: atomic without
 * BEGIN/COMMIT. At the moment it writes it re-checks the publication and the PUDO point, reads
 * the partner's region mapping, and raises the invoice lines of a rate that bills on the flow's
 * first step (the rate choice of InvoicesRepo.raiseDue, repeated here: migrations are
 * history and must not change with the code).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function starmile_create_order(
  p_tracking text, p_partner_id bigint, p_warehouse_id bigint, p_service_id bigint, p_channel text,
  p_destination_country text, p_first_step text, p_partner_order_id text, p_destination_type text,
  p_parent_region text, p_region text, p_pudo_id bigint, p_gov_id text, p_customer_name text,
  p_customer_phone text, p_customer_email text, p_address_first text, p_address_second text, p_zip text,
  p_notes text, p_shipping_cost numeric, p_consolidation_required boolean, p_parcels jsonb)
returns table (published boolean, pudo_fits boolean, pudo json, order_id bigint, region_status text)
language plpgsql as $$
#variable_conflict use_column
begin
  return query
  with context as (
    select exists (select 1 from publications pb
                    where pb.service_id = p_service_id and pb.partner_id = p_partner_id
                      and pb.warehouse_id = p_warehouse_id) as published,
           (select json_build_object('id', pp.id, 'kind', pp.kind, 'country', pp.country, 'active', pp.active)
              from pudo_points pp where pp.id = p_pudo_id) as pudo,
           (p_pudo_id is null or exists (
              select 1 from pudo_points pp
               where pp.id = p_pudo_id and pp.active and pp.kind = p_channel
                 and pp.country = p_destination_country)) as pudo_fits,
           m.region_id, r.pricing_tier
      from (select 1) one
      left join region_mappings m
        on p_destination_type = 'home_delivery' and m.partner_id = p_partner_id
       and m.parent_region = p_parent_region and m.region = p_region
      left join regions r on r.id = m.region_id
  ),
  input as (
    select * from jsonb_to_recordset(p_parcels) as i(
      position int, tracking text, item_id text, merchant_tracking text, package_type text,
      weight_grams int, length_mm int, width_mm int, height_mm int, products jsonb)
  ),
  new_order as (
    insert into orders (tracking, partner_id, warehouse_id, service_id, partner_order_id, destination_type,
                        region_status, parent_region, region, region_id, pricing_tier, pudo_id, gov_id,
                        customer_name, customer_phone, customer_email, address_first, address_second, zip,
                        notes, shipping_cost, consolidation_required)
    select p_tracking, p_partner_id, p_warehouse_id, p_service_id, p_partner_order_id, p_destination_type,
           case when p_destination_type <> 'home_delivery' then 'not_applicable'
                when c.region_id is null then 'pending_mapping' else 'mapped' end,
           p_parent_region, p_region, c.region_id, c.pricing_tier, p_pudo_id, p_gov_id, p_customer_name,
           p_customer_phone, p_customer_email, p_address_first, p_address_second, p_zip, p_notes,
           p_shipping_cost, p_consolidation_required
      from context c
     where c.published and c.pudo_fits
    returning id, partner_id, service_id, region_status, pricing_tier
  ),
  new_parcels as (
    insert into parcels (order_id, partner_id, position, tracking, item_id, merchant_tracking, status,
                         package_type, weight_grams, length_mm, width_mm, height_mm)
    select o.id, o.partner_id, i.position, i.tracking, i.item_id, i.merchant_tracking, p_first_step,
           i.package_type, i.weight_grams, i.length_mm, i.width_mm, i.height_mm
      from new_order o cross join input i
    returning id, order_id, partner_id, position, weight_grams
  ),
  new_products as (
    insert into products (parcel_id, position, name, hs_code, declared_value, currency, quantity, weight_grams)
    select np.id, (pr.ord - 1)::int, pr.v->>'name', pr.v->>'hs_code', (pr.v->>'declared_value')::numeric,
           pr.v->>'currency', coalesce((pr.v->>'quantity')::int, 1), (pr.v->>'weight_grams')::int
      from new_parcels np
      join input i on i.position = np.position
      cross join lateral jsonb_array_elements(i.products) with ordinality as pr(v, ord)
    returning 1
  ),
  first_step_lines as (
    insert into invoice_lines (partner_id, order_id, parcel_id, rate_id, status, currency, amount, weight_grams)
    select np.partner_id, np.order_id, np.id, r.id, 'open', r.currency,
           r.amount + coalesce(r.per_kg_amount, 0) * ceil(coalesce(np.weight_grams, 0) / 1000.0),
           coalesce(np.weight_grams, 0)
      from new_order o
      join lateral (
        select r.id, r.currency, r.amount, r.per_kg_amount, r.bill_on_status
          from rates r
         where r.service_id = o.service_id
           and (r.partner_id = o.partner_id or r.partner_id is null)
           and (r.pricing_tier = o.pricing_tier or r.pricing_tier is null)
         order by r.partner_id is null, r.pricing_tier is null
         limit 1) r on r.bill_on_status = p_first_step
      join new_parcels np on np.order_id = o.id
     where o.region_status <> 'pending_mapping'
    returning 1
  )
  select c.published, c.pudo_fits, c.pudo, o.id, o.region_status
    from context c left join new_order o on true;
end
$$;
`)
})
