/**
 * The PostgreSQL connection: `DATABASE_URL` when set, otherwise an embedded server whose data
 * lives under STARMILE_DATA_DIR. Migrations run when the layer is built.
 *
 * Every wait on the database is bounded (see the README's "Operating it"): opening a
 * connection, waiting for a pooled one, and each statement (server-side `statement_timeout`,
 * plus a client-side read timeout a little longer, for a network that stalls silently). A
 * bound that is hit is a SqlError without SQLSTATE: the HTTP layer answers it 503.
 */
import { SqlError } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import pg from "pg"
import * as path from "node:path"
import { DatabaseSettings, DatabaseUrl, DataDir } from "../AppConfig.js"
import { startEmbeddedPostgres } from "./EmbeddedPostgres.js"
import { runMigrations } from "./Migrations.js"

/** What the service knows about where its data lives. */
export class DatabaseInfo extends Context.Tag("starmile/DatabaseInfo")<DatabaseInfo, {
  /** True for the embedded server (local, zero-configuration mode: demo seed, banner). */
  readonly embedded: boolean
}>() {}

/** The connection pool's occupancy, for metrics and readiness. */
export interface PoolUsage {
  readonly max: number
  readonly total: number
  readonly idle: number
  readonly waiting: number
}

export class DatabasePool extends Context.Tag("starmile/DatabasePool")<DatabasePool, {
  readonly usage: () => PoolUsage
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

export interface PoolOptions {
  /** Connections this instance may hold (default 10). */
  readonly maxConnections?: number
  /** Opening one connection (TCP + startup), default 3 s. */
  readonly connectTimeout?: Duration.DurationInput
  /** Waiting for a connection, free or new, default 2 s. */
  readonly acquireTimeout?: Duration.DurationInput
  /** PostgreSQL's statement_timeout, default 5 s (the client gives up 1 s later). */
  readonly statementTimeout?: Duration.DurationInput
  /** How long the first connection is retried (with backoff) before the layer fails; default 0. */
  readonly startTimeout?: Duration.DurationInput
}

export const DEFAULT_POOL: Required<Omit<PoolOptions, "startTimeout">> = {
  maxConnections: 10,
  connectTimeout: Duration.seconds(3),
  acquireTimeout: Duration.seconds(2),
  statementTimeout: Duration.seconds(5)
}

/** The client-side read timeout: after the server's own statement_timeout had its chance. */
const CLIENT_READ_GRACE_MS = 1000

const PREPARED_MARK = "/* prepared:"

/**
 * A statement whose text starts with `/* prepared:<name> *\/` is sent as the named prepared
 * statement `<name>`: PostgreSQL parses and plans it once per connection, and each execution
 * only binds the values (measured on the create: about 0.06 ms of PostgreSQL CPU per call).
 * Only for fixed texts (the same name always means the same text); another client (an
 * embedder's PgClient) just sends the comment along. A prepared statement lives as long as its
 * connection: a migration that changes a prepared call's result type must use a new function
 * name, or running instances fail with "cached plan must not change result type".
 */
const preparedName = (text: unknown): string | undefined => {
  if (typeof text !== "string" || !text.startsWith(PREPARED_MARK)) return undefined
  const end = text.indexOf(" */", PREPARED_MARK.length)
  return end === -1 ? undefined : text.slice(PREPARED_MARK.length, end)
}

const makePool = (url: Redacted.Redacted, options: PoolOptions) => {
  const connectMs = Duration.toMillis(options.connectTimeout ?? DEFAULT_POOL.connectTimeout)
  const statementMs = Duration.toMillis(options.statementTimeout ?? DEFAULT_POOL.statementTimeout)
  // pg-pool applies its connectionTimeoutMillis to the whole acquisition (queue wait or a new
  // connection); the client's own one bounds the connection handshake.
  class BoundedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...(config ?? {}), connectionTimeoutMillis: connectMs })
      // after a client-side read timeout the statement is still on the wire: the connection is
      // dropped (the pool replaces it) rather than reused behind it
      ;(this as unknown as { query: (...args: Array<unknown>) => unknown }).query = (...args) => {
        const callback = args[args.length - 1]
        if (typeof callback === "function") {
          args[args.length - 1] = (error: unknown, result: unknown) => {
            if (error instanceof Error && error.message === "Query read timeout") {
              ;(this as unknown as { connection?: { stream?: { destroy: () => void } } }).connection?.stream?.destroy()
            }
            callback(error, result)
          }
        }
        const name = preparedName(args[0])
        if (name !== undefined && Array.isArray(args[1])) args.splice(0, 2, { name, text: args[0], values: args[1] })
        // looked up per call, so whoever wraps pg.Client.prototype.query (tests count statements) still sees it
        return (pg.Client.prototype.query as (...args: Array<unknown>) => unknown).apply(this, args)
      }
    }
  }
  const pool = new pg.Pool({
    connectionString: Redacted.value(url),
    types: pgTypes,
    max: options.maxConnections ?? DEFAULT_POOL.maxConnections,
    connectionTimeoutMillis: Duration.toMillis(options.acquireTimeout ?? DEFAULT_POOL.acquireTimeout),
    statement_timeout: statementMs,
    query_timeout: statementMs + CLIENT_READ_GRACE_MS,
    keepAlive: true,
    application_name: "starmile-hub",
    Client: BoundedClient
  })
  // errors of idle clients (server restart, network) are seen by the next acquisition
  pool.on("error", () => {})
  return pool
}

