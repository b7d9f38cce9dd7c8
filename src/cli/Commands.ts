/**
 * What the CLI's commands do, over the service's database (DATABASE_URL, or the embedded
 * server of STARMILE_DATA_DIR). Loaded by src/cli/main.ts only once a command is parsed.
 */
import { ConfigProvider, Console, Effect, Layer } from "effect"
import { DomainConfigFromEnv } from "../AppConfig.js"
import { seedDemoIfEmpty } from "../DemoSeed.js"
import { DomainLive } from "../index.js"
import { JOB_NAMES, JobRegistry, unknownJob } from "../jobs/Jobs.js"
import { DatabaseLive } from "../persistence/Database.js"

/**
 * A command fails at once when the database cannot be reached (cron or the operator retries),
 * unless STARMILE_DB_START_TIMEOUT asks for retries: the service's 30 s default would print
 * retry warnings where a command prints its output.
 */
const CommandDatabaseLive = DatabaseLive.pipe(
  Layer.provide(Layer.setConfigProvider(
    ConfigProvider.fromEnv().pipe(
      ConfigProvider.orElse(() => ConfigProvider.fromMap(new Map([["STARMILE_DB_START_TIMEOUT", "0 millis"]])))
    )
  ))
)

/** The domain over the service's database, migrated when built. */
const DomainOverDatabase = DomainLive.pipe(Layer.provide(DomainConfigFromEnv), Layer.provideMerge(CommandDatabaseLive))

/** `starmile migrate`: DatabaseLive runs the migrations when it is built. */
export const migrate = Console.log("migrations applied").pipe(Effect.provide(CommandDatabaseLive))

/** `starmile seed-demo`. */
export const seedDemo = Effect.gen(function* () {
  const demo = yield* seedDemoIfEmpty
  if (demo === undefined) return yield* Console.log("the database already has a workspace; nothing seeded")
  yield* Console.log(`demo workspace seeded: client_id=${demo.client_id} client_secret=${demo.client_secret}`)
}).pipe(Effect.provide(DomainOverDatabase))

/** `starmile jobs list`: one JSON object per job. */
export const listJobs = Effect.gen(function* () {
  const registry = yield* JobRegistry
  for (const job of yield* registry.status) yield* Console.log(JSON.stringify(job))
}).pipe(Effect.provide(DomainOverDatabase))

/** `starmile jobs run <name>`: prints {job, resolved, duration_ms}; an unknown name fails with UnknownJob. */
export const runJob = (name: string) =>
  // an unknown name is refused before connecting
  !JOB_NAMES.includes(name) ? Effect.fail(unknownJob(name)) : Effect.gen(function* () {
    const registry = yield* JobRegistry
    yield* Console.log(JSON.stringify(yield* registry.run(name, "cli")))
  }).pipe(Effect.provide(DomainOverDatabase))
