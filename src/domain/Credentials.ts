/**
 * Credentials and tokens: issue a client credential (secret shown once), revoke it, exchange
 * it for a bearer token (client credentials grant), and resolve a bearer token to a principal.
 */
import { Effect, Option, Redacted } from "effect"
import { SCOPES, type Scope } from "./Catalogue.js"
import { CatalogueService } from "./CatalogueService.js"
import {
  hashSecret,
  InvalidClient,
  InvalidRequest,
  InvalidScope,
  type PartnerPrincipal,
  randomSecret,
  sameHash,
  UnsupportedGrantType
} from "./Auth.js"
import { NotFound, Unauthenticated } from "./Errors.js"
import type { PartnerId, WarehouseId } from "./Ids.js"
import { isStorableText } from "./Primitives.js"
import { CredentialsRepo } from "./repositories/CredentialsRepo.js"
import { DomainConfig } from "./DomainConfig.js"

/** The raw token request: JSON or form fields, not yet validated (RFC 6749 errors, not 422). */
export interface TokenRequest {
  readonly grant_type?: unknown
  readonly client_id?: unknown
  readonly client_secret?: unknown
  readonly scope?: unknown
}

/** An access token response (RFC 6749 §5.1). */
export interface IssuedToken {
  readonly access_token: string
  readonly token_type: "Bearer"
  readonly expires_in: number
  readonly scope: string
}

const isScope = (s: string): s is Scope => (SCOPES as ReadonlyArray<string>).includes(s)

/** Client credentials and bearer tokens: issue, revoke, exchange, authenticate. */
export class Credentials extends Effect.Service<Credentials>()("starmile/Credentials", {
  dependencies: [CatalogueService.Default],
  effect: Effect.gen(function* () {
    const repo = yield* CredentialsRepo
    const catalogue = yield* CatalogueService
    const ttlSeconds = (yield* DomainConfig).tokenTtlSeconds

    const stringParam = (value: unknown, name: string) =>
      typeof value === "string" && value.length > 0 && value.length <= 1024 && isStorableText(value)
        ? Effect.succeed(value)
        : Effect.fail(new InvalidRequest({ message: `The "${name}" parameter is missing or invalid.` }))

    return {
      create: (partnerId: PartnerId, input: { readonly warehouse_id: WarehouseId; readonly scopes?: ReadonlyArray<Scope> | undefined }) =>
        Effect.gen(function* () {
          yield* catalogue.requirePartner(partnerId)
          yield* catalogue.requireWarehouse(input.warehouse_id, "warehouse_id")
          const clientId = `sm_${(yield* randomSecret(12))}`
          const secret = yield* randomSecret(32)
          const scopes = input.scopes === undefined ? [...SCOPES] : [...new Set(input.scopes)]
          const row = yield* repo.insertCredential({
            client_id: clientId,
            secret_hash: hashSecret(secret),
            partner_id: partnerId,
            warehouse_id: input.warehouse_id,
            scopes
          })
          return {
            client_id: row.client_id,
            client_secret: secret,
            partner_id: row.partner_id,
            warehouse_id: row.warehouse_id,
            scopes: row.scopes,
            created_at: row.created_at
          }
        }),

      revoke: (clientId: string) =>
        (isStorableText(clientId) ? repo.revoke(clientId) : Effect.succeed(false)).pipe(
          Effect.flatMap((found) => found ? Effect.void : Effect.fail(NotFound.of("Credential", clientId)))
        ),

      /** `body` is whatever the client sent (JSON value or form fields). */
      issueToken: (body: unknown) =>
        Effect.gen(function* () {
          if (typeof body !== "object" || body === null || Array.isArray(body)) {
            return yield* new InvalidRequest({
              message: "The body must be a JSON object or form fields: grant_type, client_id, client_secret."
            })
          }
          const request: TokenRequest = body
          const grantType = yield* stringParam(request.grant_type, "grant_type")
          if (grantType !== "client_credentials") {
            return yield* new UnsupportedGrantType({ message: "Only grant_type=client_credentials is supported." })
          }
          const clientId = yield* stringParam(request.client_id, "client_id")
          const clientSecret = yield* stringParam(request.client_secret, "client_secret")
          const credential = yield* repo.findCredential(clientId)
          if (
            credential === undefined || credential.revoked_at !== null ||
            !sameHash(credential.secret_hash, hashSecret(clientSecret))
          ) {
            return yield* new InvalidClient({ message: "Client authentication failed." })
          }
          let scopes: ReadonlyArray<Scope> = credential.scopes
          if (request.scope !== undefined) {
            if (typeof request.scope !== "string") {
              return yield* new InvalidRequest({ message: "The \"scope\" parameter must be a space-separated string." })
            }
            const requested = [...new Set(request.scope.split(" ").filter((s) => s.length > 0))]
            const unknown = requested.filter((s) => !isScope(s) || !credential.scopes.includes(s))
            if (unknown.length > 0) {
              return yield* new InvalidScope({ message: `Scope not granted to this client: ${unknown.join(" ")}.` })
            }
            if (requested.length > 0) scopes = requested.filter(isScope)
          }
          const token = yield* randomSecret(32)
          yield* repo.insertToken({ token_hash: hashSecret(token), credential_id: credential.id, scopes, ttlSeconds })
          const issued: IssuedToken = { access_token: token, token_type: "Bearer", expires_in: ttlSeconds, scope: scopes.join(" ") }
          return issued
        }),

      /** Bearer token → principal; empty, unknown, expired or revoked → 401. */
      authenticate: (token: Redacted.Redacted) =>
        Effect.gen(function* () {
          const value = Redacted.value(token)
          if (value.length === 0) return yield* new Unauthenticated({ message: "A bearer token is required." })
          const row = Option.fromNullable(yield* repo.findPrincipal(hashSecret(value)))
          if (Option.isNone(row)) {
            return yield* new Unauthenticated({ message: "The bearer token is invalid, expired or revoked." })
          }
          const principal: PartnerPrincipal = {
            credentialId: row.value.credential_id,
            partnerId: row.value.partner_id,
            warehouseId: row.value.warehouse_id,
            warehouseCountry: row.value.warehouse_country,
            scopes: row.value.scopes
          }
          return principal
        })
    }
  })
}) {}
