/**
 * The operator CLI's contract: help and version without a database, usage errors on stderr in
 * one line with exit 2, failures in one line with exit 1. (Exit 0 for a command that touches the
 * database: test/demo-and-cli.test.ts.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const packageVersion: string = JSON.parse(fs.readFileSync("package.json", "utf8")).version

// Nothing may be reached: a closed port for DATABASE_URL, a data directory that must stay absent.
const unreachable = "postgres://starmile@127.0.0.1:1/none"

const cli = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { env: { ...process.env, DATABASE_URL: unreachable, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resume(Effect.succeed({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
    )
  })

const lines = (text: string) => text.trim().split("\n").filter((l) => l.length > 0)

describe("starmile CLI", () => {
  it.live("--help, a subcommand's --help and --version answer without touching the database", () =>
    Effect.gen(function* () {
      const dataDir = path.join(os.tmpdir(), `starmile-cli-untouched-${process.pid}`)
      // with DATABASE_URL unset the embedded server would initialise this directory: it must not
      const noDatabase = { DATABASE_URL: undefined, STARMILE_DATA_DIR: dataDir }
      const [help, migrateHelp, version] = yield* Effect.all(
        [cli(["--help"], noDatabase), cli(["migrate", "--help"], noDatabase), cli(["--version"], noDatabase)],
        { concurrency: 1 } // one process at a time: the suite's other files share the cores
      )
      expect(help.code, help.stderr).toBe(0)
      for (const command of ["migrate", "seed-demo", "jobs"]) expect(help.stdout).toContain(command)
      expect(migrateHelp.code).toBe(0)
      expect(migrateHelp.stdout).toContain("Apply the database migrations")
      expect(migrateHelp.stdout).not.toContain("migrations applied")
      expect(version.code).toBe(0)
      expect(version.stdout.trim()).toBe(packageVersion)
      expect(fs.existsSync(dataDir)).toBe(false)
    }), { timeout: 300_000 })

  it.live("usage errors: one line on stderr, exit 2, no database", () =>
    Effect.gen(function* () {
      const results = yield* Effect.all(
        [cli(["frobnicate"]), cli(["jobs", "run"]), cli(["migrate", "--bogus"]), cli([]), cli(["jobs"])],
        { concurrency: 1 }
      )
      for (const result of results) {
        expect(result.code, result.stderr).toBe(2)
        expect(lines(result.stderr)).toHaveLength(1)
        expect(result.stderr).toMatch(/^starmile: /)
        expect(result.stdout).toBe("")
        // parsed before connecting: no connection error in the message
        expect(result.stderr).not.toContain("connect")
      }
      expect(results[0]!.stderr).toContain("frobnicate")
      expect(results[1]!.stderr).toContain("Missing argument <name>")
      expect(results[2]!.stderr).toContain("--bogus")
    }), { timeout: 300_000 })

  it.live("a failure (database unreachable): one line on stderr naming it, exit 1", () =>
    Effect.gen(function* () {
      const result = yield* cli(["migrate"])
      expect(result.code).toBe(1)
      expect(lines(result.stderr)).toEqual(["starmile: PgClient: Failed to connect"])
      expect(result.stdout).toBe("")
    }), { timeout: 300_000 })
})
