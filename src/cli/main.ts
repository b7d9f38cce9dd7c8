/**
 * Operator CLI: `npm run cli -- <command>`
 *   migrate                 apply migrations (safe while instances run)
 *   seed-demo               seed the demo workspace into an empty database
 *   run <job>               run a job once (e.g. resolve-pending-mappings), for cron
 * Uses DATABASE_URL, or the embedded server's data directory when unset.
 */
import { NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { Console, Data, Effect, Layer, Logger, LogLevel } from "effect"
import type { CatalogueService } from "../domain/CatalogueService.js"
import type { Credentials } from "../domain/Credentials.js"
import { isEmptyWorkspace, seedDemo } from "../DemoSeed.js"
import { DomainLive } from "../index.js"
import { DatabaseLive } from "../persistence/Database.js"

const usage = `usage: npm run cli -- <command>
  migrate          apply the database migrations
  seed-demo        seed the demo workspace (only into an empty database)
  run <job>        run a job once`

export class CliUsageError extends Data.TaggedError("CliUsageError")<{ readonly message: string }> {}

const commands = (args: ReadonlyArray<string>): Effect.Effect<void, unknown, SqlClient.SqlClient | CatalogueService | Credentials> => {
  const [command] = args
  switch (command) {
    case "migrate":
      // DatabaseLive runs the migrations when it is built
      return Console.log("migrations applied")
    case "seed-demo":
      return Effect.gen(function* () {
        if (!(yield* isEmptyWorkspace)) return yield* Console.log("the database already has a workspace; nothing seeded")
        const demo = yield* seedDemo
        yield* Console.log(`demo workspace seeded: client_id=${demo.client_id} client_secret=${demo.client_secret}`)
      })
    default:
      return Effect.fail(new CliUsageError({ message: usage }))
  }
}

const program = Effect.suspend(() => commands(process.argv.slice(2))).pipe(
  Effect.catchIf(
    (e): e is CliUsageError => e instanceof CliUsageError,
    (e) => Console.error(e.message).pipe(Effect.zipRight(Effect.sync(() => (process.exitCode = 2))))
  ),
  Effect.provide(DomainLive.pipe(Layer.provideMerge(DatabaseLive))),
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))
)

NodeRuntime.runMain(program)
