/**
 * SQL for credentials and access tokens (hashes only, never the secrets). Token look-ups are
 * served from a bounded in-memory cache (README "Caching"): an entry never outlives its
 * token's expiry, and a revoke drops the credential's entries here before it returns and on
 * every other instance when its notification arrives.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { Scope } from "../domain/Catalogue.js"
import { CACHE_CHANNEL, CacheInvalidation, credentialTopic, makeLiveCache } from "./CacheInvalidation.js"
import { dieOnSqlError } from "./SqlErrors.js"

/** Live tokens kept in memory per instance (a token is ~300 bytes here). */
const MAX_CACHED_TOKENS = 10_000

export interface CredentialRow {
  readonly id: number
  readonly client_id: string
  readonly secret_hash: string
  readonly partner_id: number
  readonly warehouse_id: number
  readonly scopes: ReadonlyArray<Scope>
  readonly created_at: Date
  readonly revoked_at: Date | null
}

export interface TokenPrincipalRow {
  readonly credential_id: number
  readonly partner_id: number
  readonly warehouse_id: number
  readonly warehouse_country: string
  readonly scopes: ReadonlyArray<Scope>
}

interface CachedPrincipal {
  readonly row: TokenPrincipalRow
  /** Date.now() at which the token expires (computed from the database's own clock). */
  readonly expiresAt: number
}

export class CredentialsRepo extends Effect.Service<CredentialsRepo>()("starmile/CredentialsRepo", {
  dependencies: [CacheInvalidation.Default],
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const invalidation = yield* CacheInvalidation
    const tokens = makeLiveCache<string, CachedPrincipal>(invalidation, {
      maxEntries: MAX_CACHED_TOKENS,
      isFresh: (entry) => Date.now() < entry.expiresAt
    })
    invalidation.onTopic((topic) => {
      const match = /^credential:(\d+)$/.exec(topic)
      if (match !== null) tokens.deleteWhere((entry) => entry.row.credential_id === Number(match[1]))
    })

    const lookUpPrincipal = (tokenHash: string) =>
      sql<TokenPrincipalRow & { readonly remaining_ms: number }>`
        select c.id as credential_id, c.partner_id, c.warehouse_id, w.country as warehouse_country, t.scopes,
               (extract(epoch from t.expires_at - now()) * 1000)::float8 as remaining_ms
          from access_tokens t
          join credentials c on c.id = t.credential_id
          join warehouses w on w.id = c.warehouse_id
         where t.token_hash = ${tokenHash} and t.expires_at > now() and c.revoked_at is null`.pipe(dieOnSqlError)

    return {
      insertCredential: (c: {
        client_id: string
        secret_hash: string
        partner_id: number
        warehouse_id: number
        scopes: ReadonlyArray<Scope>
      }) =>
        sql`insert into credentials (client_id, secret_hash, partner_id, warehouse_id, scopes)
            values (${c.client_id}, ${c.secret_hash}, ${c.partner_id}, ${c.warehouse_id}, ${c.scopes as Array<string>}::text[])
            returning *`.pipe(Effect.map((rows) => rows[0] as unknown as CredentialRow), dieOnSqlError),

      findCredential: (clientId: string) =>
        sql`select * from credentials where client_id = ${clientId}`.pipe(
          Effect.map((rows) => rows[0] as unknown as CredentialRow | undefined),
          dieOnSqlError
        ),

      /** Revokes the credential and deletes its tokens; false when unknown. */
      revoke: (clientId: string) =>
        sql<{ readonly id: number }>`with revoked as (
              update credentials set revoked_at = coalesce(revoked_at, now())
               where client_id = ${clientId} returning id),
            dropped as (delete from access_tokens where credential_id in (select id from revoked))
            select id, pg_notify(${CACHE_CHANNEL}, 'credential:' || id) from revoked`.pipe(
          Effect.map((rows) => {
            // this instance rejects the tokens before the revoke is answered
            for (const row of rows) invalidation.invalidateLocally(credentialTopic(Number(row.id)))
            return rows.length > 0
          }),
          dieOnSqlError
        ),

      /** Stores a token's hash; the credential's expired tokens are purged in the same statement. */
      insertToken: (t: { token_hash: string; credential_id: number; scopes: ReadonlyArray<Scope>; ttlSeconds: number }) =>
        sql`with purged as (
              delete from access_tokens where credential_id = ${t.credential_id} and expires_at < now())
            insert into access_tokens (token_hash, credential_id, scopes, expires_at)
            values (${t.token_hash}, ${t.credential_id}, ${t.scopes as Array<string>}::text[],
                    now() + make_interval(secs => ${t.ttlSeconds}))`.pipe(Effect.asVoid, dieOnSqlError),

      /** The live principal behind a token hash: unexpired, credential not revoked. */
      findPrincipal: (tokenHash: string): Effect.Effect<TokenPrincipalRow | undefined> => {
        const cached = tokens.get(tokenHash)
        if (cached !== undefined) return Effect.succeed(cached.row)
        const readAt = tokens.generation()
        const startedAt = Date.now()
        return Effect.map(lookUpPrincipal(tokenHash), (rows) => {
          const found = rows[0]
          if (found === undefined) return undefined
          const { remaining_ms, ...row } = found
          tokens.set(tokenHash, { row, expiresAt: startedAt + remaining_ms }, readAt)
          return row
        })
      }
    }
  })
}) {}
