/**
 * Partner authentication with the scope each endpoint needs: one bearer middleware per scope,
 * declared on each partner endpoint. It resolves the token to the principal (401 when missing,
 * invalid, expired or revoked), checks the scope (403 naming it) and provides CurrentPartner.
 * Middleware runs before the payload and query are decoded, so a token without the scope gets
 * 403 even when its body is invalid too.
 */
import { HttpApiMiddleware, HttpApiSecurity } from "@effect/platform"
import { Effect, Layer, type Redacted, Schema } from "effect"
import { checkScope, CurrentPartner } from "../domain/Auth.js"
import type { Scope } from "../domain/Catalogue.js"
import { Credentials } from "../domain/Credentials.js"
import { Forbidden, Unauthenticated } from "../domain/Errors.js"
import { envelope } from "./Envelope.js"

const options = {
  failure: Schema.Union(envelope(Unauthenticated), envelope(Forbidden)),
  provides: CurrentPartner,
  security: { bearer: HttpApiSecurity.bearer }
} as const

export class RequiresOrdersCreate extends HttpApiMiddleware.Tag<RequiresOrdersCreate>()("RequiresOrdersCreate", options) {}
export class RequiresOrdersRead extends HttpApiMiddleware.Tag<RequiresOrdersRead>()("RequiresOrdersRead", options) {}
export class RequiresOrdersUpdate extends HttpApiMiddleware.Tag<RequiresOrdersUpdate>()("RequiresOrdersUpdate", options) {}
export class RequiresOrdersCancel extends HttpApiMiddleware.Tag<RequiresOrdersCancel>()("RequiresOrdersCancel", options) {}
export class RequiresServicesRead extends HttpApiMiddleware.Tag<RequiresServicesRead>()("RequiresServicesRead", options) {}
export class RequiresStatusesRead extends HttpApiMiddleware.Tag<RequiresStatusesRead>()("RequiresStatusesRead", options) {}
export class RequiresInvoicesRead extends HttpApiMiddleware.Tag<RequiresInvoicesRead>()("RequiresInvoicesRead", options) {}

export const ScopesLive = Layer.unwrapEffect(Effect.map(Credentials, (credentials) => {
  const requiring = (scope: Scope) => ({
    bearer: (token: Redacted.Redacted) =>
      Effect.tap(credentials.authenticate(token), (principal) => checkScope(principal, scope))
  })
  return Layer.mergeAll(
    Layer.succeed(RequiresOrdersCreate, requiring("orders:create")),
    Layer.succeed(RequiresOrdersRead, requiring("orders:read")),
    Layer.succeed(RequiresOrdersUpdate, requiring("orders:update")),
    Layer.succeed(RequiresOrdersCancel, requiring("orders:cancel")),
    Layer.succeed(RequiresServicesRead, requiring("services:read")),
    Layer.succeed(RequiresStatusesRead, requiring("statuses:read")),
    Layer.succeed(RequiresInvoicesRead, requiring("invoices:read"))
  )
}))
