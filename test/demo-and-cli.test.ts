import { afterAll, describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { ConfigProvider, Effect, Layer } from "effect"
import { execFile, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { isEmptyWorkspace, seedDemoIfEmpty } from "../src/DemoSeed.js"
import { freePort } from "../src/persistence/EmbeddedPostgres.js"
import { tokenFor } from "./support/Fixtures.js"
import { call, TestAppLive } from "./support/TestApp.js"
import { databaseUrlFor, scopedDatabase } from "./support/TestDatabase.js"

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "starmile-demo-test-"))
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

const DemoTestLive = TestAppLive.pipe(
  Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["STARMILE_DATA_DIR", dataDir]]))))
)

const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
    )
  })

describe("demo workspace", () => {
  it.layer(DemoTestLive)((it) => {
    it.effect("seeds an empty database with everything CONTRACT §9 lists, usable at once", () =>
      Effect.gen(function* () {
        expect(yield* isEmptyWorkspace).toBe(true)
        // two starts at once seed once
        const [first, second] = yield* Effect.all([seedDemoIfEmpty, seedDemoIfEmpty], { concurrency: 2 })
        const demo = first ?? second
        expect([first, second].filter((d) => d !== undefined)).toHaveLength(1)
        if (demo === undefined) return expect.fail("nothing seeded")
        expect(yield* isEmptyWorkspace).toBe(false)
        const sql = yield* SqlClient.SqlClient
        const types = yield* sql<{ type: string; channel: string | null }>`
          select type, channel from services order by id`
        expect(new Set(types.map((t) => t.type))).toEqual(
          new Set(["home_delivery", "pudo_delivery", "clearance", "cross_docking"])
        )
        const kinds = yield* sql<{ kind: string }>`select distinct kind from pudo_points where active order by kind`
        expect(kinds.map((k) => k.kind)).toEqual(["locker", "pudo"])
        const mappings = yield* sql<{ n: number }>`select count(*) as n from region_mappings`
        expect(mappings[0]!.n).toBe(1)
        // the unmapped key has a demo order waiting on it
        const pending = yield* sql<{ parent_region: string; region: string }>`
          select parent_region, region from orders where region_status = 'pending_mapping'`
        expect(pending).toEqual([{ parent_region: "2", region: "7" }])
        const rates = yield* sql<{ n: number }>`select count(distinct service_id) as n from rates`
        expect(rates[0]!.n).toBe(types.length)
        // the saved credential works, and sees every demo service
        const saved = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"))
        expect(saved.client_id).toBe(demo.client_id)
        const token = yield* tokenFor(demo.client_id, demo.client_secret)
        const services = yield* call("GET", "/api/v1/services", { token })
        expect(services.body.data).toHaveLength(types.length)
        // the unmapped demo key ("2","7") makes an order pending; ("1","2") is mapped
        const home = services.body.data.find((s: { type: string }) => s.type === "home_delivery")
        const order = (key: [string, string], ref: string) =>
          call("POST", "/api/v1/orders", {
            token,
            body: { service_id: home.id, order_id: ref, parent_region: key[0], region: key[1], parcels: [{}] }
          })
        expect((yield* order(["1", "2"], "DEMO-1")).body.data.region_status).toBe("mapped")
        expect((yield* order(["2", "7"], "DEMO-2")).body.data.region_status).toBe("pending_mapping")
      }))
  })
})

describe("CLI", () => {
  it.scopedLive("migrate, run resolve-pending-mappings, and refusals with exit 2", () =>
    Effect.gen(function* () {
      const env = {
        DATABASE_URL: databaseUrlFor(yield* scopedDatabase),
        STARMILE_OPERATOR_TOKEN: "cli-test-operator-token"
      }
      const migrate = yield* cli(["migrate"], env)
      expect(migrate.code).toBe(0)
      expect(migrate.stdout).toContain("migrations applied")
      const run = yield* cli(["run", "resolve-pending-mappings"], env)
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout.trim())).toMatchObject({ job: "resolve-pending-mappings", resolved: 0 })
      const unknownJob = yield* cli(["run", "make-coffee"], env)
      expect(unknownJob.code).toBe(2)
      expect(unknownJob.stderr).toContain("No job named \"make-coffee\"")
      const unknownCommand = yield* cli(["frobnicate"], env)
      expect(unknownCommand.code).toBe(2)
      expect(unknownCommand.stderr).toContain("usage:")
    }))
})

describe("npm start without DATABASE_URL", () => {
  it.scopedLive("starts an embedded PostgreSQL, seeds the demo, prints a working first call, and stops cleanly", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "starmile-start-test-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      fs.chmodSync(dir, 0o755) // the postgres system user must reach the data directory inside
      const port = yield* freePort
      const env: Record<string, string | undefined> = { ...process.env, STARMILE_DATA_DIR: dir, PORT: String(port) }
      delete env["DATABASE_URL"]
      delete env["STARMILE_OPERATOR_TOKEN"]
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] })
      let output = ""
      child.stdout.on("data", (chunk) => (output += String(chunk)))
      child.stderr.on("data", (chunk) => (output += String(chunk)))
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      try {
        yield* Effect.promise(async () => {
          const deadline = Date.now() + 60_000
          while (!output.includes("curl -s http") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        })
        expect(output, output).toContain("Starmile hub is running")
        expect(output).toContain(`Operator token  ${fs.readFileSync(path.join(dir, "operator-token"), "utf8").trim()}`)
        const demo = JSON.parse(fs.readFileSync(path.join(dir, "demo-credentials.json"), "utf8"))
        expect(output).toContain(`Client secret   ${demo.client_secret}`)
        // the printed first call works: token, then the demo services
        const base = `http://127.0.0.1:${port}`
        const token = yield* Effect.promise(() =>
          fetch(`${base}/api/v1/oauth/token`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ grant_type: "client_credentials", client_id: demo.client_id, client_secret: demo.client_secret })
          }).then((r) => r.json() as Promise<{ access_token: string }>)
        )
        const services = yield* Effect.promise(() =>
          fetch(`${base}/api/v1/services`, { headers: { authorization: `Bearer ${token.access_token}` } }).then((r) => r.json() as Promise<{ data: Array<unknown> }>)
        )
        expect(services.data.length).toBe(5)
        expect(fs.existsSync(path.join(dir, "pg", "PG_VERSION"))).toBe(true)
      } finally {
        child.kill("SIGTERM")
      }
      expect(yield* Effect.promise(() => exited)).toBe(0)
      // the embedded server went down with the service
      const stillRunning = yield* Effect.promise(() =>
        new Promise<boolean>((resolve) =>
          execFile("pgrep", ["-f", `postgres -D ${path.join(dir, "pg")}`], (error) => resolve(error === null))
        )
      )
      expect(stillRunning).toBe(false)
    }), { timeout: 120_000 })
})
