/**
 * The one transaction helper of the domain: `run(effect)` runs `effect` in a database
 * transaction (a savepoint when already inside one), rolled back on any failure. Persistence
 * implements it; an infrastructure failure of the database is a defect, never a typed error.
 */
import { Context, type Effect } from "effect"

/** Runs an effect in one database transaction. */
export class Transaction extends Context.Tag("starmile/Transaction")<Transaction, {
  readonly run: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}>() {}
