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
    const refill = yield* Effect.makeSemaphore(1)
    const reserved: Array<number> = []

    const reserve = (count: number) =>
      sql`select nextval(${sequence}::regclass) as serial from generate_series(1, ${count}::int)`.pipe(
        decodeAll(SerialRow),
        Effect.map((rows) => {
          for (const row of rows) reserved.push(row.serial)
        }),
        dieOnSqlError
      )

    const takeNow = (count: number) => reserved.splice(0, count)

    /** `count` serials, increasing. */
    const take = (count: number): Effect.Effect<ReadonlyArray<number>> =>
      reserved.length >= count
        ? Effect.sync(() => takeNow(count))
        : refill.withPermits(1)(
          Effect.suspend(() =>
            reserved.length >= count
              ? Effect.sync(() => takeNow(count))
              : Effect.as(reserve(Math.max(blockSize, count - reserved.length)), undefined).pipe(
                Effect.map(() => takeNow(count))
              )
          )
        )
    return { take } as const
  })
