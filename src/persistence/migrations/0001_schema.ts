/**
 * The whole data model of the contract. The database enforces what must never break:
 * per-partner unique references, one invoice line per parcel and rate, enum and range checks,
 * forward-only parcel moves (trigger), sequences for tracking serials.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`
create function starmile_is_snake_steps(steps text[]) returns boolean
  language sql immutable strict as $$
    select coalesce(bool_and(s ~ '^[a-z][a-z0-9_]{0,63}$'), false)
           and count(distinct s) = count(*)
    from unnest(steps) as s
  $$;

create table warehouses (
  id          bigint generated always as identity primary key,
  code        text not null unique check (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name        text not null check (length(name) between 1 and 255),
  country     text not null check (country ~ '^[A-Z]{2}$'),
  created_at  timestamptz not null default now()
);

create table partners (
  id          bigint generated always as identity primary key,
  name        text not null check (length(name) between 1 and 255),
  created_at  timestamptz not null default now()
);

create table credentials (
  id            bigint generated always as identity primary key,
  client_id     text not null unique,
  secret_hash   text not null,
  partner_id    bigint not null references partners,
  warehouse_id  bigint not null references warehouses,
  scopes        text[] not null check (
                  cardinality(scopes) >= 1 and scopes <@ array['orders:create','orders:read','orders:update',
                  'orders:cancel','services:read','statuses:read','invoices:read']),
  created_at    timestamptz not null default now(),
  revoked_at    timestamptz
);

create table access_tokens (
  token_hash     text primary key,
  credential_id  bigint not null references credentials on delete cascade,
  scopes         text[] not null,
  expires_at     timestamptz not null,
  created_at     timestamptz not null default now()
);
-- a token request purges its credential's expired tokens; revoke deletes a credential's tokens
create index access_tokens_by_credential on access_tokens (credential_id, expires_at);

create table flows (
  id          bigint generated always as identity primary key,
  name        text not null check (length(name) between 1 and 255),
  steps       text[] not null check (cardinality(steps) >= 2 and starmile_is_snake_steps(steps)
                                     and not ('cancelled' = any(steps))),
  created_at  timestamptz not null default now()
);

create table regions (
  id            bigint generated always as identity primary key,
  name          text not null check (length(name) between 1 and 255),
  country       text not null check (country ~ '^[A-Z]{2}$'),
  parent_id     bigint references regions,
  pricing_tier  text not null check (length(pricing_tier) between 1 and 64),
  created_at    timestamptz not null default now()
);

create table region_mappings (
  partner_id     bigint not null references partners,
  parent_region  text not null check (length(parent_region) between 1 and 255),
  region         text not null check (length(region) between 1 and 255),
  region_id      bigint not null references regions,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (partner_id, parent_region, region)
);

create table pudo_points (
  id          bigint generated always as identity primary key,
  name        text not null check (length(name) between 1 and 255),
  kind        text not null check (kind in ('pudo', 'locker')),
  country     text not null check (country ~ '^[A-Z]{2}$'),
  address     text check (length(address) <= 1000),
  active      boolean not null default true,
  created_at  timestamptz not null default now()
);
create index pudo_points_lookup on pudo_points (country, kind) where active;

create table services (
  id                     bigint generated always as identity primary key,
  name                   text not null check (length(name) between 1 and 255),
  type                   text not null check (type in ('home_delivery','pudo_delivery','clearance','cross_docking')),
  channel                text check (channel in ('home','pudo','locker')),
  origin_country         text not null check (origin_country ~ '^[A-Z]{2}$'),
  destination_country    text not null check (destination_country ~ '^[A-Z]{2}$'),
  flow_id                bigint not null references flows,
  consolidation_enabled  boolean not null default false,
  created_at             timestamptz not null default now(),
  check (   (type = 'home_delivery' and channel = 'home')
         or (type = 'pudo_delivery' and channel in ('pudo','locker'))
         or (type in ('clearance','cross_docking') and channel is null))
);

create table publications (
  service_id    bigint not null references services,
  partner_id    bigint not null references partners,
  warehouse_id  bigint not null references warehouses,
  created_at    timestamptz not null default now(),
  primary key (service_id, partner_id, warehouse_id)
);
create index publications_by_partner on publications (partner_id, warehouse_id);

create table rates (
  id              bigint generated always as identity primary key,
  service_id      bigint not null references services,
  partner_id      bigint references partners,
  pricing_tier    text check (length(pricing_tier) between 1 and 64),
  currency        text not null check (currency ~ '^[A-Z]{3}$'),
  amount          numeric(14,2) not null check (amount >= 0),
  per_kg_amount   numeric(14,2) check (per_kg_amount >= 0),
  bill_on_status  text not null,
  created_at      timestamptz not null default now(),
  -- one rate per (service, partner or default, tier or any): "the most specific" is unambiguous
  unique nulls not distinct (service_id, partner_id, pricing_tier)
);

create sequence order_tracking_serial maxvalue 99999999 no cycle;
create sequence parcel_tracking_serial maxvalue 99999999 no cycle;

create table orders (
  id                      bigint generated always as identity primary key,
  tracking                text not null unique,
  partner_id              bigint not null references partners,
  warehouse_id            bigint not null references warehouses,
  service_id              bigint not null references services,
  partner_order_id        text not null check (length(partner_order_id) between 1 and 255),
  destination_type        text not null check (destination_type in ('home_delivery','pudo_delivery','clearance','cross_docking')),
  region_status           text not null check (region_status in ('mapped','pending_mapping','not_applicable')),
  parent_region           text check (length(parent_region) <= 255),
  region                  text check (length(region) <= 255),
  region_id               bigint references regions,
  pricing_tier            text,
  pudo_id                 bigint references pudo_points,
  gov_id                  text check (length(gov_id) <= 255),
  customer_name           text check (length(customer_name) <= 255),
  customer_phone          text check (length(customer_phone) <= 64),
  customer_email          text check (length(customer_email) <= 254),
  address_first           text check (length(address_first) <= 255),
  address_second          text check (length(address_second) <= 255),
  zip                     text check (length(zip) <= 32),
  notes                   text check (length(notes) <= 1000),
  shipping_cost           numeric(12,2) check (shipping_cost > 0 and shipping_cost <= 1000000),
  consolidation_required  boolean not null default false,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  cancelled_at            timestamptz,
  cancel_reason           text check (length(cancel_reason) <= 1000),
  constraint orders_partner_order_id_unique unique (partner_id, partner_order_id),
  check ((region_status = 'mapped') = (region_id is not null and pricing_tier is not null)),
  check (region_status <> 'pending_mapping' or (parent_region is not null and region is not null)),
  check ((destination_type = 'home_delivery') = (region_status <> 'not_applicable')),
  check ((destination_type = 'pudo_delivery') = (pudo_id is not null))
);
create index orders_newest_first on orders (partner_id, id desc);
-- the resolver probes this per mapped key; cancelled orders never wait
create index orders_pending_mapping on orders (partner_id, parent_region, region, id)
  where region_status = 'pending_mapping' and cancelled_at is null;

create table parcels (
  id                      bigint generated always as identity primary key,
  order_id                bigint not null references orders on delete cascade,
  partner_id              bigint not null references partners,
  position                integer not null check (position >= 0),
  tracking                text not null unique,
  item_id                 text check (length(item_id) between 1 and 255),
  merchant_tracking       text not null check (length(merchant_tracking) between 1 and 255),
  status                  text not null,
  step_index              integer not null default 0 check (step_index >= 0),
  package_type            text check (package_type in ('fragile','breakable','liquid')),
  weight_grams            integer check (weight_grams between 0 and 1000000),
  length_mm               integer check (length_mm between 0 and 1000000),
  width_mm                integer check (width_mm between 0 and 1000000),
  height_mm               integer check (height_mm between 0 and 1000000),
  measured_weight_grams   integer check (measured_weight_grams between 0 and 1000000),
  measured_length_mm      integer check (measured_length_mm between 0 and 1000000),
  measured_width_mm       integer check (measured_width_mm between 0 and 1000000),
  measured_height_mm      integer check (measured_height_mm between 0 and 1000000),
  measured_at             timestamptz,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  constraint parcels_item_id_unique unique (partner_id, item_id),
  constraint parcels_merchant_tracking_unique unique (partner_id, merchant_tracking),
  unique (order_id, position)
);
create index parcels_by_merchant_tracking on parcels (merchant_tracking);

-- Forward-only moves: a parcel never goes back in its flow, and a cancelled parcel never moves.
create function starmile_parcels_forward_only() returns trigger language plpgsql as $$
begin
  if old.status = 'cancelled' and new.status <> 'cancelled' then
    raise exception 'parcel % is cancelled', old.tracking using errcode = 'P0001', constraint = 'parcels_cancelled_stay';
  end if;
  if new.step_index < old.step_index then
    raise exception 'parcel % cannot move backwards', old.tracking using errcode = 'P0001', constraint = 'parcels_forward_only';
  end if;
  return new;
end $$;
create trigger parcels_forward_only before update of status, step_index on parcels
  for each row execute function starmile_parcels_forward_only();

create table products (
  id              bigint generated always as identity primary key,
  parcel_id       bigint not null references parcels on delete cascade,
  position        integer not null check (position >= 0),
  name            text not null check (length(name) between 1 and 255),
  hs_code         text check (length(hs_code) <= 32),
  declared_value  numeric(14,2) check (declared_value between 0 and 1000000000),
  currency        text check (currency ~ '^[A-Z]{3}$'),
  quantity        integer not null default 1 check (quantity between 1 and 1000000),
  weight_grams    integer check (weight_grams between 0 and 1000000),
  unique (parcel_id, position)
);

create table status_events (
  id               bigint generated always as identity primary key,
  partner_id       bigint not null references partners,
  order_id         bigint not null references orders on delete cascade,
  parcel_id        bigint not null references parcels on delete cascade,
  status           text not null,
  previous_status  text,
  occurred_at      timestamptz not null default now(),
  acknowledged_at  timestamptz
);
create index status_pool_unacknowledged on status_events (partner_id, id) where acknowledged_at is null;

create table invoice_lines (
  id            bigint generated always as identity primary key,
  partner_id    bigint not null references partners,
  order_id      bigint not null references orders on delete cascade,
  parcel_id     bigint not null references parcels on delete cascade,
  rate_id       bigint not null references rates,
  status        text not null,
  currency      text not null check (currency ~ '^[A-Z]{3}$'),
  -- up to 1e9 + 1e9 × 1000 kg: the largest line a rate and a parcel weight allow
  amount        numeric(16,2) not null check (amount >= 0),
  weight_grams  integer not null check (weight_grams >= 0),
  created_at    timestamptz not null default now(),
  constraint invoice_lines_parcel_rate_unique unique (parcel_id, rate_id)
);
create index invoice_lines_by_partner on invoice_lines (partner_id, id desc);

create table job_runs (
  id             bigint generated always as identity primary key,
  job            text not null,
  instance_id    text not null,
  trigger        text not null check (trigger in ('schedule','http','cli')),
  started_at     timestamptz not null default now(),
  finished_at    timestamptz,
  outcome        text check (outcome in ('succeeded','failed')),
  resolved       integer check (resolved >= 0),
  error          text
);
create index job_runs_latest on job_runs (job, id desc);
create index job_runs_latest_by_trigger on job_runs (job, trigger, id desc);
`)
})
