/**
 * The real service as a child process (`node dist/main.js`, built by the global setup), on a
 * free port, with the environment a test gives it; its output is collected for assertions.
 */
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"
import { freePort } from "../../src/persistence/EmbeddedPostgres.js"

export const OPERATOR_TOKEN = "child-operator-token-0123456789"

export interface RunningService {
  readonly child: ChildProcess
  readonly port: number
  readonly base: string
  readonly output: () => string
  readonly exited: Promise<number | null>
}

export const startService = (
  env: Record<string, string | undefined>,
  options: { readonly command?: ReadonlyArray<string>; readonly cwd?: string; readonly readyTimeoutMs?: number } = {}
) =>
  Effect.gen(function* () {
    const port = yield* freePort
    const fullEnv: Record<string, string | undefined> = {
      ...process.env,
      STARMILE_OPERATOR_TOKEN: OPERATOR_TOKEN,
      LOG_FORMAT: "json",
      ...env,
      PORT: String(port)
    }
    const [command, ...args] = options.command ?? [process.execPath, "dist/main.js"]
    const child = spawn(command!, args, { env: fullEnv, cwd: options.cwd ?? process.cwd(), stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout!.on("data", (chunk) => (output += String(chunk)))
    child.stderr!.on("data", (chunk) => (output += String(chunk)))
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    const service: RunningService = { child, port, base: `http://127.0.0.1:${port}`, output: () => output, exited }
    yield* Effect.addFinalizer(() => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL")))
    yield* waitUntilReady(service, options.readyTimeoutMs)
    return service
  })

/** Polls /ready until 200 (or the child exits, or 60 s pass). */
export const waitUntilReady = (service: RunningService, timeoutMs: number = 60_000) =>
  Effect.promise(async () => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline && service.child.exitCode === null) {
      const ok = await fetch(`${service.base}/ready`).then((r) => r.status === 200, () => false)
      if (ok) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`the service did not get ready:\n${service.output()}`)
  })

/** True when something accepts TCP connections on the port. */
export const isListening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: any
  readonly millis: number
}

/** A request that never throws: a network failure is status 0 with the error as the body. */
export const request = (base: string, method: string, path: string, options: { body?: unknown; token?: string } = {}) =>
  (async (): Promise<Answer> => {
    const started = Date.now()
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers["authorization"] = `Bearer ${options.token}`
    if (options.body !== undefined) headers["content-type"] = "application/json"
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
      })
      const text = await response.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // text
      }
      return { status: response.status, headers: response.headers, body, millis: Date.now() - started }
    } catch (error) {
      return { status: 0, headers: new Headers(), body: String((error as Error).cause ?? error), millis: Date.now() - started }
    }
  })()
