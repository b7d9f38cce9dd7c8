import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { Effect } from "effect"

/** Starts the service with `env` and returns its exit code and output (it must stop by itself). */
const startWith = (env: Record<string, string>) =>
  Effect.async<{ code: number | null; output: string }>((resume) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/main.ts"],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resume(Effect.succeed({ code: error ? (error.code as number | null) ?? 1 : 0, output: stdout + stderr }))
    )
  })

describe("configuration", () => {
  it.live("a bad PORT stops the start with a message naming the variable and a non-zero exit", () =>
    Effect.gen(function* () {
      const result = yield* startWith({ PORT: "not-a-port", DATABASE_URL: "postgres://127.0.0.1:1/none", STARMILE_OPERATOR_TOKEN: "x".repeat(20) })
      expect(result.code).not.toBe(0)
      expect(result.output).toContain("PORT")
    }))

  it.live("a bad resolver interval names its variable", () =>
    Effect.gen(function* () {
      const result = yield* startWith({
        STARMILE_RESOLVER_INTERVAL: "soon",
        DATABASE_URL: "postgres://127.0.0.1:1/none",
        STARMILE_OPERATOR_TOKEN: "x".repeat(20)
      })
      expect(result.code).not.toBe(0)
      expect(result.output).toContain("STARMILE_RESOLVER_INTERVAL")
    }))

  it.live("a token lifetime out of range names its variable", () =>
    Effect.gen(function* () {
      const result = yield* startWith({
        STARMILE_TOKEN_TTL_SECONDS: "5",
        DATABASE_URL: "postgres://127.0.0.1:1/none",
        STARMILE_OPERATOR_TOKEN: "x".repeat(20)
      })
      expect(result.code).not.toBe(0)
      expect(result.output).toContain("STARMILE_TOKEN_TTL_SECONDS")
    }))

  it.live("DATABASE_URL without STARMILE_OPERATOR_TOKEN is refused", () =>
    Effect.gen(function* () {
      const result = yield* startWith({ DATABASE_URL: "postgres://127.0.0.1:1/none", STARMILE_OPERATOR_TOKEN: "" })
      expect(result.code).not.toBe(0)
      expect(result.output).toContain("STARMILE_OPERATOR_TOKEN")
    }))
})
