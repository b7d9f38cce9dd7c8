import { afterAll, describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { ConfigProvider, Effect, Layer } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { isEmptyWorkspace, seedDemoIfEmpty } from "../src/DemoSeed.js"
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
