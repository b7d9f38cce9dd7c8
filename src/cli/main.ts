/**
 * Operator CLI: `npm run cli -- <command>`
 *   migrate                 apply migrations (safe while instances run)
 *   seed-demo               seed the demo workspace into an empty database
 *   run <job>               run a job once (resolve-pending-mappings), for cron; prints
 *                           {job, resolved, duration_ms}; exits non-zero when it fails
 * Uses DATABASE_URL, or the embedded server's data directory when unset.
 */
import { NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { Console, Data, Effect, Exit, Layer, Logger, LogLevel } from "effect"
import { seedDemoIfEmpty } from "../DemoSeed.js"
import { DomainLive } from "../index.js"
import { JobRegistry, RESOLVE_PENDING_MAPPINGS, UnknownJob } from "../jobs/Jobs.js"
import { DatabaseLive } from "../persistence/Database.js"

const usage = `usage: npm run cli -- <command>
  migrate          apply the database migrations
  seed-demo        seed the demo workspace (only into an empty database)
  run <job>        run a job once (jobs: ${RESOLVE_PENDING_MAPPINGS})`

export class CliUsageError extends Data.TaggedError("CliUsageError")<{ readonly message: string }> {}

const commands = (
  args: ReadonlyArray<string>
): Effect.Effect<void, unknown, SqlClient.SqlClient | Layer.Layer.Success<typeof DomainLive>> => {
  const [command] = args
  switch (command) {
    case "migrate":
      // DatabaseLive runs the migrations when it is built
      return Console.log("migrations applied")
    case "seed-demo":
      return Effect.gen(function* () {
        const demo = yield* seedDemoIfEmpty
        if (demo === undefined) return yield* Console.log("the database already has a workspace; nothing seeded")
        yield* Console.log(`demo workspace seeded: client_id=${demo.client_id} client_secret=${demo.client_secret}`)
      })
    case "run": {
      const name = args[1]
      if (name === undefined) return Effect.fail(new CliUsageError({ message: usage }))
      return Effect.gen(function* () {
        const registry = yield* JobRegistry
        const result = yield* registry.run(name, "cli")
        yield* Console.log(JSON.stringify(result))
      })
    }
    default:
      return Effect.fail(new CliUsageError({ message: usage }))
  }
}

const program = Effect.suspend(() => commands(process.argv.slice(2))).pipe(
  Effect.catchIf(
    (e): e is CliUsageError | UnknownJob => e instanceof CliUsageError || e instanceof UnknownJob,
    (e) => Console.error(e.message).pipe(Effect.zipRight(Effect.sync(() => (usageExitCode = 2))))
  ),
  Effect.provide(DomainLive.pipe(Layer.provideMerge(DatabaseLive))),
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))
)

/** 2 for a command the CLI cannot take (set after the message is printed), 1 for a failure. */
let usageExitCode = 0

NodeRuntime.runMain(program, {
  // runs after every finalizer (the embedded database is stopped before the process exits)
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? usageExitCode : 1)
})
