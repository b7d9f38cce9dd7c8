/**
 * The service's metrics (Effect `Metric`), served as Prometheus text at `GET /metrics`
 * through the OpenTelemetry Prometheus exporter: @effect/opentelemetry bridges Effect's
 * metric registry into an OTel MetricReader, and the exporter's serializer writes the text.
 */
import type { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus"
import type { SqlClient } from "@effect/sql"
import { Effect, Metric, MetricBoundaries, MetricLabel, Option } from "effect"
import type { PoolUsage } from "../persistence/Database.js"

/** Requests answered, by route template, method and status. */
export const httpRequests = Metric.counter("http_requests_total", {
  description: "HTTP requests answered",
  incremental: true
})

/** Request latency in seconds, by route template, method and status. */
export const httpRequestDuration = Metric.histogram(
  "http_request_duration_seconds",
  MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  "HTTP request latency"
)

/** Requests refused at once because the instance had as many in flight as it takes. */
export const httpRequestsShed = Metric.counter("http_requests_shed_total", {
  description: "Requests answered 503 overloaded (load shedding)",
  incremental: true
})

export const httpRequestsInFlight = Metric.gauge("http_requests_in_flight", {
  description: "Requests being handled now"
})

export const ordersCreated = Metric.counter("orders_created_total", {
  description: "Orders created",
  incremental: true
})

/** Orders per create statement: 1 when creates arrive alone, more under load (OrdersRepo). */
export const createBatchSize = Metric.histogram(
  "orders_create_batch_size",
  MetricBoundaries.fromIterable([1, 2, 4, 8]),
  "Orders written per create statement"
)

export const pendingMappingBacklog = Metric.gauge("pending_mapping_orders", {
  description: "Orders waiting for a region mapping (read at scrape time)"
})

export const pendingMappingOldestAge = Metric.gauge("pending_mapping_oldest_age_seconds", {
  description: "Age of the oldest order waiting for a region mapping: the resolver's lag"
})

export const resolverRuns = Metric.counter("resolver_runs_total", {
  description: "Pending-mapping resolver runs, by outcome",
  incremental: true
})

export const resolverResolved = Metric.counter("resolver_resolved_orders_total", {
  description: "Orders the resolver moved from pending_mapping to mapped",
  incremental: true
})

export const resolverLastRunAge = Metric.gauge("resolver_last_run_age_seconds", {
  description: "Seconds since the resolver last finished a run (any instance)"
})

export const dbPoolConnections = Metric.gauge("db_pool_connections", {
  description: "Connections of this instance's pool, by state (idle, in_use), and its max"
})

export const dbPoolWaiting = Metric.gauge("db_pool_waiting_requests", {
  description: "Acquisitions waiting for a pooled connection"
})

export const databaseOutageErrors = Metric.counter("database_unavailable_total", {
  description: "Requests answered 503 database_unavailable",
  incremental: true
})

/** Loaded on the first scrape: a service nobody scrapes does not load the OpenTelemetry SDK. */
const prometheus = Effect.cached(
  Effect.promise(async () => {
    const [{ PrometheusExporter, PrometheusSerializer }, OtelMetrics, Resource] = await Promise.all([
      import("@opentelemetry/exporter-prometheus"),
      import("@effect/opentelemetry/Metrics"),
      import("@effect/opentelemetry/Resource")
    ])
    // a reader only: the exporter's own HTTP server is not started
    const reader: PrometheusExporter = new PrometheusExporter({ preventServerStart: true })
    reader.setMetricProducer(
      Effect.runSync(Effect.provide(OtelMetrics.makeProducer, Resource.layer({ serviceName: "starmile-hub" })))
    )
    const serializer: PrometheusSerializer = new PrometheusSerializer()
    return { reader, serializer }
  })
).pipe(Effect.runSync)

/** Every metric of Effect's (process-wide) registry as Prometheus text. */
export const renderPrometheus: Effect.Effect<string> = Effect.flatMap(prometheus, ({ reader, serializer }) =>
  Effect.map(Effect.promise(() => reader.collect()), ({ resourceMetrics }) => serializer.serialize(resourceMetrics)))

const setGauge = (gauge: Metric.Metric.Gauge<number>, value: number, labels: ReadonlyArray<MetricLabel.MetricLabel> = []) =>
  gauge.unsafeUpdate(value, labels)

/** Gauges read from the database and the pool when scraped (cheap aggregate queries). */
export const sampleDatabaseGauges = (sql: SqlClient.SqlClient, pool: Option.Option<{ readonly usage: () => PoolUsage }>) =>
  Effect.gen(function* () {
    if (Option.isSome(pool)) {
      const usage = pool.value.usage()
      setGauge(dbPoolConnections, usage.idle, [MetricLabel.make("state", "idle")])
      setGauge(dbPoolConnections, usage.total - usage.idle, [MetricLabel.make("state", "in_use")])
      setGauge(dbPoolConnections, usage.max, [MetricLabel.make("state", "max")])
      setGauge(dbPoolWaiting, usage.waiting)
    }
    const [backlog] = yield* sql<{ waiting: number; oldest_age: number | null }>`
      select count(*)::int as waiting, extract(epoch from now() - min(created_at))::float8 as oldest_age
        from orders where region_status = 'pending_mapping' and cancelled_at is null`
    setGauge(pendingMappingBacklog, backlog?.waiting ?? 0)
    setGauge(pendingMappingOldestAge, backlog?.oldest_age ?? 0)
    const [run] = yield* sql<{ age: number | null }>`
      select extract(epoch from now() - max(finished_at))::float8 as age
        from job_runs where job = 'resolve-pending-mappings'`
    if (run?.age != null) setGauge(resolverLastRunAge, run.age)
  }).pipe(
    // a scrape during an outage still answers, with the in-process metrics
    Effect.timeout("1 second"),
    Effect.ignore
  )
