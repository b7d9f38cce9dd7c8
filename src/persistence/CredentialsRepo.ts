/** SQL for credentials and access tokens (domain/repositories/CredentialsRepo.ts): hashes only, never the secrets. */
import { Effect, Layer, Schema } from "effect"
import { Scope } from "../domain/Catalogue.js"
import { CredentialsRepo, type TokenPrincipalRow } from "../domain/repositories/CredentialsRepo.js"
import { PartnerId, WarehouseId } from "../domain/Ids.js"
import { decodeFirst, decodeSingle, Int8, Int8Id, RepositorySql, Timestamptz } from "./Rows.js"
import { dieOnSqlError } from "./SqlErrors.js"

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

/** CredentialsRepo over the SqlClient. */
export const CredentialsRepoLive = Layer.effect(
  CredentialsRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql
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
            select id from revoked`.pipe(Effect.map((rows) => rows.length > 0), dieOnSqlError),

      insertToken: (t) =>
        sql`with purged as (
              delete from access_tokens where credential_id = ${t.credential_id} and expires_at < now())
            insert into access_tokens (token_hash, credential_id, scopes, expires_at)
            values (${t.token_hash}, ${t.credential_id}, ${t.scopes as Array<string>}::text[],
                    now() + make_interval(secs => ${t.ttlSeconds}))`.pipe(Effect.asVoid, dieOnSqlError),

      /** The live principal behind a token hash: unexpired, credential not revoked. */
      findPrincipal: (tokenHash: string) =>
        sql`select c.id as credential_id, c.partner_id, c.warehouse_id, w.country as warehouse_country, t.scopes
              from access_tokens t
              join credentials c on c.id = t.credential_id
              join warehouses w on w.id = c.warehouse_id
             where t.token_hash = ${tokenHash} and t.expires_at > now() and c.revoked_at is null`.pipe(
          Effect.map((rows) => rows[0] as unknown as TokenPrincipalRow | undefined),
          dieOnSqlError
        )
    })
  })
)
