/**
 * Logs an operator can use: one JSON object per line (or Effect's pretty format on a
 * terminal), with the request id and other annotations of the fiber; database outages
 * summarised once per interval with a count instead of one stack trace per failed request.
 */
import { Effect, Layer, Logger, type LogLevel } from "effect"
import { databaseOutageErrors } from "./Metrics.js"

export type LogFormat = "json" | "pretty"

export const loggerLayer = (format: LogFormat, level: LogLevel.LogLevel) =>
  Layer.merge(
    format === "json" ? Logger.json : Logger.pretty,
    Logger.minimumLogLevel(level)
  )

/** How often an ongoing database outage is logged. */
export const OUTAGE_LOG_INTERVAL_MS = 10_000

/**
 * One process-wide record: an outage is a property of the instance's database, not of a request.
 * `lastAt` also feeds readiness (a recent outage makes /ready answer 503).
 */
const outage = { lastAt: 0, loggedAt: 0, unlogged: 0, lastMessage: "" }

export const lastDatabaseOutageAt = (): number => outage.lastAt

const messageOf = (error: unknown): string => {
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined
  const own = error instanceof Error ? error.message : String(error)
  const inner = cause instanceof Error && cause.message !== "" ? `: ${cause.message}` : ""
  return `${own}${inner}`
}

/**
 * Records a request that failed because the database is unavailable. The first of an interval
 * is logged at once (one line, no stack); the others are counted into the next line.
 */
export const reportDatabaseOutage = (error: unknown): Effect.Effect<void> =>
  Effect.suspend(() => {
    const now = Date.now()
    databaseOutageErrors.unsafeUpdate(1, [])
    outage.lastAt = now
    outage.lastMessage = messageOf(error)
    if (now - outage.loggedAt < OUTAGE_LOG_INTERVAL_MS) {
      outage.unlogged++
      return Effect.void
    }
    const suppressed = outage.unlogged
    outage.loggedAt = now
    outage.unlogged = 0
    return Effect.logError(
      suppressed === 0
        ? `database unavailable: ${outage.lastMessage}`
        : `database unavailable: ${outage.lastMessage} (${suppressed + 1} requests failed since the last report)`
    ).pipe(Effect.annotateLogs({ database_unavailable_count: suppressed + 1 }))
  })
