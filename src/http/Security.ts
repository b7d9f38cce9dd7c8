/**
 * The operator bearer middleware (STARMILE_OPERATOR_TOKEN). It rejects the empty token the
 * platform passes when the Authorization header is missing. Partner tokens: Scopes.ts.
 */
import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import * as crypto from "node:crypto"
import { Unauthenticated } from "../domain/Errors.js"
import { OperatorTokenValue } from "../OperatorToken.js"
import { envelope } from "./Envelope.js"

export class OperatorAuth extends HttpApiMiddleware.Tag<OperatorAuth>()("OperatorAuth", {
  failure: envelope(Unauthenticated),
  security: { operatorBearer: HttpApiSecurity.bearer }
}) {}

const sameToken = (given: string, expected: string): boolean => {
  const a = crypto.createHash("sha256").update(given).digest()
  const b = crypto.createHash("sha256").update(expected).digest()
  return crypto.timingSafeEqual(a, b)
}

export const OperatorAuthLive = Layer.effect(
  OperatorAuth,
  Effect.map(OperatorTokenValue, (expected) => ({
    operatorBearer: (token: Redacted.Redacted) =>
      Redacted.value(token).length > 0 && sameToken(Redacted.value(token), Redacted.value(expected))
        ? Effect.void
        : Effect.fail(new Unauthenticated({ message: "A valid operator token is required." }))
  }))
)
