/**
 * The operator bearer token: STARMILE_OPERATOR_TOKEN, required when DATABASE_URL is set. For
 * the zero-configuration embedded mode it is generated once and kept in the data directory.
 */
import { Context, Effect, Layer, Option, Redacted } from "effect"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { DatabaseUrl, DataDir, OperatorToken } from "./AppConfig.js"

export class OperatorTokenValue extends Context.Tag("starmile/OperatorToken")<OperatorTokenValue, Redacted.Redacted>() {}

export class OperatorTokenMissing extends Error {
  override readonly name = "OperatorTokenMissing"
}

export const OperatorTokenLive = Layer.effect(
  OperatorTokenValue,
  Effect.gen(function* () {
    const configured = yield* OperatorToken
    if (Option.isSome(configured)) return configured.value
    if (Option.isSome(yield* DatabaseUrl)) {
      return yield* Effect.fail(
        new OperatorTokenMissing("STARMILE_OPERATOR_TOKEN is required when DATABASE_URL is set (at least 16 characters).")
      )
    }
    const file = path.resolve(yield* DataDir, "operator-token")
    return yield* Effect.sync(() => {
      if (fs.existsSync(file)) return Redacted.make(fs.readFileSync(file, "utf8").trim())
      fs.mkdirSync(path.dirname(file), { recursive: true })
      const token = `op_${crypto.randomBytes(24).toString("base64url")}`
      fs.writeFileSync(file, token + "\n", { mode: 0o600 })
      return Redacted.make(token)
    })
  })
)
