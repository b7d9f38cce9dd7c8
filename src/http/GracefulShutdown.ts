/**
 * Draining the node HTTP server on shutdown. `server.close()` alone stops accepting and drops
 * idle keep-alive sockets, but the process then exits under the requests still in flight
 * (and a request that had just arrived on an idle socket is reset). The drain:
 * 1. marks the instance as shutting down (/ready → 503, `Connection: close` on every answer);
 * 2. lets the event loop read what already arrived, then stops accepting (idle sockets close);
 * 3. waits for the requests in flight, up to the grace, each answered with `Connection: close`;
 * 4. destroys whatever is left after the grace.
 */
import { Duration, Effect } from "effect"
import type * as http from "node:http"
import type { RequestGate } from "./Operations.js"

export interface DrainReport {
  /** Requests answered (or cut off) during the drain: in flight at the signal, and read since. */
  readonly inFlight: number
  readonly cutOff: number
  readonly millis: number
}

const SLOT = Symbol("starmile/openResponseSlot")
type Tracked = http.ServerResponse & { [SLOT]?: number }

/**
 * The responses not yet closed, in an array (a response knows its slot; removal swaps the last
 * one in). Not a `Set`: a Set that keeps growing and shrinking is rehashed into new tables,
 * and each dead table keeps a link to its successor, so once one reached the old generation
 * every later table and the requests in it were promoted by each young-generation collection
 * (README "The create path", `npm run bench:gc`).
 */
class OpenResponses {
  private readonly items: Array<Tracked> = []
  get size() {
    return this.items.length
  }
  add(response: Tracked) {
    response[SLOT] = this.items.length
    this.items.push(response)
  }
  delete(response: Tracked) {
    const slot = response[SLOT]
    if (slot === undefined || this.items[slot] !== response) return
    const last = this.items.pop()!
    if (last !== response) {
      this.items[slot] = last
      last[SLOT] = slot
    }
    response[SLOT] = -1
  }
  forEach(f: (response: http.ServerResponse) => void) {
    this.items.forEach((response) => f(response))
  }
}

/** Tracks the server's open responses; call once, before the server handles requests. */
export const trackResponses = (server: http.Server, gate: RequestGate) => {
  const open = new OpenResponses()
  let onIdle: (() => void) | undefined
  /** Requests read while draining (on connections accepted before the listener closed). */
  let lateArrivals = 0
  server.on("request", (_request: http.IncomingMessage, response: http.ServerResponse) => {
    open.add(response)
    if (gate.shuttingDown) {
      response.shouldKeepAlive = false
      lateArrivals++
    }
    response.once("close", () => {
      open.delete(response)
      if (open.size === 0) onIdle?.()
    })
  })

  /** Runs steps 2–4 (the caller has set `gate.shuttingDown`). */
  const drain = (grace: Duration.Duration): Effect.Effect<DrainReport> =>
    Effect.promise(async () => {
      const started = Date.now()
      // requests already sent on idle keep-alive sockets become "in flight" in this tick
      const atSignal = open.size - lateArrivals
      await new Promise((resolve) => setTimeout(resolve, 25))
      open.forEach((response) => {
        if (!response.headersSent) response.shouldKeepAlive = false
      })
      server.close()
      server.closeIdleConnections()
      const idle = new Promise<void>((resolve) => {
        if (open.size === 0) return resolve()
        onIdle = resolve
      })
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Duration.toMillis(grace))
      })
      const outcome = await Promise.race([idle, timedOut])
      clearTimeout(timer)
      const cutOff = outcome === "timeout" ? open.size : 0
      server.closeAllConnections()
      return { inFlight: atSignal + lateArrivals, cutOff, millis: Date.now() - started }
    })

  return { drain }
}
