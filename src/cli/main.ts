#!/usr/bin/env node
/**
 * The operator CLI (`starmile`, the package's bin; `npm run cli --` in a checkout), on @effect/cli:
 *
 *   starmile migrate                  apply the migrations (safe while instances run)
 *   starmile seed-demo                seed the demo workspace into an empty database
 *   starmile jobs list                the registered jobs, one JSON object per line
 *   starmile jobs run <name>          run a job once (cron): prints {job, resolved, duration_ms}
 *   starmile --help | --version       (any command takes --help)
 *
 * Arguments are parsed before anything else: help, version and usage errors never touch the
 * database. A command connects to DATABASE_URL, or to the embedded server of
 * STARMILE_DATA_DIR when it is unset. Errors go to stderr on one line.
 * Exit codes: 0 done, 1 failure (database, configuration, the job itself), 2 usage (unknown
 * command, option or job).
 */
import { Args, Command, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Data, Effect, Exit, Layer, Logger, LogLevel, Option } from "effect"
import { createRequire } from "node:module"
import { DomainConfigFromEnv } from "../AppConfig.js"
import { seedDemoIfEmpty } from "../DemoSeed.js"
import { DomainLive } from "../index.js"
import { JobRegistry, UnknownJob } from "../jobs/Jobs.js"
import { DatabaseLive } from "../persistence/Database.js"

/** The package's version (dist/cli/ and src/cli/ are both two levels below package.json). */
const version: string = createRequire(import.meta.url)("../../package.json").version

/** A command line the CLI cannot take (exit 2). */
class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

const COMMANDS = "migrate | seed-demo | jobs list | jobs run <name> | --help | --version"

/** The domain over the service's database (DATABASE_URL or embedded), migrated when built. */
const DomainOverDatabase = DomainLive.pipe(Layer.provide(DomainConfigFromEnv), Layer.provideMerge(DatabaseLive))

const migrate = Command.make("migrate", {}, () =>
  // DatabaseLive runs the migrations when it is built
  Console.log("migrations applied").pipe(Effect.provide(DatabaseLive))).pipe(
    Command.withDescription("Apply the database migrations (safe while instances run).")
  )

const seedDemo = Command.make("seed-demo", {}, () =>
  Effect.gen(function* () {
    const demo = yield* seedDemoIfEmpty
    if (demo === undefined) return yield* Console.log("the database already has a workspace; nothing seeded")
    yield* Console.log(`demo workspace seeded: client_id=${demo.client_id} client_secret=${demo.client_secret}`)
  }).pipe(Effect.provide(DomainOverDatabase))).pipe(
    Command.withDescription("Seed the demo workspace (only into an empty database).")
  )

const jobsList = Command.make("list", {}, () =>
  Effect.gen(function* () {
    const registry = yield* JobRegistry
    for (const job of yield* registry.status) yield* Console.log(JSON.stringify(job))
  }).pipe(Effect.provide(DomainOverDatabase))).pipe(
    Command.withDescription("List the jobs with their interval and last run (one JSON object per line).")
  )

const runJob = ({ name }: { readonly name: string }) =>
  Effect.gen(function* () {
    const registry = yield* JobRegistry
    yield* Console.log(JSON.stringify(yield* registry.run(name, "cli")))
  }).pipe(Effect.provide(DomainOverDatabase))

const jobName = { name: Args.text({ name: "name" }).pipe(Args.withDescription("The job's name, e.g. resolve-pending-mappings")) }

const jobsRun = Command.make("run", jobName, runJob).pipe(
  Command.withDescription("Run a job once (for cron); prints {job, resolved, duration_ms}.")
)

/** `starmile run <name>`: the older spelling of `jobs run`, kept for existing crontabs. */
const legacyRun = Command.make("run", jobName, runJob).pipe(Command.withDescription("Same as `jobs run <name>`."))

const jobs = Command.make("jobs", {}, () => new UsageError({ message: "jobs: a subcommand is required: list, run <name>" })).pipe(
  Command.withDescription("The background jobs."),
  Command.withSubcommands([jobsList, jobsRun])
)

const starmile = Command.make("starmile", {}, () => new UsageError({ message: `a command is required: ${COMMANDS}` })).pipe(
  Command.withDescription("Starmile hub operator CLI. Uses DATABASE_URL, or the embedded server's data directory when unset."),
  Command.withSubcommands([migrate, seedDemo, jobs, legacyRun])
)

const cli = Command.run(starmile, { name: "starmile", version })

/** A failure as one line: the error's message, never a stack trace. */
const oneLine = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\s+/g, " ").trim()
}

/** What @effect/cli writes to stderr while parsing (a usage error): reprinted as one line. */
const parseErrors: Array<string> = []

/** 0 done, 1 failure, 2 usage. */
const exitCode = (exit: Exit.Exit<void, unknown>): Effect.Effect<number> => {
  if (Exit.isSuccess(exit)) return Effect.succeed(0)
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure) && ValidationError.isValidationError(failure.value)) {
    // eslint-disable-next-line no-control-regex
    const message = parseErrors.join(" ").replace(/\u001b\[[0-9;]*m/g, "").replace(/\s+/g, " ").trim()
    const given = message.startsWith("Invalid subcommand") ? ` (got "${process.argv.slice(2).join(" ")}")` : ""
    return Console.error(`starmile: ${message || "invalid command line"}${given}; usage: starmile ${COMMANDS}`).pipe(Effect.as(2))
  }
  if (Option.isSome(failure) && (failure.value instanceof UnknownJob || failure.value instanceof UsageError)) {
    return Console.error(`starmile: ${failure.value.message}`).pipe(Effect.as(2))
  }
  if (Cause.isInterruptedOnly(exit.cause)) return Effect.succeed(130)
  return Console.error(`starmile: ${oneLine(exit.cause)}`).pipe(Effect.as(1))
}

const main = Effect.flatMap(Effect.console, (console) =>
  // @effect/cli prints usage errors itself (over several lines): collect them instead
  Effect.withConsole(Effect.suspend(() => cli(process.argv)), {
    ...console,
    error: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void parseErrors.push(args.map(String).join(" ")))
  })).pipe(
  Effect.provide(NodeContext.layer),
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)),
  Effect.exit,
  Effect.flatMap(exitCode)
)

NodeRuntime.runMain(main, {
  disableErrorReporting: true,
  // runs after every finalizer (the embedded database is stopped before the process exits)
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? exit.value as number : 1)
})