/** Opens the pool and checks one connection, retrying with backoff for `startTimeout`. */
const acquirePool = (url: Redacted.Redacted, options: PoolOptions) =>
  Effect.acquireRelease(
    Effect.sync(() => makePool(url, options)),
    (pool) => Effect.promise(() => pool.end()).pipe(Effect.interruptible, Effect.timeoutOption(2000))
  ).pipe(
    Effect.tap((pool) => {
      const check = Effect.tryPromise({
        try: () => pool.query("select 1"),
        catch: (cause) => new SqlError.SqlError({ cause, message: "PgClient: Failed to connect" })
      })
      const startTimeout = Duration.decode(options.startTimeout ?? 0)
      if (Duration.toMillis(startTimeout) <= 0) return check
      return check.pipe(
        Effect.tapError((error) =>
          Effect.logWarning(`database not reachable yet (${describeCause(error.cause)}); retrying`)
        ),
        Effect.retry(
          Schedule.exponential("200 millis").pipe(
            Schedule.union(Schedule.spaced("5 seconds")),
            Schedule.upTo(startTimeout)
          )
        )
      )
    })
  )

export const describeCause = (cause: unknown): string =>
  cause instanceof AggregateError && cause.errors.length > 0
    ? describeCause(cause.errors[0])
    : cause instanceof Error
    ? cause.message || cause.name
    : String(cause)

/** PgClient over a URL, with the service's type parsers and bounded waits. */
export const pgClientLayer = (url: Redacted.Redacted, options: PoolOptions = {}) =>
  Layer.unwrapScoped(
    Effect.map(acquirePool(url, options), (pool) => {
      const max = options.maxConnections ?? DEFAULT_POOL.maxConnections
      const usage = (): PoolUsage => ({ max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })
      return Layer.merge(
        PgClient.layerFromPool({ acquire: Effect.succeed(pool), types: pgTypes, applicationName: "starmile-hub" }),
        Layer.succeed(DatabasePool, { usage })
      )
    })
  )

/** SqlClient + PgClient + DatabaseInfo + DatabasePool, migrated. */
export const DatabaseLive = Layer.unwrapScoped(
  Effect.gen(function* () {
    const settings = yield* DatabaseSettings
    const configured = yield* DatabaseUrl
    if (Option.isSome(configured)) {
      return Layer.merge(pgClientLayer(configured.value, settings), Layer.succeed(DatabaseInfo, { embedded: false }))
    }
    const dataDir = yield* DataDir
    const server = yield* startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), persistent: true })
    yield* Effect.logInfo(`embedded PostgreSQL on 127.0.0.1:${server.port} (data in ${server.dataDir})`)
    return Layer.merge(pgClientLayer(server.url, settings), Layer.succeed(DatabaseInfo, { embedded: true }))
  })
).pipe(Layer.tap((context) => runMigrations.pipe(Effect.provide(context))))
