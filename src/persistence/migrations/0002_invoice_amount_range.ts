/**
 * An invoice line can exceed numeric(14,2): a rate allows amount and per_kg_amount up to
 * 1,000,000,000 and a parcel weighs up to 1,000,000 g, so the largest line is
 * 1e9 + 1e9 × 1000 = 1,001,000,000,000. Widen the column so every valid scan can be billed.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`alter table invoice_lines alter column amount type numeric(16,2)`
})
