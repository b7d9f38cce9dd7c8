/**
 * One PostgreSQL server for the whole run: DATABASE_URL when set, otherwise an embedded server
 * in a temporary directory (removed afterwards). Each test file then creates its own database.
 */
import { Effect, Exit, Redacted, Scope } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"
import { startEmbeddedPostgres } from "../../src/persistence/EmbeddedPostgres.js"

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string
  }
}

/** The compiled service (dist/), for the tests that run it as a child process (test/support/Service.ts). */
const buildService = () =>
  execFileSync(process.execPath, [path.resolve("node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    stdio: "inherit"
  })

export default async function setup(project: TestProject) {
  buildService()
  const configured = process.env["DATABASE_URL"]
  if (configured !== undefined && configured !== "") {
    project.provide("adminDatabaseUrl", configured)
    return
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "starmile-test-pg-"))
  fs.rmdirSync(dataDir) // initdb wants to create it
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(
    startEmbeddedPostgres({ dataDir, persistent: false }).pipe(Scope.extend(scope))
  )
  project.provide("adminDatabaseUrl", Redacted.value(server.url))
  return async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
