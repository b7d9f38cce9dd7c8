/**
 * SQL for credentials and access tokens (domain/repositories/CredentialsRepo.ts): hashes only,
 * never the secrets. Token look-ups are served from a bounded in-memory cache (README "The
 * create path"): an entry never outlives its token's expiry, and a revoke drops the
 * credential's entries here before it returns and on every other instance when its
 * notification arrives.
 */
import { Effect, Layer, Schema } from "effect"
import { Scope } from "../domain/Catalogue.js"
import { CredentialsRepo, type TokenPrincipalRow } from "../domain/repositories/CredentialsRepo.js"
import { PartnerId, WarehouseId } from "../domain/Ids.js"
import { decodeAll, decodeFirst, decodeSingle, Int8, Int8Id, RepositorySql, Timestamptz } from "./Rows.js"
import { CACHE_CHANNEL, CacheInvalidation, credentialTopic, makeLiveCache } from "./CacheInvalidation.js"
import { dieOnSqlError } from "./SqlErrors.js"

/** Live tokens kept in memory per instance (a token is ~300 bytes here). */
const MAX_CACHED_TOKENS = 10_000

/** The principal behind a token, with the time it has left by the database's own clock. */
const PrincipalRow = Schema.Struct({
  credential_id: Int8,
  partner_id: Int8Id(PartnerId),
  warehouse_id: Int8Id(WarehouseId),
  warehouse_country: Schema.String,
  scopes: Schema.Array(Scope),
  remaining_ms: Schema.Number
})

interface CachedPrincipal {
  readonly row: TokenPrincipalRow
  /** Date.now() at which the token expires. */
  readonly expiresAt: number
}

const CredentialRow = Schema.Struct({
  id: Int8,
  client_id: Schema.String,
  secret_hash: Schema.String,
  partner_id: Int8Id(PartnerId),
  warehouse_id: Int8Id(WarehouseId),
  scopes: Schema.Array(Scope),
  created_at: Timestamptz,
  revoked_at: Schema.NullOr(Timestamptz)
})

/** The id of each credential a revoke marked. */
const RevokedRow = Schema.Struct({ id: Int8 })

/** CredentialsRepo over the SqlClient. */
export const CredentialsRepoLive = Layer.effect(
  CredentialsRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql
    const invalidation = yield* CacheInvalidation
    const tokens = makeLiveCache<string, CachedPrincipal>(invalidation, {
      maxEntries: MAX_CACHED_TOKENS,
      isFresh: (entry) => Date.now() < entry.expiresAt
    })
    invalidation.onTopic((topic) => {
      const match = /^credential:(\d+)$/.exec(topic)
      if (match !== null) tokens.deleteWhere((entry) => entry.row.credential_id === Number(match[1]))
    })
    return CredentialsRepo.of({
      insertCredential: (c) =>
        sql`insert into credentials (client_id, secret_hash, partner_id, warehouse_id, scopes)
            values (${c.client_id}, ${c.secret_hash}, ${c.partner_id}, ${c.warehouse_id}, ${c.scopes as Array<string>}::text[])
            returning *`.pipe(decodeSingle(CredentialRow), dieOnSqlError),

      findCredential: (clientId) =>
        sql`select * from credentials where client_id = ${clientId}`.pipe(decodeFirst(CredentialRow), dieOnSqlError),

      revoke: (clientId) =>
        sql`with revoked as (
              update credentials set revoked_at = coalesce(revoked_at, now())
               where client_id = ${clientId} returning id),
            dropped as (delete from access_tokens where credential_id in (select id from revoked))
            select id, pg_notify(${CACHE_CHANNEL}, 'credential:' || id) from revoked`.pipe(
          decodeAll(RevokedRow),
          Effect.map((rows) => {
            // this instance refuses the tokens before the revoke is answered
            for (const row of rows) invalidation.invalidateLocally(credentialTopic(row.id))
            return rows.length > 0
          }),
          dieOnSqlError
        ),

      insertToken: (t) =>
        sql`with purged as (
              delete from access_tokens where credential_id = ${t.credential_id} and expires_at < now())
            insert into access_tokens (token_hash, credential_id, scopes, expires_at)
            values (${t.token_hash}, ${t.credential_id}, ${t.scopes as Array<string>}::text[],
                    now() + make_interval(secs => ${t.ttlSeconds}))`.pipe(Effect.asVoid, dieOnSqlError),

      /** The live principal behind a token hash: unexpired, credential not revoked (cached). */
      findPrincipal: (tokenHash: string) => {
        const cached = tokens.get(tokenHash)
        if (cached !== undefined) return Effect.succeed<TokenPrincipalRow | undefined>(cached.row)
        const readAt = tokens.generation()
        const startedAt = Date.now()
        return sql`select c.id as credential_id, c.partner_id, c.warehouse_id, w.country as warehouse_country, t.scopes,
                          (extract(epoch from t.expires_at - now()) * 1000)::float8 as remaining_ms
              from access_tokens t
              join credentials c on c.id = t.credential_id
              join warehouses w on w.id = c.warehouse_id
             where t.token_hash = ${tokenHash} and t.expires_at > now() and c.revoked_at is null`.pipe(
          decodeFirst(PrincipalRow),
          Effect.map((found) => {
            if (found === undefined) return undefined
            const { remaining_ms, ...row } = found
            tokens.set(tokenHash, { row, expiresAt: startedAt + remaining_ms }, readAt)
            return row
          }),
          dieOnSqlError
        )
      }
    })
  })
)
