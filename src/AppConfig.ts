/**
 * Service configuration, read once with Effect `Config`. A bad value fails the start with a
 * ConfigError naming the variable (and a non-zero exit from the runtime).
 */
import { Config, Duration, Effect, Layer, LogLevel, Option, Redacted } from "effect"
import { DomainConfig } from "./domain/DomainConfig.js"

export const Port = Config.integer("PORT").pipe(
  Config.withDefault(3000),
  Config.validate({ message: "PORT must be between 1 and 65535", validation: (n) => n >= 1 && n <= 65535 })
)

/** Seconds an access token lives. */
export const TokenTtlSeconds = Config.integer("STARMILE_TOKEN_TTL_SECONDS").pipe(
  Config.withDefault(3600),
  Config.validate({
    message: "STARMILE_TOKEN_TTL_SECONDS must be between 60 and 86400",
    validation: (n) => n >= 60 && n <= 86_400
  })
)

/** How often the pending-mapping resolver runs (e.g. "30 seconds", "2 minutes"). */
export const ResolverInterval = Config.duration("STARMILE_RESOLVER_INTERVAL").pipe(
  Config.withDefault(Duration.seconds(30)),
  Config.validate({
    message: "STARMILE_RESOLVER_INTERVAL must be at least 100 millis",
    validation: (d) => Duration.greaterThanOrEqualTo(d, Duration.millis(100))
  })
)

export const AppLogLevel = Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))

/** Where the embedded PostgreSQL keeps its data (and the demo operator token). */
export const DataDir = Config.string("STARMILE_DATA_DIR").pipe(Config.withDefault(".starmile"))

export const DatabaseUrl = Config.option(Config.redacted("DATABASE_URL"))

export const OperatorToken = Config.option(Config.redacted("STARMILE_OPERATOR_TOKEN")).pipe(
  Config.validate({
    message: "STARMILE_OPERATOR_TOKEN must be at least 16 characters",
    validation: (token) => Option.match(token, { onNone: () => true, onSome: (t) => Redacted.value(t).length >= 16 })
  })
)

/** Orders the resolver updates per transaction. */
export const ResolverBatchSize = Config.integer("STARMILE_RESOLVER_BATCH_SIZE").pipe(
  Config.withDefault(5000),
  Config.validate({
    message: "STARMILE_RESOLVER_BATCH_SIZE must be between 1 and 100000",
    validation: (n) => n >= 1 && n <= 100_000
  })
)

/**
 * Every setting at once, read before anything starts, so a bad value stops the start with a
 * message naming its variable instead of surfacing later (or never) from the layer that uses it.
 */
export const ServiceConfig = Config.all({
  port: Port,
  tokenTtlSeconds: TokenTtlSeconds,
  resolverInterval: ResolverInterval,
  resolverBatchSize: ResolverBatchSize,
  logLevel: AppLogLevel,
  dataDir: DataDir,
  databaseUrl: DatabaseUrl,
  operatorToken: OperatorToken,
  // defined below; Config is lazy, so the forward reference is read when ServiceConfig is
  operations: Config.suspend(() => OperationsConfig)
}).pipe(
  Config.validate({
    message: "STARMILE_OPERATOR_TOKEN is required when DATABASE_URL is set (at least 16 characters)",
    validation: (config) => Option.isNone(config.databaseUrl) || Option.isSome(config.operatorToken)
  })
)

/** The domain's settings read from the STARMILE_* variables above (the service's; embedders use DomainConfig.layer). */
export const DomainConfigFromEnv = Layer.effect(
  DomainConfig,
  Effect.map(
    Config.all({
      tokenTtlSeconds: TokenTtlSeconds,
      resolverInterval: ResolverInterval,
      resolverBatchSize: ResolverBatchSize,
      // a create waits for a writer as long as any request waits for a pooled connection
      createQueueWait: Config.suspend(() => DatabaseSettings).pipe(Config.map((db) => db.acquireTimeout))
    }),
    (settings) => DomainConfig.of(settings)
  )
)

// --- operations (issue 9): shutdown, database bounds, shedding, logs, traces -----------------

const durationAtLeast = (name: string, fallback: Duration.DurationInput, min: Duration.DurationInput) =>
  Config.duration(name).pipe(
    Config.withDefault(Duration.decode(fallback)),
    Config.validate({
      message: `${name} must be at least ${Duration.format(Duration.decode(min))}`,
      validation: (d) => Duration.greaterThanOrEqualTo(d, Duration.decode(min))
    })
  )

/** How long in-flight requests may take to finish after SIGTERM/SIGINT. */
export const ShutdownGrace = durationAtLeast("STARMILE_SHUTDOWN_GRACE", "10 seconds", "0 millis")

/** Database connections this instance may hold, and how long any wait on the database may be. */
export const DatabaseSettings = Config.all({
  maxConnections: Config.integer("STARMILE_DB_POOL_SIZE").pipe(
    Config.withDefault(10),
    Config.validate({
      message: "STARMILE_DB_POOL_SIZE must be between 1 and 1000",
      validation: (n) => n >= 1 && n <= 1000
    })
  ),
  connectTimeout: durationAtLeast("STARMILE_DB_CONNECT_TIMEOUT", "3 seconds", "100 millis"),
  acquireTimeout: durationAtLeast("STARMILE_DB_ACQUIRE_TIMEOUT", "2 seconds", "50 millis"),
  statementTimeout: durationAtLeast("STARMILE_DB_STATEMENT_TIMEOUT", "5 seconds", "100 millis"),
  startTimeout: durationAtLeast("STARMILE_DB_START_TIMEOUT", "30 seconds", "0 millis")
})

/** Requests in flight on one instance beyond which it answers 503 overloaded at once. */
export const MaxInFlight = Config.integer("STARMILE_MAX_IN_FLIGHT").pipe(
  Config.withDefault(128),
  Config.validate({
    message: "STARMILE_MAX_IN_FLIGHT must be between 1 and 100000",
    validation: (n) => n >= 1 && n <= 100_000
  })
)

/** `json` (one object per line) or `pretty`; JSON unless stdout is a terminal. */
export const LogFormat = Config.literal("json", "pretty")("LOG_FORMAT").pipe(
  Config.withDefault(process.stdout.isTTY ? "pretty" as const : "json" as const)
)

/** One JSON line per request on stdout (off by default: it costs a write per request). */
export const AccessLog = Config.boolean("STARMILE_ACCESS_LOG").pipe(Config.withDefault(false))

/** Traces are exported over OTLP/HTTP only when this is set (e.g. http://collector:4318). */
export const OtlpEndpoint = Config.option(Config.string("OTEL_EXPORTER_OTLP_ENDPOINT")).pipe(
  Config.map(Option.filter((url) => url.trim() !== ""))
)

export const OtelServiceName = Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault("starmile-hub"))

export const OperationsConfig = Config.all({
  shutdownGrace: ShutdownGrace,
  database: DatabaseSettings,
  maxInFlight: MaxInFlight,
  logFormat: LogFormat,
  accessLog: AccessLog,
  otlpEndpoint: OtlpEndpoint,
  otelServiceName: OtelServiceName
})
