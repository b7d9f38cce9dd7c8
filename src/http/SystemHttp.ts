import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { DatabaseUnavailable } from "../domain/Errors.js"
import { StarmileApi } from "./Api.js"

export const SystemHttpLive = HttpApiBuilder.group(StarmileApi, "system", (handlers) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return handlers
      .handle("health", () => Effect.succeed({ data: { status: "ok" as const } }))
      .handle("ready", () =>
        sql`select 1`.pipe(
          Effect.timeout("2 seconds"),
          Effect.as({ data: { status: "ready" as const } }),
          Effect.catchAll(() => Effect.fail(new DatabaseUnavailable({ message: "The database is not reachable." })))
        ))
  }))
