import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import { DomainConfigFromEnv } from "../src/AppConfig.js"
import { Credentials } from "../src/domain/Credentials.js"
import { RepositoriesLive } from "../src/persistence/Repositories.js"
import { created, setupWorkspace, tokenFor } from "./support/Fixtures.js"
import { call, TestAppLive } from "./support/TestApp.js"

const tokenRequest = (body: Record<string, unknown>) => call("POST", "/api/v1/oauth/token", { body })

describe("POST /api/v1/oauth/token", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("issues a bearer token for valid client credentials (JSON)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const response = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: ws.credential.client_id,
          client_secret: ws.credential.client_secret
        })
        expect(response.status).toBe(200)
        expect(response.body.token_type).toBe("Bearer")
        expect(response.body.expires_in).toBe(3600)
        expect(response.body.scope.split(" ").sort()).toEqual([
          "invoices:read", "orders:cancel", "orders:create", "orders:read", "orders:update", "services:read", "statuses:read"
        ])
        // ≥ 256 bits: 32 random bytes in base64url
        expect(response.body.access_token.length).toBeGreaterThanOrEqual(43)
        const services = yield* call("GET", "/api/v1/services", { token: response.body.access_token })
        expect(services.status).toBe(200)
      }))

    it.effect("accepts a form-encoded body", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const form = new URLSearchParams({
          grant_type: "client_credentials",
          client_id: ws.credential.client_id,
          client_secret: ws.credential.client_secret,
          scope: "orders:read"
        }).toString()
        const response = yield* call("POST", "/api/v1/oauth/token", {
          rawBody: form,
          contentType: "application/x-www-form-urlencoded"
        })
        expect(response.status).toBe(200)
        expect(response.body.scope).toBe("orders:read")
      }))

    it.effect("stores only a hash of the token", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ n: number }>`select count(*) as n from access_tokens where token_hash = ${ws.token}`
        expect(rows[0]!.n).toBe(0)
        const total = yield* sql<{ n: number }>`select count(*) as n from access_tokens`
        expect(total[0]!.n).toBeGreaterThan(0)
      }))

    it.effect("rejects a wrong secret and an unknown client with 401 invalid_client", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const wrong = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: ws.credential.client_id,
          client_secret: "not-the-secret"
        })
        expect(wrong.status).toBe(401)
        expect(wrong.body.error).toBe("invalid_client")
        const unknown = yield* tokenRequest({ grant_type: "client_credentials", client_id: "sm_nope", client_secret: "x" })
        expect(unknown.status).toBe(401)
        expect(unknown.body.error).toBe("invalid_client")
      }))

    it.effect("answers RFC 6749 bodies for any malformed request, and is never cached", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const form = `grant_type=client_credentials&client_id=${ws.credential.client_id}&client_secret=${ws.credential.client_secret}`
        const bodies = [
          call("POST", "/api/v1/oauth/token", { rawBody: "" }),
          call("POST", "/api/v1/oauth/token", { rawBody: "null" }),
          call("POST", "/api/v1/oauth/token", { rawBody: "[1]" }),
          call("POST", "/api/v1/oauth/token", { rawBody: form, contentType: "text/plain" })
        ]
        for (const request of bodies) {
          const response = yield* request
          expect(response.status).toBe(400)
          expect(response.body.error).toBe("invalid_request")
          expect(JSON.stringify(response.body)).not.toContain(ws.credential.client_secret)
        }
        const ok = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: ws.credential.client_id,
          client_secret: ws.credential.client_secret
        })
        expect(ok.headers["cache-control"]).toBe("no-store")
      }))

    it.effect("rejects missing parameters and other grant types with 400", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const missing = yield* tokenRequest({ grant_type: "client_credentials", client_id: ws.credential.client_id })
        expect(missing.status).toBe(400)
        expect(missing.body.error).toBe("invalid_request")
        const wrongType = yield* tokenRequest({ grant_type: "client_credentials", client_id: 42, client_secret: [] })
        expect(wrongType.status).toBe(400)
        expect(wrongType.body.error).toBe("invalid_request")
        const nul = yield* tokenRequest({ grant_type: "client_credentials", client_id: "a\u0000b", client_secret: "x" })
        expect(nul.status).toBe(400)
        expect(nul.body.error).toBe("invalid_request")
        const grant = yield* tokenRequest({
          grant_type: "password",
          client_id: ws.credential.client_id,
          client_secret: ws.credential.client_secret
        })
        expect(grant.status).toBe(400)
        expect(grant.body.error).toBe("unsupported_grant_type")
      }))

    it.effect("grants a requested subset of scopes and refuses scopes beyond the credential", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const limited = yield* created("POST", `/operator/v1/partners/${ws.partner.id}/credentials`, {
          warehouse_id: ws.warehouse.id,
          scopes: ["orders:read", "services:read"]
        })
        expect(limited.scopes).toEqual(["orders:read", "services:read"])
        const ok = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: limited.client_id,
          client_secret: limited.client_secret,
          scope: "services:read"
        })
        expect(ok.status).toBe(200)
        expect(ok.body.scope).toBe("services:read")
        const beyond = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: limited.client_id,
          client_secret: limited.client_secret,
          scope: "services:read orders:create"
        })
        expect(beyond.status).toBe(400)
        expect(beyond.body.error).toBe("invalid_scope")
        const bogus = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: limited.client_id,
          client_secret: limited.client_secret,
          scope: "admin"
        })
        expect(bogus.status).toBe(400)
        expect(bogus.body.error).toBe("invalid_scope")
      }))

    it.scoped("tokens live as long as STARMILE_TOKEN_TTL_SECONDS says", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        // the domain service built afresh with its own configuration, over this test's database
        const credentials = Context.get(
          yield* Layer.build(
            Credentials.Default.pipe(
              Layer.provide(RepositoriesLive),
              Layer.provide(DomainConfigFromEnv),
              Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["STARMILE_TOKEN_TTL_SECONDS", "120"]]))))
            )
          ),
          Credentials
        )
        const token = yield* credentials.issueToken({
          grant_type: "client_credentials",
          client_id: ws.credential.client_id,
          client_secret: ws.credential.client_secret
        })
        expect(token.expires_in).toBe(120)
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<{ seconds: number }>`
          select round(extract(epoch from min(expires_at) - now()))::int as seconds from access_tokens
           where credential_id = (select id from credentials where client_id = ${ws.credential.client_id})`
        expect(row!.seconds).toBeGreaterThan(100)
        expect(row!.seconds).toBeLessThanOrEqual(120)
      }))

    it.effect("a token without a scope gets 403 naming the scope", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const token = yield* tokenFor(ws.credential.client_id, ws.credential.client_secret, "orders:read")
        const response = yield* call("GET", "/api/v1/services", { token })
        expect(response.status).toBe(403)
        expect(response.body).toEqual({ message: "This token lacks the scope \"services:read\".", code: "forbidden" })
      }))

    it.effect("the scope is checked before the body or query: 403, not 422, for a token without it", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const readOnly = yield* tokenFor(ws.credential.client_id, ws.credential.client_secret, "orders:read")
        const cases = [
          call("POST", "/api/v1/orders", { token: readOnly, body: {} }),
          call("PATCH", "/api/v1/orders/x/parcels/y", { token: readOnly, body: { weight_grams: "x" } }),
          call("POST", "/api/v1/orders/x/cancel", { token: readOnly, body: { reason: 5 } }),
          call("GET", "/api/v1/invoices?limit=0", { token: readOnly }),
          call("POST", "/api/v1/status-pool/ack", { token: readOnly, body: { ids: "all" } }),
          call("GET", "/api/v1/pudo-points?kind=box", { token: readOnly })
        ]
        const scopes = ["orders:create", "orders:update", "orders:cancel", "invoices:read", "statuses:read", "services:read"]
        for (const [i, request] of cases.entries()) {
          const response = yield* request
          expect(response.status).toBe(403)
          expect(response.body).toEqual({ message: `This token lacks the scope "${scopes[i]}".`, code: "forbidden" })
        }
      }))

    it.effect("missing, malformed and unknown tokens get the 401 envelope", () =>
      Effect.gen(function* () {
        const none = yield* call("GET", "/api/v1/services")
        expect(none.status).toBe(401)
        expect(none.headers["www-authenticate"]).toBe("Bearer realm=\"starmile\"")
        expect(none.body).toEqual({ message: "A bearer token is required.", code: "unauthenticated" })
        const unknown = yield* call("GET", "/api/v1/services", { token: "not-a-token" })
        expect(unknown.status).toBe(401)
        expect(unknown.body.code).toBe("unauthenticated")
      }))

    it.effect("an expired token is refused", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const sql = yield* SqlClient.SqlClient
        yield* sql`update access_tokens set expires_at = now() - interval '1 second'
                    where credential_id = (select id from credentials where client_id = ${ws.credential.client_id})`
        const response = yield* call("GET", "/api/v1/services", { token: ws.token })
        expect(response.status).toBe(401)
        expect(response.body.code).toBe("unauthenticated")
        // the next token issued to the credential purges its expired ones
        yield* tokenFor(ws.credential.client_id, ws.credential.client_secret)
        const left = yield* sql<{ expired: number; live: number }>`
          select count(*) filter (where expires_at < now()) as expired, count(*) filter (where expires_at > now()) as live
            from access_tokens
           where credential_id = (select id from credentials where client_id = ${ws.credential.client_id})`
        expect(left[0]).toEqual({ expired: 0, live: 1 })
      }))

    it.effect("revoking a credential kills its tokens at once and blocks new ones", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const before = yield* call("GET", "/api/v1/services", { token: ws.token })
        expect(before.status).toBe(200)
        const revoke = yield* call("DELETE", `/operator/v1/credentials/${ws.credential.client_id}`, { token: "operator" })
        expect(revoke.status).toBe(204)
        const after = yield* call("GET", "/api/v1/services", { token: ws.token })
        expect(after.status).toBe(401)
        const again = yield* tokenRequest({
          grant_type: "client_credentials",
          client_id: ws.credential.client_id,
          client_secret: ws.credential.client_secret
        })
        expect(again.status).toBe(401)
        expect(again.body.error).toBe("invalid_client")
        const unknown = yield* call("DELETE", "/operator/v1/credentials/sm_unknown", { token: "operator" })
        expect(unknown.status).toBe(404)
        expect(unknown.body.code).toBe("not_found")
        const unstorable = yield* call("DELETE", "/operator/v1/credentials/a%00b", { token: "operator" })
        expect(unstorable.status).toBe(404)
      }))
  })

})
