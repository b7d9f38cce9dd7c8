/**
 * How repositories read rows (persistence/Rows.ts), against real statements: every row goes
 * through its schema (int8 from a string or a number), an empty result is `undefined` for
 * decodeFirst and a defect for decodeSingle, and a row that does not fit its schema is a defect
 * naming the mismatch, never a typed error. The runners are built once per schema and used for
 * many statements: the same decoder must answer each statement with its own rows.
 */
import { expect, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Schema } from "effect"
import { decodeAll, decodeFirst, decodeSingle, Int8, RepositorySql } from "../src/persistence/Rows.js"
import { TestDatabaseLive } from "./support/TestDatabase.js"

const NumberRow = Schema.Struct({ n: Int8, label: Schema.String })

const defectMessage = <A, E>(exit: Exit.Exit<A, E>): string => {
  if (Exit.isSuccess(exit)) return "succeeded"
  const defect = Cause.dieOption(exit.cause)
  return defect._tag === "Some" && defect.value instanceof Error ? defect.value.message : `not a defect: ${Cause.pretty(exit.cause)}`
}

layer(TestDatabaseLive())("Rows", (it) => {
  it.effect("decodeAll decodes every row of each statement, int8 given as a string", () =>
    Effect.gen(function* () {
      const sql = yield* RepositorySql
      const rows = (count: number) =>
        sql`select g::int8 as n, 'row ' || g as label from generate_series(1, ${count}) g order by g`.pipe(decodeAll(NumberRow))
      expect(yield* rows(3)).toEqual([{ n: 1, label: "row 1" }, { n: 2, label: "row 2" }, { n: 3, label: "row 3" }])
      // the same schema again: its decoder is reused, each statement still gets its own rows
      expect(yield* rows(1)).toEqual([{ n: 1, label: "row 1" }])
      expect(yield* rows(0)).toEqual([])
    }))

  it.effect("decodeFirst gives the first row, or undefined when there is none", () =>
    Effect.gen(function* () {
      const sql = yield* RepositorySql
      const first = (count: number) =>
        sql`select g::int8 as n, 'row ' || g as label from generate_series(1, ${count}) g order by g desc`.pipe(
          decodeFirst(NumberRow)
        )
      expect(yield* first(2)).toEqual({ n: 2, label: "row 2" })
      expect(yield* first(0)).toBeUndefined()
    }))

  it.effect("decodeSingle gives the row, and an empty result is a defect", () =>
    Effect.gen(function* () {
      const sql = yield* RepositorySql
      expect(yield* sql`select 7::int8 as n, 'seven' as label`.pipe(decodeSingle(NumberRow))).toEqual({ n: 7, label: "seven" })
      const empty = yield* Effect.exit(sql`select 1::int8 as n, 'x' as label where false`.pipe(decodeSingle(NumberRow)))
      expect(defectMessage(empty)).toBe("the statement returned no row where one is always expected")
    }))

  it.effect("a row that does not fit its schema is a defect naming the mismatch", () =>
    Effect.gen(function* () {
      const sql = yield* RepositorySql
      const misfit = yield* Effect.exit(sql`select 'not a number' as n, 'x' as label`.pipe(decodeAll(NumberRow)))
      expect(defectMessage(misfit)).toMatch(/^a database row does not fit its schema: [\s\S]*\["n"\]/)
      const missing = yield* Effect.exit(sql`select 1::int8 as n`.pipe(decodeFirst(NumberRow)))
      expect(defectMessage(missing)).toMatch(/^a database row does not fit its schema: [\s\S]*\["label"\][\s\S]*is missing/)
    }))
})
