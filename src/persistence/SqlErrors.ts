/**
 * Turning database constraint violations into domain errors. The database decides uniqueness
 * and references (check-then-insert is a race); this maps the constraint it names to the
 * domain error the caller should see. Anything else from the database is an infrastructure
 * failure: a defect, answered 503/500 by the HTTP layer, never a typed domain error.
 */
import { SqlClient, SqlError } from "@effect/sql"
import { Effect, Layer } from "effect"
import { Transaction } from "../domain/repositories/Transaction.js"

export interface PgErrorInfo {
  readonly code: string
  readonly constraint: string | undefined
  readonly detail: string | undefined
}

export const pgErrorInfo = (error: unknown): PgErrorInfo | undefined => {
  const cause = error instanceof SqlError.SqlError ? error.cause : error
  if (typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string") {
    const c = cause as { code: string; constraint?: unknown; detail?: unknown }
    return {
      code: c.code,
      constraint: typeof c.constraint === "string" ? c.constraint : undefined,
      detail: typeof c.detail === "string" ? c.detail : undefined
    }
  }
  return undefined
}

export const UNIQUE_VIOLATION = "23505"
export const RAISED_EXCEPTION = "P0001"

/**
 * Maps a SqlError by constraint name; unmapped SqlErrors become defects.
 * `handlers` returns the domain error for a violated constraint, or undefined to keep looking.
 */
export const mapConstraintErrors = <E>(handler: (info: PgErrorInfo) => E | undefined) =>
<A, E0, R>(effect: Effect.Effect<A, E0 | SqlError.SqlError, R>): Effect.Effect<A, Exclude<E0, SqlError.SqlError> | E, R> =>
  Effect.catchIf(
    effect,
    (e): e is SqlError.SqlError => e instanceof SqlError.SqlError,
    (e) => {
      const info = pgErrorInfo(e)
      const mapped = info === undefined ? undefined : handler(info)
      return mapped === undefined ? Effect.die(e) : Effect.fail(mapped)
    }
  ) as Effect.Effect<A, Exclude<E0, SqlError.SqlError> | E, R>

/** Infrastructure failures (connection lost, ...) are defects; the HTTP layer answers them. */
export const dieOnSqlError = <A, E, R>(effect: Effect.Effect<A, E | SqlError.SqlError, R>) =>
  Effect.catchIf(effect, (e): e is SqlError.SqlError => e instanceof SqlError.SqlError, Effect.die) as Effect.Effect<
    A,
    Exclude<E, SqlError.SqlError>,
    R
  >

/** The one transaction helper: `effect` in a transaction (a savepoint inside one); SQL failures are defects. */
export const withTransaction = <A, E, R>(sql: SqlClient.SqlClient, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  dieOnSqlError(sql.withTransaction(effect)) as Effect.Effect<A, E, R>

/** domain/repositories/Transaction.ts over the SqlClient. */
export const TransactionLive = Layer.effect(
  Transaction,
  Effect.map(SqlClient.SqlClient, (sql) => Transaction.of({ run: (effect) => withTransaction(sql, effect) }))
)
