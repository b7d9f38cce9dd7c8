/**
 * A start that cannot succeed says why in one sentence and exits 1 — no stack trace: an
 * unreachable PostgreSQL (after retrying for STARMILE_DB_START_TIMEOUT), an embedded server
 * that cannot initialise its data directory.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { freePort } from "../src/persistence/EmbeddedPostgres.js"

const startExpectingFailure = (env: Record<string, string | undefined>) =>
  Effect.flatMap(freePort, (port) => Effect.async<{ code: number | null; output: string; millis: number }>((resume) => {
    const started = Date.now()
    const fullEnv: Record<string, string | undefined> = { ...process.env, LOG_FORMAT: "json", PORT: String(port), ...env }
    execFile(process.execPath, ["dist/main.js"], { env: fullEnv, timeout: 60_000 }, (error, stdout, stderr) =>
      resume(Effect.succeed({ code: error ? (error.code as number | null) ?? 1 : 0, output: stdout + stderr, millis: Date.now() - started })))
  }))

/** Lines that are not JSON log records: what the operator reads. */
const plainLines = (output: string) => output.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("{"))

describe("start failures", () => {
  it.live("PostgreSQL unreachable: retried for STARMILE_DB_START_TIMEOUT, then one line and exit 1", () =>
    Effect.gen(function* () {
      const result = yield* startExpectingFailure({
        DATABASE_URL: "postgres://starmile@127.0.0.1:1/none",
        STARMILE_OPERATOR_TOKEN: "x".repeat(20),
        STARMILE_DB_START_TIMEOUT: "1 second"
      })
      expect(result.code).toBe(1)
      expect(result.output).toContain("database not reachable yet")
      expect(plainLines(result.output)).toEqual([
        expect.stringMatching(/^PostgreSQL cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:1\): check DATABASE_URL/)
      ])
    }))

  it.live("an embedded data directory that is not a cluster: one sentence saying what to do, exit 1", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "starmile-bad-data-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      fs.mkdirSync(path.join(dir, "pg"))
      fs.writeFileSync(path.join(dir, "pg", "something-else.txt"), "not a cluster")
      const env: Record<string, string | undefined> = { STARMILE_DATA_DIR: dir, DATABASE_URL: undefined, STARMILE_OPERATOR_TOKEN: undefined }
      const result = yield* startExpectingFailure(env)
      expect(result.code).toBe(1)
      const lines = plainLines(result.output)
      expect(lines, result.output).toHaveLength(1)
      expect(lines[0]).toMatch(/^the embedded PostgreSQL .* failed in .*pg: .*STARMILE_DATA_DIR/)
      expect(result.output).not.toMatch(/^\s+at /m)
    }).pipe(Effect.scoped))
})
