/**
 * Invalidation of the in-memory caches across instances, over PostgreSQL `LISTEN/NOTIFY`.
 *
 * Every instance keeps one dedicated connection listening on `starmile_cache`. A change that a
 * cache depends on sends `pg_notify('starmile_cache', <topic>)` in the statement that makes it,
 * so the notification is delivered exactly when the change commits; the instance that made the
 * change also drops its own entries before it answers. Consistency rules:
 * - caches serve entries only while the listener is confirmed live (connected, LISTEN done,
 *   heartbeat answered within a second): a lost connection can lose notifications, so while
 *   it is down every look-up goes to the database, and on reconnect every cache starts empty;
 * - with a SqlClient that is not a PgClient (an embedder's), the listener never goes live and
 *   the caches simply stay off.
 */
import { PgClient } from "@effect/sql-pg"
import { Duration, Effect, Option, Redacted, Schedule } from "effect"
import pg from "pg"

export const CACHE_CHANNEL = "starmile_cache"

/** Topics: a credential was revoked (its tokens die), or the catalogue a create reads changed. */
export const credentialTopic = (credentialId: number) => `credential:${credentialId}`
export const CATALOGUE_TOPIC = "catalogue"

const HEARTBEAT = Duration.millis(500)
const HEARTBEAT_TIMEOUT = Duration.seconds(1)

type Handler = (topic: string) => void

export class CacheInvalidation extends Effect.Service<CacheInvalidation>()("starmile/CacheInvalidation", {
  scoped: Effect.gen(function* () {
    const handlers = new Set<Handler>()
    const resets = new Set<() => void>()
    let live = false

    const goDown = () => {
      if (!live) return
      live = false
      for (const reset of resets) reset()
    }
    const deliver = (topic: string) => {
      for (const handler of handlers) handler(topic)
    }

    const client = yield* Effect.serviceOption(PgClient.PgClient)
    if (Option.isSome(client)) {
      const config = client.value.config
      const connectionConfig: pg.ClientConfig = {
        ...(config.url !== undefined ? { connectionString: Redacted.value(config.url) } : {}),
        ...(config.host !== undefined ? { host: config.host } : {}),
        ...(config.port !== undefined ? { port: config.port } : {}),
        ...(config.database !== undefined ? { database: config.database } : {}),
        ...(config.username !== undefined ? { user: config.username } : {}),
        ...(config.password !== undefined ? { password: Redacted.value(config.password) } : {}),
        ...(config.ssl !== undefined ? { ssl: config.ssl } : {}),
        application_name: "starmile-hub cache listener",
        connectionTimeoutMillis: 5_000
      }

      /** One listening session: resolves when the connection is lost (then the loop reconnects). */
      const session = Effect.acquireUseRelease(
        Effect.tryPromise(async () => {
          const listener = new pg.Client(connectionConfig)
          listener.on("error", () => {}) // reported through `ended` below
          await listener.connect()
          return listener
        }),
        (listener) =>
          Effect.async<void, Error>((resume) => {
            const lost = (cause: unknown) => resume(Effect.fail(cause instanceof Error ? cause : new Error(String(cause))))
            listener.on("notification", (message) => {
              if (message.channel === CACHE_CHANNEL && message.payload !== undefined) deliver(message.payload)
            })
            listener.once("error", lost)
            listener.once("end", () => lost(new Error("listener connection ended")))
            listener.query(`LISTEN ${CACHE_CHANNEL}`).then(
              () => {
                // entries cached before this point may have missed notifications
                for (const reset of resets) reset()
                live = true
              },
              lost
            )
          }).pipe(
            Effect.raceFirst(
              // a frozen server answers nothing: without a heartbeat the caches would go stale silently
              Effect.tryPromise(() => listener.query("select 1")).pipe(
                Effect.timeoutFail({ duration: HEARTBEAT_TIMEOUT, onTimeout: () => new Error("heartbeat timed out") }),
                Effect.zipRight(Effect.sleep(HEARTBEAT)),
                Effect.forever
              )
            )
          ),
        (listener) =>
          Effect.sync(goDown).pipe(
            Effect.zipRight(Effect.promise(() => listener.end().catch(() => undefined))),
            Effect.timeoutOption(1_000)
          )
      )

      yield* session.pipe(
        Effect.retry(Schedule.exponential("100 millis").pipe(Schedule.union(Schedule.spaced("5 seconds")))),
        Effect.catchAllCause(() => Effect.void),
        Effect.forever,
        Effect.forkScoped
      )
    }

    return {
      /** True while notifications are known to arrive: only then may a cache answer. */
      isLive: (): boolean => live,
      /** `handler` sees every topic notified by any instance (this one included). */
      onTopic: (handler: Handler): void => void handlers.add(handler),
      /** `reset` runs whenever notifications may have been missed: the cache must empty itself. */
      onReset: (reset: () => void): void => void resets.add(reset),
      /** Drops this instance's entries for `topic` at once (before the change is answered). */
      invalidateLocally: (topic: string): void => deliver(topic)
    }
  })
}) {}

/**
 * A bounded map that answers only while invalidation is live. Oldest entries are evicted
 * first when full; `isFresh` lets an entry expire on its own (a token past its expiry).
 * A value read from the database is stored with the generation taken before the read, and
 * dropped when an invalidation happened meanwhile: a revoke racing a look-up never leaves the
 * pre-revoke row cached.
 */
export const makeLiveCache = <K, V>(
  invalidation: CacheInvalidation,
  options: { readonly maxEntries: number; readonly isFresh?: (value: V) => boolean }
) => {
  const entries = new Map<K, V>()
  let generation = 0
  const clear = () => {
    entries.clear()
    generation++
  }
  invalidation.onReset(clear)
  return {
    /** Take before reading the database; pass to `set`. */
    generation: (): number => generation,
    get: (key: K): V | undefined => {
      if (!invalidation.isLive()) return undefined
      const value = entries.get(key)
      if (value === undefined) return undefined
      if (options.isFresh !== undefined && !options.isFresh(value)) {
        entries.delete(key)
        return undefined
      }
      return value
    },
    set: (key: K, value: V, readAt: number): void => {
      if (!invalidation.isLive() || readAt !== generation) return
      if (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next()
        if (oldest.done !== true) entries.delete(oldest.value)
      }
      entries.set(key, value)
    },
    deleteWhere: (predicate: (value: V, key: K) => boolean): void => {
      generation++
      for (const [key, value] of entries) if (predicate(value, key)) entries.delete(key)
    },
    clear,
    get size(): number {
      return entries.size
    }
  }
}
