/**
 * First start from a private directory (mode 0700, as a `mktemp -d` checkout or /root/app):
 * as root the embedded PostgreSQL runs as the `postgres` system user, who cannot reach
 * anything inside; the service still starts, serves, and stops cleanly, and the data
 * directory is where the README says (.starmile/pg).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { request, startService } from "./support/Service.js"

describe("a private (0700) checkout", () => {
  it.scopedLive("npm start's command runs there: embedded PostgreSQL, demo seed, a working call, a clean stop", () =>
    Effect.gen(function* () {
      const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "starmile-private-"))
      expect(fs.statSync(checkout).mode & 0o777).toBe(0o700)
      let cluster: string | undefined
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          fs.rmSync(checkout, { recursive: true, force: true })
          if (cluster !== undefined) fs.rmSync(cluster, { recursive: true, force: true })
        })
      )
      // the checkout as `npm ci && npm run build` leaves it (node_modules hard-linked: same files, new path)
      execFileSync("cp", ["-al", path.resolve("node_modules"), path.join(checkout, "node_modules")])
      execFileSync("cp", ["-r", path.resolve("dist"), path.resolve("package.json"), checkout])

      const service = yield* startService(
        { DATABASE_URL: undefined, STARMILE_OPERATOR_TOKEN: undefined, STARMILE_DATA_DIR: undefined },
        { cwd: checkout }
      )
      // the banner follows the demo seed, which may finish just after /ready
      yield* Effect.promise(async () => {
        const deadline = Date.now() + 30_000
        while (!service.output().includes("Starmile hub is running") && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100))
        }
      })
      expect(service.output()).toContain("Starmile hub is running")
      const pgDir = path.join(checkout, ".starmile", "pg")
      expect(fs.existsSync(path.join(pgDir, "PG_VERSION"))).toBe(true)
      cluster = fs.realpathSync(pgDir)
      const demo = JSON.parse(fs.readFileSync(path.join(checkout, ".starmile", "demo-credentials.json"), "utf8"))
      const token = yield* Effect.promise(() =>
        request(service.base, "POST", "/api/v1/oauth/token", {
          body: { grant_type: "client_credentials", client_id: demo.client_id, client_secret: demo.client_secret }
        })
      )
      expect(token.status).toBe(200)
      const services = yield* Effect.promise(() => request(service.base, "GET", "/api/v1/services", { token: token.body.access_token }))
      expect(services.status).toBe(200)
      // nothing in the private directory was opened up to others
      expect(fs.statSync(checkout).mode & 0o777).toBe(0o700)

      service.child.kill("SIGTERM")
      expect(yield* Effect.promise(() => service.exited)).toBe(0)
      const postmasterLeft = yield* Effect.promise(() =>
        new Promise<boolean>((resolve) => {
          execFileSync("sleep", ["0.2"])
          try {
            execFileSync("pgrep", ["-f", `postgres -D ${cluster}`])
            resolve(true)
          } catch {
            resolve(false)
          }
        })
      )
      expect(postmasterLeft).toBe(false)
    }), { timeout: 180_000 })
})
