/**
 * Partner authentication (CONTRACT §3): OAuth 2.0 client credentials, opaque bearer tokens
 * stored only as hashes, scopes. The principal is what every partner operation acts for.
 */
import { HttpApiSchema } from "@effect/platform"
import { Context, Effect, Schema } from "effect"
import * as crypto from "node:crypto"
import { Forbidden } from "./Errors.js"
import type { Scope } from "./Catalogue.js"
import type { PartnerId, WarehouseId } from "./Ids.js"

/** Who is calling the partner API: a credential's partner, in its warehouse, with scopes. */
export interface PartnerPrincipal {
  readonly credentialId: number
  readonly partnerId: PartnerId
  readonly warehouseId: WarehouseId
  /** The warehouse's country: the suffix of the tracking numbers issued there. */
  readonly warehouseCountry: string
  readonly scopes: ReadonlyArray<Scope>
}

/** Provided by the partner bearer middleware to every partner handler. */
export class CurrentPartner extends Context.Tag("starmile/CurrentPartner")<CurrentPartner, PartnerPrincipal>() {}

/** Fails with 403 naming the scope when the principal's token lacks it. */
export const checkScope = (principal: PartnerPrincipal, scope: Scope): Effect.Effect<void, Forbidden> =>
  principal.scopes.includes(scope)
    ? Effect.void
    : Effect.fail(new Forbidden({ message: `This token lacks the scope "${scope}".` }))

// ---------------------------------------------------------------- RFC 6749 §5.2 errors

/** 401 (RFC 6749 invalid_client): unknown client, wrong secret or revoked credential. */
export class InvalidClient extends Schema.TaggedError<InvalidClient>()(
  "InvalidClient",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401, description: "Unknown client, wrong secret or revoked credential" })
) {}

/** 400 (RFC 6749 invalid_request): a token request parameter is missing or malformed. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()(
  "InvalidRequest",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "A required parameter is missing or malformed" })
) {}

/** 400 (RFC 6749 invalid_scope): the requested scope exceeds the credential's. */
export class InvalidScope extends Schema.TaggedError<InvalidScope>()(
  "InvalidScope",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "The requested scope exceeds the credential's scopes" })
) {}

/** 400 (RFC 6749 unsupported_grant_type): only client_credentials is supported. */
export class UnsupportedGrantType extends Schema.TaggedError<UnsupportedGrantType>()(
  "UnsupportedGrantType",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "Only client_credentials is supported" })
) {}

/** Every failure of the token endpoint. */
export type OAuthError = InvalidClient | InvalidRequest | InvalidScope | UnsupportedGrantType

// ---------------------------------------------------------------- secrets

/** 256 bits of randomness, URL-safe. */
export const randomSecret = (bytes = 32): Effect.Effect<string> =>
  Effect.sync(() => crypto.randomBytes(bytes).toString("base64url"))

/**
 * SHA-256 of a high-entropy secret. Secrets and tokens are random 256-bit values, so a fast
 * hash is enough (nothing to brute-force); only the hash is stored.
 */
export const hashSecret = (secret: string): string => crypto.createHash("sha256").update(secret).digest("hex")

export const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b))
