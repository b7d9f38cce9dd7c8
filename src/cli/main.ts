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
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
// module paths, not the "effect" index: help and version start in a fraction of the time
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import { createRequire } from "node:module"

/** The package's version (dist/cli/ and src/cli/ are both two levels below package.json). */
const version: string = createRequire(import.meta.url)("../../package.json").version

/** A command line the CLI cannot take (exit 2). */
class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

const COMMANDS = "migrate | seed-demo | jobs list | jobs run <name> | --help | --version"

/** What the commands do, loaded only when one runs: help, version and usage load no domain or database code. */
const commands = Effect.promise(() => import("./Commands.js"))

const migrate = Command.make("migrate", {}, () => Effect.flatMap(commands, (c) => c.migrate)).pipe(
  Command.withDescription("Apply the database migrations (safe while instances run).")
)

const seedDemo = Command.make("seed-demo", {}, () => Effect.flatMap(commands, (c) => c.seedDemo)).pipe(
  Command.withDescription("Seed the demo workspace (only into an empty database).")
)

const jobsList = Command.make("list", {}, () => Effect.flatMap(commands, (c) => c.listJobs)).pipe(
  Command.withDescription("List the jobs with their interval and last run (one JSON object per line).")
)

const runJob = ({ name }: { readonly name: string }) => Effect.flatMap(commands, (c) => c.runJob(name))

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

const hasTag = (value: unknown, tag: string): boolean =>
  typeof value === "object" && value !== null && "_tag" in value && value._tag === tag

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
  // UnknownJob by its tag: the class lives in code loaded only when a command runs
  if (Option.isSome(failure) && (failure.value instanceof UsageError || hasTag(failure.value, "UnknownJob"))) {
    return Console.error(`starmile: ${(failure.value as { readonly message: string }).message}`).pipe(Effect.as(2))
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
