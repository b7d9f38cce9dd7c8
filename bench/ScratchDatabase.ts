/**
 * A scratch database for a benchmark run: created on DATABASE_URL's server, or on an embedded
 * server in a temporary directory, and dropped (server stopped, directory removed) when the
 * scope closes.
 */
import { Effect, Redacted } from "effect"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"
import { startEmbeddedPostgres } from "../src/persistence/EmbeddedPostgres.js"

const adminUrl = Effect.gen(function* () {
  const configured = process.env["DATABASE_URL"]
  if (configured) return configured
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "starmile-bench-pg-"))
  fs.rmdirSync(dir) // initdb creates it
  yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
  const server = yield* startEmbeddedPostgres({ dataDir: dir, persistent: false })
  return Redacted.value(server.url)
})

const adminQuery = (url: string, statement: string) =>
  Effect.promise(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  })

/** The URL of a fresh, empty database that lives as long as the scope. */
export const scratchDatabaseUrl = Effect.gen(function* () {
  const admin = yield* adminUrl
  const name = `starmile_bench_${crypto.randomBytes(4).toString("hex")}`
  yield* Effect.acquireRelease(adminQuery(admin, `create database ${name}`), () =>
    adminQuery(admin, `drop database if exists ${name} with (force)`))
  const url = new URL(admin)
  url.pathname = `/${name}`
  return Redacted.make(url.toString())
})

export const databaseKind = process.env["DATABASE_URL"] ? "DATABASE_URL server" : "embedded PostgreSQL"
