/**
 * Traces: every HTTP request (the platform's server span, with `http.route`), every SQL
 * statement (@effect/sql's `sql.execute` spans) and every domain service call (the spans this
 * module wraps around the services' methods, with partner id, order reference/tracking and
 * parcel count). Exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise
 * no OpenTelemetry SDK is loaded and nothing is exported.
 */
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Context, Effect, Exit, Layer, MetricLabel, Option } from "effect"
import { RESOLVE_PENDING_MAPPINGS } from "../jobs/Jobs.js"
import { ordersCreated, resolverResolved, resolverRuns } from "./Metrics.js"

/** The OTLP pipeline, or nothing. The SDK is imported only when it is used. */
export const tracingLayer = (endpoint: Option.Option<string>, serviceName: string) =>
  Option.isNone(endpoint) ? Layer.empty : Layer.unwrapEffect(
    Effect.promise(async () => {
      const [{ BatchSpanProcessor }, { OTLPTraceExporter }] = await Promise.all([
        import("@opentelemetry/sdk-trace-base"),
        import("@opentelemetry/exporter-trace-otlp-http")
      ])
      // the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, ...) itself
      return sdkLayer(new BatchSpanProcessor(new OTLPTraceExporter()), serviceName)
    })
  )

/** An OpenTelemetry tracer over the given span processor (tests pass an in-memory one). */
export const sdkLayer = (processor: SpanProcessor, serviceName: string) =>
  Layer.unwrapEffect(
    Effect.promise(() => import("@effect/opentelemetry/NodeSdk")).pipe(
      Effect.map((NodeSdk) => NodeSdk.layer(() => ({ resource: { serviceName }, spanProcessor: processor })))
    )
  )

type Attributes = Record<string, string | number>

/** What the arguments of a domain call say about it: partner, order reference, parcel count. */
const argumentAttributes = (args: ReadonlyArray<unknown>): Attributes => {
  const attributes: Attributes = {}
  for (const arg of args) {
    if (typeof arg !== "object" || arg === null) continue
    const value = arg as Record<string, unknown>
    if (typeof value["partnerId"] === "number") attributes["starmile.partner_id"] = value["partnerId"]
    if (typeof value["order_id"] === "string") attributes["starmile.order.reference"] = value["order_id"]
    if (Array.isArray(value["parcels"])) attributes["starmile.order.parcel_count"] = value["parcels"].length
  }
  if (typeof args[1] === "string") attributes["starmile.order.reference"] ??= args[1]
  return attributes
}

/** What the result says: the order's tracking number. */
const annotateResult = (result: unknown) => {
  if (typeof result !== "object" || result === null) return Effect.void
  const value = result as Record<string, unknown>
  const tracking = typeof value["tracking"] === "string"
    ? value["tracking"]
    : typeof value["order_id"] === "string" && /^S[A-Z]\d{9}[A-Z]{2}$/.test(value["order_id"])
    ? value["order_id"]
    : undefined
  return tracking === undefined ? Effect.void : Effect.annotateCurrentSpan("starmile.order.tracking", tracking)
}

/** Counters that follow a domain call's outcome (the call sites stay free of metrics code). */
const outcomeHooks: Record<string, (exit: Exit.Exit<unknown, unknown>, args: ReadonlyArray<unknown>) => void> = {
  "Orders.create": (exit) => {
    if (Exit.isSuccess(exit)) ordersCreated.unsafeUpdate(1, [])
  },
  "JobRegistry.run": (exit, args) => {
    if (args[0] !== RESOLVE_PENDING_MAPPINGS) return
    resolverRuns.unsafeUpdate(1, [MetricLabel.make("outcome", Exit.isSuccess(exit) ? "succeeded" : "failed")])
    if (Exit.isSuccess(exit)) {
      const resolved = (exit.value as { readonly resolved?: unknown }).resolved
      if (typeof resolved === "number") resolverResolved.unsafeUpdate(resolved, [])
    }
  }
}

const wrapService = (name: string, service: object, spans: boolean): object => {
  const wrapped: Record<string, unknown> = Object.create(Object.getPrototypeOf(service))
  for (const [key, value] of Object.entries(service)) {
    const spanName = `${name}.${key}`
    const hook = outcomeHooks[spanName]
    if (Effect.isEffect(value)) {
      wrapped[key] = spans ? Effect.withSpan(value, spanName) : value
    } else if (typeof value === "function" && (spans || hook !== undefined)) {
      wrapped[key] = (...args: Array<unknown>) => {
        const result: unknown = value.apply(service, args)
        if (!Effect.isEffect(result)) return result
        const observed = hook === undefined
          ? result
          : Effect.onExit(result, (exit) => Effect.sync(() => hook(exit, args)))
        return spans
          ? Effect.withSpan(Effect.tap(observed, annotateResult), spanName, { attributes: argumentAttributes(args) })
          : observed
      }
    } else {
      wrapped[key] = value
    }
  }
  return wrapped
}

/**
 * The same layer, its services' methods each in a span named `Service.method` when `spans` is
 * true, and always with the outcome counters above. The service spans are for an exporter:
 * without one nobody reads them, and they cost about a tenth of a create's CPU (README
 * "Benchmarks"). Callers that got
 * the service from this layer's context (handlers, jobs) are traced; services built inside it
 * keep the references they captured.
 */
export const withServiceSpans = <ROut, E, RIn>(
  layer: Layer.Layer<ROut, E, RIn>,
  tags: ReadonlyArray<Context.Tag<any, any>>,
  spans = true
): Layer.Layer<ROut, E, RIn> =>
  Layer.map(layer, (context) => {
    let result = context
    for (const tag of tags) {
      const service = Context.getOption(result, tag)
      if (Option.isSome(service)) {
        result = Context.add(result, tag, wrapService(tag.key.replace(/^starmile\//, ""), service.value, spans))
      }
    }
    return result
  })
