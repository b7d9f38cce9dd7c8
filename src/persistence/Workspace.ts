/** SQL for the demo seed (src/DemoSeed.ts): is the workspace empty, and the seed's lock. */
import { Effect, Schema } from "effect"
import { decodeSingle, Int8, RepositorySql } from "./Rows.js"
import { withTransaction } from "./SqlErrors.js"

/** Arbitrary constant key for pg_advisory_xact_lock: "starmile demo seed". */
const DEMO_SEED_LOCK_KEY = 741_852_964

const CountRow = Schema.Struct({ n: Int8 })

/** True when the catalogue has no warehouse yet (a database never set up). */
export const isEmptyWorkspace = Effect.flatMap(RepositorySql, (sql) =>
  sql`select count(*) as n from warehouses`.pipe(
    decodeSingle(CountRow),
    Effect.map((row) => row.n === 0),
    Effect.orDie
  ))

/**
 * Runs `effect` in one transaction under the demo seed's advisory lock: a failure leaves
 * nothing half-seeded, and two instances starting at once run it one after the other.
 */
export const underDemoSeedLock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(RepositorySql, (sql) =>
    withTransaction(sql, Effect.zipRight(sql`select pg_advisory_xact_lock(${DEMO_SEED_LOCK_KEY})`.pipe(Effect.orDie), effect)))
