/**
 * The operations middleware, one per request and cheap (no extra fiber, no generator, plain
 * functions; metric labels are built once per route and status):
 * - request id: `X-Request-Id` taken (when sane) or generated, echoed in the response, put on
 *   every log line of the request and in 5xx error bodies as `request_id`;
 * - load shedding: beyond `maxInFlight` requests in flight, 503 `overloaded` with Retry-After
 *   at once (probes and /metrics are never shed);
 * - while shutting down: `Connection: close` on every response;
 * - request count and latency by route template and status; an opt-in access log line.
 */
import { HttpApp, HttpBody, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Context, Effect, MetricLabel, Tracer } from "effect"
import * as crypto from "node:crypto"
import { Overloaded } from "../domain/Errors.js"
import { codeOf } from "./Envelope.js"
import { httpRequestDuration, httpRequests, httpRequestsInFlight, httpRequestsShed } from "../observability/Metrics.js"

/** The instance's request state: shared by the middleware, /ready and the shutdown drain. */
export class RequestGate {
  inFlight = 0
  shuttingDown = false
  constructor(readonly maxInFlight: number, readonly accessLog: boolean) {}
}

export class Operations extends Context.Reference<Operations>()("starmile/Operations", {
  // embedders and tests that do not configure it get no shedding and no access log
  defaultValue: () => new RequestGate(Number.MAX_SAFE_INTEGER, false)
}) {}

export const RETRY_AFTER_SECONDS = "1"

export const REQUEST_ID_HEADER = "x-request-id"
const SANE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/

/** The request's X-Request-Id when sane, otherwise a new one. */
export const requestIdOf = (headers: { readonly [name: string]: string | ReadonlyArray<string> | undefined }): string => {
  const given = headers[REQUEST_ID_HEADER]
  return typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : crypto.randomUUID()
}

/** Probes and metrics are answered whatever the load. */
const isExempt = (url: string): boolean =>
  url === "/health" || url === "/ready" || url === "/metrics" || url.startsWith("/health?") ||
  url.startsWith("/ready?") || url.startsWith("/metrics?")

const OVERLOADED = new Overloaded({ message: "This instance has too many requests in flight; retry shortly." })
const OVERLOADED_CODE = codeOf(Overloaded._tag)

/** Built by hand (not through the API's error encoding): shedding must cost next to nothing. */
const overloaded = (requestId: string) =>
  HttpServerResponse.unsafeJson(
    { message: OVERLOADED.message, code: OVERLOADED_CODE, request_id: requestId },
    { status: 503, headers: { "retry-after": RETRY_AFTER_SECONDS, [REQUEST_ID_HEADER]: requestId } }
  )

const textDecoder = new TextDecoder()

/**
 * Server-side failures (5xx: what a partner reports to support) get the request id in the
 * envelope; 503s say when to retry. Every response has the id in its X-Request-Id header.
 */
const decorateError = (response: HttpServerResponse.HttpServerResponse, requestId: string) => {
  let result = response
  if (response.status === 503 && response.headers["retry-after"] === undefined) {
    result = HttpServerResponse.setHeader(result, "retry-after", RETRY_AFTER_SECONDS)
  }
  const body = response.body
  if (body._tag === "Uint8Array" && body.contentType.startsWith("application/json")) {
    try {
      const envelope: unknown = JSON.parse(textDecoder.decode(body.body))
      if (typeof envelope === "object" && envelope !== null && !Array.isArray(envelope) && "code" in envelope) {
        result = HttpServerResponse.setBody(result, HttpBody.unsafeJson({ ...envelope, request_id: requestId }))
      }
    } catch {
      // not JSON after all: leave it
    }
  }
  return result
}

