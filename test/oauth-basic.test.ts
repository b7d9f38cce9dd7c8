import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { setupWorkspace } from "./support/Fixtures.js"
import { call, TestAppLive } from "./support/TestApp.js"

/** RFC 6749 §2.3.1: each part form-urlencoded, joined by ":", base64. */
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`

const token = (options: { body?: unknown; rawBody?: string; contentType?: string; authorization?: string }) =>
  call("POST", "/api/v1/oauth/token", {
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.rawBody !== undefined ? { rawBody: options.rawBody } : {}),
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    ...(options.authorization !== undefined ? { headers: { authorization: options.authorization } } : {})
  })

describe("POST /api/v1/oauth/token with HTTP Basic client authentication (RFC 6749 §2.3.1)", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("issues a token with the client in the Authorization header, JSON or form body", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const authorization = basic(ws.credential.client_id, ws.credential.client_secret)
        const json = yield* token({ body: { grant_type: "client_credentials" }, authorization })
        expect(json.status).toBe(200)
        expect(json.body.token_type).toBe("Bearer")
        expect((yield* call("GET", "/api/v1/services", { token: json.body.access_token })).status).toBe(200)
        const form = yield* token({
          rawBody: "grant_type=client_credentials&scope=orders%3Aread",
          contentType: "application/x-www-form-urlencoded",
          authorization
        })
        expect(form.status).toBe(200)
        expect(form.body.scope).toBe("orders:read")
        // the scheme name is case-insensitive
        const lower = yield* token({ body: { grant_type: "client_credentials" }, authorization: authorization.replace("Basic", "basic") })
        expect(lower.status).toBe(200)
      }))

    it.effect("a wrong secret by Basic is 401 invalid_client with a Basic challenge", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const wrong = yield* token({ body: { grant_type: "client_credentials" }, authorization: basic(ws.credential.client_id, "nope") })
        expect(wrong.status).toBe(401)
        expect(wrong.body.error).toBe("invalid_client")
        expect(wrong.headers["www-authenticate"]).toMatch(/^Basic realm="starmile"/)
        const unknown = yield* token({ body: { grant_type: "client_credentials" }, authorization: basic("sm_unknown", "x") })
        expect(unknown.status).toBe(401)
      }))

    it.effect("both ways at once, or a malformed Basic header, is 400 invalid_request", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const authorization = basic(ws.credential.client_id, ws.credential.client_secret)
        const both = yield* token({
          body: { grant_type: "client_credentials", client_id: ws.credential.client_id, client_secret: ws.credential.client_secret },
          authorization
        })
        expect(both.status).toBe(400)
        expect(both.body.error).toBe("invalid_request")
        for (const header of ["Basic", "Basic !!!", `Basic ${Buffer.from("no-colon").toString("base64")}`, `Basic ${Buffer.from(":secret").toString("base64")}`]) {
          const response = yield* token({ body: { grant_type: "client_credentials" }, authorization: header })
          expect(response.status, header).toBe(400)
          expect(response.body.error, header).toBe("invalid_request")
        }
        // a body without the client and no header: still invalid_request
        const none = yield* token({ body: { grant_type: "client_credentials" } })
        expect(none.status).toBe(400)
        expect(none.body.error).toBe("invalid_request")
        // the grant type is still checked
        const grant = yield* token({ body: { grant_type: "password" }, authorization })
        expect(grant.status).toBe(400)
        expect(grant.body.error).toBe("unsupported_grant_type")
      }))
  })
})
