/**
 * Runs a command against a fresh, empty database and drops it afterwards: on DATABASE_URL's
 * server when set (its admin database), else on an embedded server in a temporary directory.
 * Run with the checkout's tsx: `tsx fresh-database.ts <command> [args...]`.
 */
import { Effect, Redacted } from "effect"
import { spawn } from "node:child_process"
import { databaseKind, scratchDatabaseUrl } from "../../bench/ScratchDatabase.js"

const [command, ...args] = process.argv.slice(2)
if (command === undefined) throw new Error("usage: tsx fresh-database.ts <command> [args...]")

const run = Effect.gen(function* () {
  const url = Redacted.value(yield* scratchDatabaseUrl)
  console.log(`== fresh database on the ${databaseKind}`)
  return yield* Effect.async<number>((resume) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: url } })
    child.once("exit", (code) => resume(Effect.succeed(code ?? 1)))
    child.once("error", () => resume(Effect.succeed(127)))
  })
})

Effect.runPromise(Effect.scoped(run)).then((code) => process.exit(code), (error) => {
  console.error(error)
  process.exit(1)
})
