/**
 * Bearer middlewares: partners (OAuth access tokens → CurrentPartner) and operators
 * (STARMILE_OPERATOR_TOKEN). Both reject the empty token the platform passes when the
 * Authorization header is missing.
 */
import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import * as crypto from "node:crypto"
import { CurrentPartner } from "../domain/Auth.js"
import { Credentials } from "../domain/Credentials.js"
import { Unauthenticated } from "../domain/Errors.js"
import { OperatorTokenValue } from "../OperatorToken.js"
import { envelope } from "./Envelope.js"

export class PartnerAuth extends HttpApiMiddleware.Tag<PartnerAuth>()("PartnerAuth", {
  failure: envelope(Unauthenticated),
  provides: CurrentPartner,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

export class OperatorAuth extends HttpApiMiddleware.Tag<OperatorAuth>()("OperatorAuth", {
  failure: envelope(Unauthenticated),
  security: { operatorBearer: HttpApiSecurity.bearer }
}) {}

export const PartnerAuthLive = Layer.effect(
  PartnerAuth,
  Effect.map(Credentials, (credentials) => ({ bearer: (token: Redacted.Redacted) => credentials.authenticate(token) }))
)

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
