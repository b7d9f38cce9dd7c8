/**
 * A fresh, migrated database per test file (or per layer build), on the run's server.
 * Dropped when the layer's scope closes.
 */
import { Effect, Layer, Redacted } from "effect"
import * as crypto from "node:crypto"
import pg from "pg"
import { inject } from "vitest"
import { pgClientLayer } from "../../src/persistence/Database.js"
import { runMigrations } from "../../src/persistence/Migrations.js"

export const adminDatabaseUrl = (): string => inject("adminDatabaseUrl")

export const databaseUrlFor = (name: string): string => {
  const url = new URL(adminDatabaseUrl())
  url.pathname = `/${name}`
  return url.toString()
}

const admin = <A>(run: (client: pg.Client) => Promise<A>) =>
  Effect.promise(async () => {
    const client = new pg.Client({ connectionString: adminDatabaseUrl() })
    await client.connect()
    try {
      return await run(client)
    } finally {
      await client.end()
    }
  })

/** One statement on the server's admin database (create/drop, allow_connections, ...). */
export const adminStatement = (statement: string) => admin((c) => c.query(statement)).pipe(Effect.asVoid)

/** Creates an empty database and drops it with the scope. */
export const scopedDatabase = Effect.acquireRelease(
  Effect.suspend(() => {
    const name = `starmile_test_${crypto.randomBytes(6).toString("hex")}`
    return admin((c) => c.query(`create database ${name}`)).pipe(Effect.as(name))
  }),
  (name) => admin((c) => c.query(`drop database if exists ${name} with (force)`))
)

/** A fresh migrated database: SqlClient + PgClient. */
export const TestDatabaseLive = (options: { readonly maxConnections?: number } = {}) =>
  Layer.unwrapScoped(
    Effect.map(scopedDatabase, (name) => pgClientLayer(Redacted.make(databaseUrlFor(name)), options))
  ).pipe(Layer.tap((context) => runMigrations.pipe(Effect.provide(context), Effect.orDie)))
