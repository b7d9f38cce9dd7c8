/**
 * SIGTERM on the running service (`node dist/main.js`, and `npm start`): requests in flight
 * are answered, the process exits within STARMILE_SHUTDOWN_GRACE, nothing listens afterwards,
 * nothing is left running.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { type Answer, isListening, OPERATOR_TOKEN, request, startService } from "./support/Service.js"
import { stallingProxy } from "./support/StallingProxy.js"
import { adminDatabaseUrl, databaseUrlFor, scopedDatabase } from "./support/TestDatabase.js"

const warehouse = (code: string) => ({ code, name: `Warehouse ${code}`, country: "AZ" })

/** Every process below `pid` (children, grandchildren, ...). */
const descendants = (pid: number): Array<number> => {
  let children: Array<number> = []
  try {
    children = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number)
  } catch {
    // none
  }
  return children.flatMap((child) => [child, ...descendants(child)])
}
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("graceful shutdown", () => {
  it.scopedLive("requests in flight at SIGTERM are answered; exit within the grace; nothing listens afterwards", () =>
    Effect.gen(function* () {
      const name = yield* scopedDatabase
      const admin = new URL(adminDatabaseUrl())
      const proxy = yield* stallingProxy({ host: admin.hostname, port: Number(admin.port || 5432) })
      const url = new URL(databaseUrlFor(name))
      url.host = `127.0.0.1:${proxy.port}`
      const service = yield* startService({
        DATABASE_URL: url.toString(),
        STARMILE_SHUTDOWN_GRACE: "8 seconds",
        STARMILE_RESOLVER_INTERVAL: "1 hour"
      })
      const create = (code: string) =>
        request(service.base, "POST", "/operator/v1/warehouses", { token: OPERATOR_TOKEN, body: warehouse(code) })

      // 1. twenty creates held in flight by a stalled database, then SIGTERM
      proxy.stall()
      const held = Array.from({ length: 20 }, (_, i) => create(`HELD${i}`))
      yield* Effect.sleep("300 millis")
      const signalledAt = Date.now()
      service.child.kill("SIGTERM")
      yield* Effect.sleep("500 millis")
      proxy.resume()
      const answers = yield* Effect.promise(() => Promise.all(held))
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201))
      for (const answer of answers) expect(answer.headers.get("connection")).toBe("close")
      expect(yield* Effect.promise(() => service.exited)).toBe(0)
      expect(Date.now() - signalledAt).toBeLessThan(8000)
      expect(yield* Effect.promise(() => isListening(service.port))).toBe(false)
      expect(service.output()).toMatch(/shutdown: drained 20 request\(s\) in flight/)
    }), { timeout: 90_000 })

  it.scopedLive("under a steady load, every request sent before SIGTERM gets its answer", () =>
    Effect.gen(function* () {
      const name = yield* scopedDatabase
      const service = yield* startService({ DATABASE_URL: databaseUrlFor(name), STARMILE_RESOLVER_INTERVAL: "1 hour" })
      const create = (code: string) =>
        request(service.base, "POST", "/operator/v1/warehouses", { token: OPERATOR_TOKEN, body: warehouse(code) })
      let signalledAt = Number.POSITIVE_INFINITY
      const sent: Array<{ readonly at: number; readonly answer: Promise<Answer> }> = []
      // eight clients on keep-alive connections, each sending its next create as soon as one is answered
      const clients = Array.from({ length: 8 }, (_, client) =>
        (async () => {
          for (let i = 0; Date.now() < signalledAt + 300; i++) {
            const answer = create(`C${client}N${i}`)
            sent.push({ at: Date.now(), answer })
            await answer
          }
        })())
      yield* Effect.sleep("1500 millis")
      signalledAt = Date.now()
      service.child.kill("SIGTERM")
      yield* Effect.promise(() => Promise.all(clients))
      expect(yield* Effect.promise(() => service.exited)).toBe(0)
      // a request still being written as the signal arrives may race the listener's close
      const beforeSignal = sent.filter((s) => s.at < signalledAt - 20)
      const statuses = yield* Effect.promise(() => Promise.all(beforeSignal.map((s) => s.answer.then((a) => a.status))))
      expect(statuses.length).toBeGreaterThan(20)
      expect(statuses.filter((status) => status !== 201)).toEqual([])
      expect(yield* Effect.promise(() => isListening(service.port))).toBe(false)
    }), { timeout: 90_000 })

  it.scopedLive("SIGTERM to the `npm start` PID stops the service; nothing is orphaned", () =>
    Effect.gen(function* () {
      const name = yield* scopedDatabase
      const service = yield* startService(
        { DATABASE_URL: databaseUrlFor(name), STARMILE_RESOLVER_INTERVAL: "1 hour" },
        // `npm start` compiles first: slow on a busy machine
        { command: ["npm", "start", "--silent"], readyTimeoutMs: 180_000 }
      )
      const tree = descendants(service.child.pid!)
      expect(tree.length).toBeGreaterThan(0)
      service.child.kill("SIGTERM")
      yield* Effect.promise(() => service.exited)
      yield* Effect.promise(async () => {
        const deadline = Date.now() + 10_000
        while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      })
      expect(tree.filter(isAlive)).toEqual([])
      expect(yield* Effect.promise(() => isListening(service.port))).toBe(false)
    }), { timeout: 240_000 })
})
