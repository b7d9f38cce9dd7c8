/**
 * The service: PostgreSQL (DATABASE_URL or embedded), migrations, the HTTP API and the
 * scheduled jobs. SIGINT/SIGTERM interrupt the main fiber: the server stops accepting, jobs
 * are interrupted between batches, the embedded database is stopped.
 */
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Logger, Redacted } from "effect"
import { createServer } from "node:http"
import { AppLogLevel, DomainConfigFromEnv, Port, ServiceConfig } from "./AppConfig.js"
import { demoBanner } from "./Banner.js"
import { readDemoCredentials, seedDemoIfEmpty } from "./DemoSeed.js"
import { HttpLive } from "./http/Server.js"
import { DomainLive } from "./index.js"
import { JobsLive } from "./jobs/JobsLive.js"
import { OperatorTokenLive, OperatorTokenValue } from "./OperatorToken.js"
import { DatabaseInfo, DatabaseLive } from "./persistence/Database.js"

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

const ServerLive = Layer.unwrapEffect(
  Effect.map(Port, (port) => NodeHttpServer.layer(createServer, { port, host: "0.0.0.0" }))
)

const AppLive = Layer.mergeAll(HttpLive.pipe(Layer.provide(ServerLive)), JobsLive, DemoLive).pipe(
  Layer.provide(DomainLive.pipe(Layer.provide(DomainConfigFromEnv))),
  Layer.provide(OperatorTokenLive),
  Layer.provideMerge(DatabaseLive)
)

const main = Effect.zipRight(ServiceConfig, Layer.launch(AppLive.pipe(Layer.provide(Layer.setTracerEnabled(false))))).pipe(
  Effect.provide(Layer.unwrapEffect(Effect.map(AppLogLevel, Logger.minimumLogLevel)))
)

NodeRuntime.runMain(main)
