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
  operatorToken: OperatorToken
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
    Config.all({ tokenTtlSeconds: TokenTtlSeconds, resolverInterval: ResolverInterval, resolverBatchSize: ResolverBatchSize }),
    (settings) => DomainConfig.of(settings)
  )
)
