/**
 * Tracking serials reserved from the database sequences in blocks, so a create takes its
 * serials from memory instead of asking the database each time. Sequences never hand the same
 * value twice, so instances never collide; a restart leaves a gap of at most one block.
 */
import { Effect, Schema } from "effect"
import { decodeAll, Int8, RepositorySql } from "./Rows.js"
import { dieOnSqlError } from "./SqlErrors.js"

const SerialRow = Schema.Struct({ serial: Int8 })

/** One round trip per 100 orders / about 100 three-parcel orders. */
export const ORDER_SERIAL_BLOCK = 100
export const PARCEL_SERIAL_BLOCK = 300

export const makeSerialBlock = (sequence: "order_tracking_serial" | "parcel_tracking_serial", blockSize: number) =>
  Effect.gen(function* () {
    const sql = yield* RepositorySql
    const reserved: Array<number> = []

    const reserve = (count: number) =>
      sql`select nextval(${sequence}::regclass) as serial from generate_series(1, ${count}::int)`.pipe(
        decodeAll(SerialRow),
        Effect.map((rows) => {
          for (const row of rows) reserved.push(row.serial)
        }),
        dieOnSqlError
      )

    /**
     * One refill at a time, shared by every create that finds the reserve short: they all get
     * its outcome, so a stalled database costs each of them one statement's bound, not one per
     * create ahead of it in line. Uninterruptible: a caller going away does not cancel it for
     * the others.
     */
    let refilling: Effect.Effect<void> | undefined
    const refill = (count: number): Effect.Effect<void> =>
      Effect.suspend(() => {
        if (refilling === undefined) {
          const shared = Effect.runSync(Effect.cached(Effect.uninterruptible(reserve(count)).pipe(
            Effect.ensuring(Effect.sync(() => {
              if (refilling === shared) refilling = undefined
            }))
          )))
          refilling = shared
        }
        return refilling
      })

    /** `count` serials, increasing. */
    const take = (count: number): Effect.Effect<ReadonlyArray<number>> =>
      Effect.suspend(() =>
        reserved.length >= count
          ? Effect.succeed(reserved.splice(0, count))
          : Effect.zipRight(refill(Math.max(blockSize, count - reserved.length)), take(count))
      )
    return { take } as const
  })
