/**
 * Migrations through the @effect/sql Migrator, from a record (no FileSystem needed).
 * Several instances may start at once. The Migrator serialises runs with a table lock, but
 * creating that table is itself a race (`create table` from two sessions), so the table is
 * created first under a transaction-scoped advisory lock; the Migrator then finds it.
 */
import { Migrator, SqlClient } from "@effect/sql"
import { Effect } from "effect"
import m0001 from "./migrations/0001_schema.js"
import m0002 from "./migrations/0002_create_order_function.js"
import m0003 from "./migrations/0003_create_orders_batch.js"
import m0004 from "./migrations/0004_permanent_catalogue.js"

const MIGRATIONS_TABLE = "effect_sql_migrations"

const migrate = Migrator.make({})({
  loader: Migrator.fromRecord({
    "0001_schema": m0001,
    "0002_create_order_function": m0002,
    "0003_create_orders_batch": m0003,
    "0004_permanent_catalogue": m0004
  }),
  table: MIGRATIONS_TABLE
})

/** Arbitrary constant key for pg_advisory_xact_lock: "starmile migrations". */
const MIGRATION_LOCK_KEY = 741_852_963

/**
 * Applies the migrations (the Migrator's table `effect_sql_migrations`), safe while other
 * instances start; with the client's name transforms switched off. The applied migrations.
 */
export const runMigrations = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  yield* sql.withTransaction(Effect.zipRight(
    sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
    // the same shape the Migrator creates for PostgreSQL
    sql`create table if not exists ${sql(MIGRATIONS_TABLE)} (
          migration_id integer primary key,
          created_at timestamp with time zone not null default now(),
          name text not null)`
  ))
  return yield* Effect.provideService(migrate, SqlClient.SqlClient, sql)
}).pipe(Effect.withSpan("runMigrations"))
