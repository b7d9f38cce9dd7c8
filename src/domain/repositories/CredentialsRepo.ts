/** What credentials and tokens need from storage (implemented by persistence/CredentialsRepo.ts). */
import { Context, type Effect } from "effect"
import type { PartnerId, WarehouseId } from "../Ids.js"
import type { Scope } from "../Catalogue.js"

/** A stored client credential (the secret's hash only). */
export interface CredentialRow {
  readonly id: number
  readonly client_id: string
  readonly secret_hash: string
  readonly partner_id: PartnerId
  readonly warehouse_id: WarehouseId
  readonly scopes: ReadonlyArray<Scope>
  readonly created_at: Date
  readonly revoked_at: Date | null
}

/** The live principal behind a token hash. */
export interface TokenPrincipalRow {
  readonly credential_id: number
  readonly partner_id: PartnerId
  readonly warehouse_id: WarehouseId
  readonly warehouse_country: string
  readonly scopes: ReadonlyArray<Scope>
}

/** Credential and access-token storage (hashes only, never the secrets). */
export class CredentialsRepo extends Context.Tag("starmile/CredentialsRepo")<CredentialsRepo, {
  readonly insertCredential: (c: {
    client_id: string
    secret_hash: string
    partner_id: PartnerId
    warehouse_id: WarehouseId
    scopes: ReadonlyArray<Scope>
  }) => Effect.Effect<CredentialRow>
  readonly findCredential: (clientId: string) => Effect.Effect<CredentialRow | undefined>
  /** Revokes the credential and deletes its tokens; false when unknown. */
  readonly revoke: (clientId: string) => Effect.Effect<boolean>
  /** Stores a token's hash; the credential's expired tokens are purged in the same statement. */
  readonly insertToken: (
    t: { token_hash: string; credential_id: number; scopes: ReadonlyArray<Scope>; ttlSeconds: number }
  ) => Effect.Effect<void>
  /** The live principal behind a token hash: unexpired, credential not revoked. */
  readonly findPrincipal: (tokenHash: string) => Effect.Effect<TokenPrincipalRow | undefined>
}>() {}
