/**
 * What the CLI's commands do, over the service's database (DATABASE_URL, or the embedded
 * server of STARMILE_DATA_DIR). Loaded by src/cli/main.ts only once a command is parsed.
 */
import { Console, Effect, Layer } from "effect"
import { DomainConfigFromEnv } from "../AppConfig.js"
import { seedDemoIfEmpty } from "../DemoSeed.js"
import { DomainLive } from "../index.js"
import { JOB_NAMES, JobRegistry, unknownJob } from "../jobs/Jobs.js"
import { DatabaseLive } from "../persistence/Database.js"

/** The domain over the service's database, migrated when built. */
const DomainOverDatabase = DomainLive.pipe(Layer.provide(DomainConfigFromEnv), Layer.provideMerge(DatabaseLive))

/** `starmile migrate`: DatabaseLive runs the migrations when it is built. */
export const migrate = Console.log("migrations applied").pipe(Effect.provide(DatabaseLive))

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
