/**
 * The service: PostgreSQL (DATABASE_URL or embedded), migrations, the HTTP API and the
 * scheduled jobs. On SIGINT/SIGTERM the main fiber is interrupted and the drain runs first:
 * /ready answers 503, the listener stops accepting, requests in flight finish (up to
 * STARMILE_SHUTDOWN_GRACE); then the jobs stop between batches, the pool and the embedded
 * database close. Production command:
 * `node --max-semi-space-size=32 --no-allocation-site-pretenuring dist/main.js` (what `npm start`
 * execs; the flags: README "The create path").
 */
import { NodeRuntime } from "@effect/platform-node"
import { SqlError } from "@effect/sql"
import { Cause, Config, Effect, Exit, Layer, LogLevel, Option, Redacted } from "effect"
import { createServer } from "node:http"
import { AppLogLevel, DomainConfigFromEnv, LogFormat, Port, ServiceConfig } from "./AppConfig.js"
import { demoBanner } from "./Banner.js"
import { readDemoCredentials, seedDemoIfEmpty } from "./DemoSeed.js"
import { Billing } from "./domain/Billing.js"
import { CatalogueService } from "./domain/CatalogueService.js"
import { Credentials } from "./domain/Credentials.js"
import { Orders } from "./domain/Orders.js"
import { ParcelFlow } from "./domain/ParcelFlow.js"
import { RegionMappings } from "./domain/RegionMappings.js"
import { StatusPool } from "./domain/StatusPool.js"
import { trackResponses } from "./http/GracefulShutdown.js"
import { Operations, RequestGate } from "./http/Operations.js"
import * as ListenerServer from "./http/ListenerServer.js"
import { HttpLive } from "./http/Server.js"
import { DomainLive } from "./index.js"
import { JobRegistry } from "./jobs/Jobs.js"
import { JobsLive } from "./jobs/JobsLive.js"
import { loggerLayer } from "./observability/Logging.js"
import { tracingLayer, withServiceSpans } from "./observability/Tracing.js"
import { OperatorTokenLive, OperatorTokenValue } from "./OperatorToken.js"
import { DatabaseInfo, DatabaseLive, describeCause } from "./persistence/Database.js"
import { EmbeddedPostgresError } from "./persistence/EmbeddedPostgres.js"

/** Embedded mode only: seed an empty workspace once, then print how to make the first call. */
const DemoLive = Layer.effectDiscard(
  Effect.gen(function* () {
    const info = yield* DatabaseInfo
    if (!info.embedded) return
    if ((yield* seedDemoIfEmpty) !== undefined) yield* Effect.logInfo("demo workspace seeded")
    const demo = yield* readDemoCredentials
    if (demo === undefined) return
    const port = yield* Port
    const operatorToken = Redacted.value(yield* OperatorTokenValue)
    yield* Effect.sync(() => console.log(demoBanner({ port, operatorToken, demo })))
  })
)

const TRACED_SERVICES = [Orders, Credentials, CatalogueService, RegionMappings, ParcelFlow, StatusPool, Billing, JobRegistry]

/** The reason a start failed, in one sentence, for the errors an operator can act on. */
const startFailure = (cause: Cause.Cause<unknown>): string | undefined => {
  const failure = Option.getOrUndefined(Cause.failureOption(cause))
  if (failure instanceof EmbeddedPostgresError) return failure.message
  if (failure instanceof SqlError.SqlError && /connect/i.test(failure.message)) {
    return `PostgreSQL cannot be reached (${describeCause(failure.cause)}): check DATABASE_URL and that the server is up; ` +
      "STARMILE_DB_START_TIMEOUT sets how long the start retries."
  }
  return undefined
}

const main = Effect.gen(function* () {
  const config = yield* ServiceConfig
  const ops = config.operations
  const gate = new RequestGate(ops.maxInFlight, ops.accessLog)
  const server = createServer()
  const { drain } = trackResponses(server, gate)
  const ServerLive = ListenerServer.layer(() => server, { port: config.port, host: "0.0.0.0" })
  const Domain = withServiceSpans(DomainLive, TRACED_SERVICES, Option.isSome(ops.otlpEndpoint)).pipe(Layer.provide(DomainConfigFromEnv))
  const AppLive = Layer.mergeAll(HttpLive.pipe(Layer.provide(ServerLive)), JobsLive, DemoLive).pipe(
    Layer.provide(Domain),
    Layer.provide(OperatorTokenLive),
    Layer.provideMerge(DatabaseLive),
    Layer.provide(Layer.succeed(Operations, gate)),
    Layer.provide(tracingLayer(ops.otlpEndpoint, ops.otelServiceName))
  )
  yield* Effect.scoped(Effect.gen(function* () {
    yield* Layer.build(AppLive)
    // added after the app's finalizers, so it runs before them: drain, then close the rest
    yield* Effect.addFinalizer(() =>
      Effect.gen(function* () {
        gate.shuttingDown = true
        yield* Effect.logInfo("shutting down: draining requests in flight")
        const report = yield* drain(ops.shutdownGrace)
        yield* Effect.logInfo(
          `shutdown: drained ${report.inFlight - report.cutOff} request(s) in flight in ${report.millis} ms` +
            (report.cutOff > 0 ? `, ${report.cutOff} cut off after the grace` : "")
        ).pipe(Effect.annotateLogs({ drained: report.inFlight - report.cutOff, cut_off: report.cutOff }))
      })
    )
    return yield* Effect.never
  }))
}).pipe(
  Effect.tapErrorCause((cause) => {
    if (Cause.isInterruptedOnly(cause)) return Effect.void
    const sentence = startFailure(cause)
    return sentence === undefined
      ? Effect.logFatal("the service stopped", cause)
      : Effect.sync(() => console.error(sentence))
  })
)

/** The logger is configured before anything logs (a bad value is reported by ServiceConfig). */
const LoggingLive = Layer.unwrapEffect(
  Effect.map(
    Effect.orElseSucceed(Config.all([LogFormat, AppLogLevel]), () => ["json", LogLevel.Info] as const),
    ([format, level]) => loggerLayer(format, level)
  )
)

NodeRuntime.runMain(main.pipe(Effect.provide(LoggingLive)), {
  // failures are reported by `main` itself: one sentence when the cause is known
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause) ? 0 : 1)
})