interface RequestMetrics {
  readonly labels: ReadonlyArray<MetricLabel.MetricLabel>
}
/** Labels per (method, route, status), built once: recording is then two map-free updates. */
const labelCache = new Map<string, RequestMetrics>()
const labelsFor = (method: string, route: string, status: number) => {
  const key = `${method} ${route} ${status}`
  let cached = labelCache.get(key)
  if (cached === undefined) {
    cached = {
      labels: [MetricLabel.make("method", method), MetricLabel.make("route", route), MetricLabel.make("status", String(status))]
    }
    labelCache.set(key, cached)
  }
  return cached.labels
}

/** The router names the matched route on the request's span (`http.route`). */
const routeOf = (span: Tracer.AnySpan | undefined): string => {
  if (span === undefined || span._tag !== "Span") return "unmatched"
  const route = span.attributes.get("http.route")
  return typeof route === "string" ? route : "unmatched"
}

const writeAccessLog = (
  requestId: string,
  method: string,
  path: string,
  route: string,
  status: number,
  durationMs: number
) => {
  process.stdout.write(
    JSON.stringify({
      timestamp: new Date().toISOString(),
      level: "INFO",
      message: "http request",
      request_id: requestId,
      method,
      path,
      route,
      status,
      duration_ms: Math.round(durationMs * 10) / 10
    }) + "\n"
  )
}

/** The request count, latency and access log line of a request, once it is answered. */
export const recordRequest = (
  gate: RequestGate,
  requestId: string,
  method: string,
  path: string,
  route: string,
  status: number,
  startedAt: number
) => {
  const durationMs = performance.now() - startedAt
  const labels = labelsFor(method, route, status)
  httpRequests.unsafeUpdate(1, labels)
  httpRequestDuration.unsafeUpdate(durationMs / 1000, labels)
  if (gate.accessLog) writeAccessLog(requestId, method, path, route, status, durationMs)
}

/** One more request in flight (the gauge follows). */
export const enter = (gate: RequestGate) => {
  gate.inFlight++
  httpRequestsInFlight.unsafeUpdate(gate.inFlight, [])
}

/** One request fewer in flight. */
export const leave = (gate: RequestGate) => {
  gate.inFlight--
  httpRequestsInFlight.unsafeUpdate(gate.inFlight, [])
}

/**
 * The middleware (HttpMiddleware shape): wrap the whole app with it. The app it wraps writes
 * the response itself, so headers and bodies are changed in a pre-response handler; counting
 * and metrics happen once the response is written.
 */
export const operations = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.withFiberRuntime((fiber) => {
    const context = fiber.currentContext
    const request = Context.unsafeGet(context, HttpServerRequest.HttpServerRequest)
    const gate = Context.get(context, Operations)
    const requestId = requestIdOf(request.headers)
    if (gate.inFlight >= gate.maxInFlight && !isExempt(request.url)) {
      httpRequestsShed.unsafeUpdate(1, [])
      // answered by the server as this middleware's result (the app never runs)
      return Effect.succeed(overloaded(requestId))
    }
    enter(gate)
    const span = context.unsafeMap.get(Tracer.ParentSpan.key) as Tracer.AnySpan | undefined
    if (span !== undefined && span._tag === "Span") span.attribute("request.id", requestId)
    const started = performance.now()
    let status = 500
    const decorate = (_request: HttpServerRequest.HttpServerRequest, response: HttpServerResponse.HttpServerResponse) => {
      status = response.status
      let result = HttpServerResponse.setHeader(response, REQUEST_ID_HEADER, requestId)
      if (gate.shuttingDown) result = HttpServerResponse.setHeader(result, "connection", "close")
      return Effect.succeed(status >= 500 ? decorateError(result, requestId) : result)
    }
    return Effect.onExit(
      Effect.zipRight(HttpApp.appendPreResponseHandler(decorate), Effect.annotateLogs(app, "request_id", requestId)),
      () => {
        leave(gate)
        recordRequest(gate, requestId, request.method, request.url, routeOf(span), status, started)
        return Effect.void
      }
    )
  })
