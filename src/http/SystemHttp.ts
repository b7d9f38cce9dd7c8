import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DatabaseUnavailable } from "../domain/Errors.js"
import { DatabasePool } from "../persistence/Database.js"
import { lastDatabaseOutageAt } from "../observability/Logging.js"
import { renderPrometheus, sampleDatabaseGauges } from "../observability/Metrics.js"
import { StarmileApi } from "./Api.js"
import { Operations } from "./Operations.js"
import { ShuttingDown } from "./SystemApi.js"

/** /ready waits this long for a connection and `select 1`. */
const READY_TIMEOUT = "1 second"
/** A request answered database_unavailable this recently keeps /ready at 503. */
const RECENT_OUTAGE_MS = 2000

const unreachable = () => new DatabaseUnavailable({ message: "The database is not reachable." })

export const SystemHttpLive = HttpApiBuilder.group(StarmileApi, "system", (handlers) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const gate = yield* Operations
    const pool = yield* Effect.serviceOption(DatabasePool)
    const probe = sql`select 1`.pipe(
      // answer at the bound even when cancelling the stuck query takes longer
      Effect.disconnect,
      Effect.timeout(READY_TIMEOUT),
      Effect.catchAll(() => Effect.fail(unreachable()))
    )
    return handlers
      .handle("health", () => Effect.succeed({ data: { status: "ok" as const } }))
      .handle("ready", () =>
        Effect.suspend((): Effect.Effect<{ data: { status: "ready" } }, ShuttingDown | DatabaseUnavailable> => {
          if (gate.shuttingDown) return Effect.fail(new ShuttingDown({ message: "The instance is shutting down." }))
          if (Date.now() - lastDatabaseOutageAt() < RECENT_OUTAGE_MS) return Effect.fail(unreachable())
          return Effect.as(probe, { data: { status: "ready" as const } })
        }))
      .handle("metrics", () => Effect.zipRight(sampleDatabaseGauges(sql, pool), renderPrometheus))
  }))
