import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Redacted } from "effect"
import { pgClientLayer } from "../src/persistence/Database.js"
import { runMigrations } from "../src/persistence/Migrations.js"
import { databaseUrlFor, scopedDatabase } from "./support/TestDatabase.js"

/** Two independent clients (separate pools, like two instances) on one fresh database. */
const twoInstances = Effect.gen(function* () {
  const name = yield* scopedDatabase
  const url = Redacted.make(databaseUrlFor(name))
  const a = yield* Layer.build(pgClientLayer(url, { maxConnections: 2 }))
  const b = yield* Layer.build(pgClientLayer(url, { maxConnections: 2 }))
  return { a, b }
})

const appliedMigrations = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ migration_id: number; name: string }>`select migration_id, name from effect_sql_migrations order by migration_id`)

describe("migrations", () => {
  it.scoped("applying twice is harmless", () =>
    Effect.gen(function* () {
      const { a } = yield* twoInstances
      const first = yield* runMigrations.pipe(Effect.provide(a))
      const second = yield* runMigrations.pipe(Effect.provide(a))
      expect(first.length).toBeGreaterThan(0)
      expect(second).toEqual([])
      const applied = yield* appliedMigrations.pipe(Effect.provide(a))
      expect(applied.map((m) => m.migration_id)).toEqual(first.map(([id]) => id))
    }))

  it.scoped("two instances migrating an empty database at once both succeed, applying each migration once", () =>
    Effect.gen(function* () {
      const { a, b } = yield* twoInstances
      const [ranA, ranB] = yield* Effect.all(
        [runMigrations.pipe(Effect.provide(a)), runMigrations.pipe(Effect.provide(b))],
        { concurrency: 2 }
      )
      // exactly one of them did the work
      expect([ranA.length === 0, ranB.length === 0].sort()).toEqual([false, true])
      const applied = yield* appliedMigrations.pipe(Effect.provide(b))
      expect(applied.length).toBe(Math.max(ranA.length, ranB.length))
      const tables = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ n: number }>`select count(*) as n from information_schema.tables
                            where table_schema = 'public' and table_name in ('orders', 'parcels', 'invoice_lines', 'job_runs')`).pipe(
        Effect.provide(a)
      )
      expect(tables[0]!.n).toBe(4)
      // money is stored exactly, never in a float column
      const money = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ column: string; type: string }>`
          select table_name || '.' || column_name as column, data_type as type from information_schema.columns
           where table_schema = 'public'
             and column_name in ('amount', 'per_kg_amount', 'shipping_cost', 'declared_value')
           order by 1`).pipe(Effect.provide(a))
      expect(money).toEqual([
        { column: "invoice_lines.amount", type: "numeric" },
        { column: "orders.shipping_cost", type: "numeric" },
        { column: "products.declared_value", type: "numeric" },
        { column: "rates.amount", type: "numeric" },
        { column: "rates.per_kg_amount", type: "numeric" }
      ])
    }))

  it.scoped("catalogue rows are permanent: delete, truncate and a changed id are refused, other updates pass", () =>
    Effect.gen(function* () {
      const { a } = yield* twoInstances
      yield* runMigrations.pipe(Effect.provide(a))
      const sql = yield* Effect.provide(SqlClient.SqlClient, a)
      yield* sql`insert into partners (name) values ('Permanent')`
      yield* sql`insert into warehouses (code, name, country) values ('PERM', 'Hub', 'AZ')`
      const refused = (statement: Effect.Effect<unknown, unknown>) =>
        Effect.map(Effect.flip(statement), (error) => String((error as { cause?: { message?: string } }).cause?.message))
      for (const table of ["partners", "warehouses", "services", "regions", "pudo_points"]) {
        expect(yield* refused(sql`delete from ${sql(table)}`)).toMatch(`catalogue rows are permanent: delete on ${table}`)
        expect(yield* refused(sql`truncate ${sql(table)} cascade`)).toMatch(`catalogue rows are permanent: truncate on ${table}`)
      }
      // ids are identity columns: PostgreSQL refuses any value but DEFAULT, and the trigger refuses DEFAULT
      expect(yield* refused(sql`update partners set id = default`)).toMatch("catalogue rows are permanent: update on partners")
      yield* sql`update partners set name = 'Renamed'`
      const names = yield* sql<{ name: string }>`select name from partners`
      expect(names.map((r) => r.name)).toEqual(["Renamed"])
    }))
})
