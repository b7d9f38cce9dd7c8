import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { operatorOpenApi, partnerOpenApi } from "../src/http/Api.js"
import { documentedFields } from "../src/http/OpenApiFieldDocs.js"
import { created, setupWorkspace } from "./support/Fixtures.js"
import { schemaProblems } from "./support/ResponseContract.js"
import { call, operator, TestAppLive } from "./support/TestApp.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>

const partner: Spec = partnerOpenApi()
const operatorDoc: Spec = operatorOpenApi()
const documents = { partner, operator: operatorDoc } as const

const operations = (spec: Spec) =>
  Object.entries(spec["paths"] as Record<string, Spec>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation as Spec })))

const everySchema = (root: unknown, visit: (schema: Spec, at: string) => void, at = "#"): void => {
  if (Array.isArray(root)) return root.forEach((item, i) => everySchema(item, visit, `${at}/${i}`))
  if (typeof root !== "object" || root === null) return
  visit(root as Spec, at)
  for (const [key, value] of Object.entries(root)) everySchema(value, visit, `${at}/${key}`)
}

const escapePointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1")

describe("the OpenAPI documents", () => {
  it("partner operations are OAuth2 client credentials, each naming the one scope it checks", () => {
    const scheme = partner["components"]["securitySchemes"]["oauth2"]
    expect(scheme.type).toBe("oauth2")
    expect(scheme.flows.clientCredentials.tokenUrl).toBe("/api/v1/oauth/token")
    expect(Object.keys(scheme.flows.clientCredentials.scopes).sort()).toEqual([
      "invoices:read", "orders:cancel", "orders:create", "orders:read", "orders:update", "services:read", "statuses:read"
    ])
    const scopes = Object.fromEntries(
      operations(partner).filter(({ path }) => path !== "/api/v1/oauth/token").map(({ operation }) => [
        operation["operationId"],
        operation["security"]
      ])
    )
    expect(scopes).toEqual({
      "catalogue.listServices": [{ oauth2: ["services:read"] }],
      "catalogue.listPudoPoints": [{ oauth2: ["services:read"] }],
      "orders.create": [{ oauth2: ["orders:create"] }],
      "orders.list": [{ oauth2: ["orders:read"] }],
      "orders.get": [{ oauth2: ["orders:read"] }],
      "orders.updateParcel": [{ oauth2: ["orders:update"] }],
      "orders.cancel": [{ oauth2: ["orders:cancel"] }],
      "statusPool.read": [{ oauth2: ["statuses:read"] }],
      "statusPool.ack": [{ oauth2: ["statuses:read"] }],
      "invoices.list": [{ oauth2: ["invoices:read"] }]
    })
    const token = partner["paths"]["/api/v1/oauth/token"].post
    expect(token.security).toEqual([{ clientBasic: [] }, {}])
    expect(token.responses["400"].content["application/json"].schema.anyOf).toContainEqual({
      $ref: "#/components/schemas/OAuthInvalidScope"
    })
    expect(token.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/OAuthInvalidClient" })
    expect(Object.keys(token.requestBody.content).sort()).toEqual(["application/json", "application/x-www-form-urlencoded"])
  })

  it("operator operations use the operator bearer, except the probes; the documents do not overlap", () => {
    for (const { path, operation } of operations(operatorDoc)) {
      expect(operation["security"], path).toEqual(path === "/health" || path === "/ready" ? [] : [{ operatorBearer: [] }])
    }
    expect(Object.keys(partner["paths"]).every((path) => path.startsWith("/api/v1/"))).toBe(true)
    expect(Object.keys(operatorDoc["paths"]).some((path) => path.startsWith("/api/"))).toBe(false)
    for (const spec of Object.values(documents)) expect(spec["servers"]).toEqual([{ url: "/", description: expect.any(String) }])
  })

  it("every operation has a summary and a description; every JSON body operation answers 415 and all answer 503", () => {
    for (const spec of Object.values(documents)) {
      for (const { path, method, operation } of operations(spec)) {
        expect(operation["summary"], `${method} ${path}`).toMatch(/^[A-Z]/)
        expect(operation["description"], `${method} ${path}`).toMatch(/^[A-Z0-9"]/)
        expect(operation["responses"], `${method} ${path}`).toHaveProperty("503")
        // the token endpoint answers an RFC 6749 invalid_request to any other media type
        if (operation["requestBody"] !== undefined && path !== "/api/v1/oauth/token") {
          expect(operation["responses"]).toHaveProperty("415")
        } else expect(operation["responses"]).not.toHaveProperty("415")
      }
    }
    expect(operatorDoc["paths"]["/operator/v1/invoices"].get.responses).toHaveProperty("404")
  })

  it("every field of create, update and cancel carries the reference's description", () => {
    const schemas = partner["components"]["schemas"]
    for (const [name, fields] of Object.entries(documentedFields())) {
      const properties = schemas[name].properties as Record<string, Spec>
      expect(Object.keys(properties).sort(), name).toEqual([...fields].sort())
      for (const [field, property] of Object.entries(properties)) {
        expect(property["description"], `${name}.${field}`).toMatch(/^[A-Z].{20,}/)
      }
    }
    expect(schemas.CreateOrder.properties.order_id.description).toMatch(/unique/)
    expect(schemas.CreateOrder.properties.shipping_cost.description).toMatch(/0 or omitted means none/)
    expect(schemas.ParcelPatch.properties.products.description).toMatch(/Replaces the parcel's whole product list/)
    expect(partner["paths"]["/api/v1/orders/{order_id}/parcels/{item_id}"].patch.description).not.toMatch(/null resets/)
  })

  it("constraints are keywords, not generated titles or descriptions", () => {
    for (const [name, spec] of Object.entries(documents)) {
      everySchema(spec, (schema, at) => {
        if (typeof schema["title"] === "string") expect(schema["title"], `${name} ${at}`).not.toMatch(/^[a-zA-Z]+\(.*\)$/)
        if (typeof schema["description"] === "string") {
          expect(schema["description"], `${name} ${at}`).not.toMatch(/^an? (string|number|array)|character\(s\)|item\(s\)/)
        }
      })
    }
    const schemas = partner["components"]["schemas"]
    expect(schemas.CreateOrder.properties.customer_email).toMatchObject({ format: "email", maxLength: 254 })
    expect(schemas.CreateOrder.properties.customer_email).not.toHaveProperty("pattern")
    expect(schemas.CreateOrder.properties.order_id).toMatchObject({ minLength: 1, maxLength: 255 })
    expect(schemas.CreateOrder.properties.service_id).toEqual(expect.objectContaining({ type: "integer", minimum: 1 }))
    expect(schemas.ProductInput.properties.currency).toMatchObject({ type: "string", pattern: "^[A-Z]{3}$" })
    expect(schemas.CountryCode).toMatchObject({ type: "string", pattern: "^[A-Z]{2}$" })
    expect(operatorDoc["components"]["schemas"].CurrencyCode).toMatchObject({ type: "string", pattern: "^[A-Z]{3}$" })
    expect(schemas.Order.properties.created_at).toMatchObject({ type: "string", format: "date-time" })
    const limit = partner["paths"]["/api/v1/orders"].get.parameters.find((p: Spec) => p["name"] === "limit")
    expect(limit.schema).toEqual({ type: "integer", minimum: 1, maximum: 100, default: 20 })
    const partnerId = operatorDoc["paths"]["/operator/v1/invoices"].get.parameters.find((p: Spec) => p["name"] === "partner_id")
    expect(partnerId.schema).toEqual({ type: "integer", minimum: 1 })
  })

  it("request bodies allow unknown fields (they are ignored); responses are exact", () => {
    const schemas = partner["components"]["schemas"]
    for (const name of ["CreateOrder", "ParcelInput", "ProductInput", "ParcelPatch"]) {
      expect(schemas[name], name).not.toHaveProperty("additionalProperties")
    }
    expect(schemas.Order.additionalProperties).toBe(false)
  })

  it("every example fits its schema", () => {
    let checked = 0
    for (const [name, spec] of Object.entries(documents) as Array<["partner" | "operator", Spec]>) {
      for (const { path, method, operation } of operations(spec)) {
        const base = `/paths/${escapePointer(path)}/${method}`
        for (const [media, content] of Object.entries(operation["requestBody"]?.content ?? {}) as Array<[string, Spec]>) {
          for (const [example, { value }] of Object.entries(content["examples"] ?? {}) as Array<[string, Spec]>) {
            const pointer = `${base}/requestBody/content/${escapePointer(media)}/schema`
            expect(schemaProblems(name, pointer, value), `${method} ${path} ${example}`).toBeUndefined()
            checked++
          }
        }
        for (const [status, response] of Object.entries(operation["responses"]) as Array<[string, Spec]>) {
          const examples = Object.values(response["content"]?.["application/json"]?.examples ?? {}) as Array<Spec>
          for (const { value } of examples) {
            const pointer = `${base}/responses/${status}/content/application~1json/schema`
            expect(schemaProblems(name, pointer, value), `${method} ${path} → ${status}`).toBeUndefined()
            checked++
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40)
  })
})

describe("HTTP: documents, docs pages, 405, challenges, publications", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("serves both documents, /openapi.json as the partner one, and two docs pages that work offline", () =>
      Effect.gen(function* () {
        const partnerServed = yield* call("GET", "/api/v1/openapi.json")
        expect(partnerServed.body).toEqual(partner)
        expect((yield* call("GET", "/openapi.json")).body).toEqual(partner)
        expect((yield* call("GET", "/operator/v1/openapi.json")).body).toEqual(operatorDoc)
        for (const [page, title] of [["/docs", "Starmile partner API"], ["/operator/docs", "Starmile operator API"]]) {
          const html = yield* call("GET", page!)
          expect(html.status).toBe(200)
          expect(html.headers["content-type"]).toMatch(/^text\/html/)
          expect(String(html.body)).toContain(`<title>${title}</title>`)
          // the Scalar script is inlined: nothing is loaded from a CDN
          expect(String(html.body)).not.toMatch(/<script[^>]+src=/)
        }
      }))

    it.effect("a wrong method on a known path is 405 with Allow; an unknown path stays 404", () =>
      Effect.gen(function* () {
        const post = yield* call("POST", "/api/v1/services", { body: {} })
        expect(post.status).toBe(405)
        expect(post.headers["allow"]).toBe("GET, HEAD")
        expect(post.body).toEqual({ message: "POST is not allowed on /api/v1/services; allowed: GET, HEAD.", code: "method_not_allowed" })
        const del = yield* call("DELETE", "/api/v1/orders")
        expect(del.status).toBe(405)
        expect(del.headers["allow"]).toBe("GET, HEAD, POST")
        const put = yield* call("PUT", "/api/v1/orders/PO-1/parcels/PKG-1")
        expect(put.headers["allow"]).toBe("PATCH")
        expect((yield* call("PATCH", "/operator/v1/jobs")).headers["allow"]).toBe("GET, HEAD")
        expect((yield* call("POST", "/docs")).status).toBe(405)
        expect((yield* call("GET", "/api/v1/nothing")).status).toBe(404)
        // the right method still reaches the endpoint (401 without a token)
        expect((yield* call("GET", "/api/v1/services")).status).toBe(401)
      }))

    it.effect("a 401 names the Bearer scheme, with error=\"invalid_token\" when a token was sent (RFC 6750 §3.1)", () =>
      Effect.gen(function* () {
        const missing = yield* call("GET", "/api/v1/orders")
        expect(missing.status).toBe(401)
        expect(missing.headers["www-authenticate"]).toBe("Bearer realm=\"starmile\"")
        const invalid = yield* call("GET", "/api/v1/orders", { token: "not-a-token" })
        expect(invalid.status).toBe(401)
        expect(invalid.headers["www-authenticate"]).toMatch(/^Bearer realm="starmile", error="invalid_token"/)
        const operatorInvalid = yield* call("GET", "/operator/v1/jobs", { token: "wrong-operator-token" })
        expect(operatorInvalid.headers["www-authenticate"]).toMatch(/error="invalid_token"/)
      }))

    it.effect("a publication is removed by its path (no DELETE body); the body form stays accepted", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const partnerB = yield* created("POST", "/operator/v1/partners", { name: `Second ${Date.now()}` })
        const target = { partner_id: partnerB.id, warehouse_id: ws.warehouse.id }
        const service = ws.services.home.id
        yield* created("POST", `/operator/v1/services/${service}/publications`, target)
        const byPath = `/operator/v1/services/${service}/publications/${partnerB.id}/${ws.warehouse.id}`
        expect((yield* operator("DELETE", byPath)).status).toBe(204)
        expect((yield* operator("DELETE", byPath)).status).toBe(404)
        expect((yield* operator("DELETE", `/operator/v1/services/${service}/publications/x/1`)).status).toBe(404)
        yield* created("POST", `/operator/v1/services/${service}/publications`, target)
        expect((yield* operator("DELETE", `/operator/v1/services/${service}/publications`, target)).status).toBe(204)
        expect((yield* operator("DELETE", `/operator/v1/services/${service}/publications`, target)).status).toBe(404)
      }))

    it.effect("operator invoices of an unknown partner are 404 (declared)", () =>
      Effect.gen(function* () {
        const response = yield* operator("GET", "/operator/v1/invoices?partner_id=999999")
        expect(response.status).toBe(404)
        expect(response.body.code).toBe("not_found")
      }))
  })
})

describe("README \"First calls\"", () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## First calls"), readme.indexOf("## API documents"))
  const curls = section.split(/\n(?=curl |TOKEN=\$\(curl )/).filter((chunk) => chunk.includes("curl "))

  it("every call names a documented operation, and every JSON body fits its request schema", () => {
    expect(curls.length).toBeGreaterThanOrEqual(8)
    for (const chunk of curls) {
      const url = /\$BASE(\/[^\s"?]*)/.exec(chunk)?.[1]
      const method = (/-X (\w+)/.exec(chunk)?.[1] ?? "GET").toLowerCase()
      expect(url, chunk).toBeDefined()
      const found = Object.entries(documents).flatMap(([name, spec]) =>
        Object.entries(spec["paths"] as Record<string, Spec>)
          .filter(([template]) => new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(url!))
          .filter(([, item]) => item[method] !== undefined)
          .map(([template]) => ({ name: name as "partner" | "operator", template })))
      expect(found, `${method} ${url}`).toHaveLength(1)
      const body = /-d '(\{[\s\S]*?\})'/.exec(chunk)?.[1]
      if (body === undefined) continue
      const { name, template } = found[0]!
      const pointer = `/paths/${escapePointer(template)}/${method}/requestBody/content/application~1json/schema`
      expect(schemaProblems(name, pointer, JSON.parse(body)), `${method} ${url}`).toBeUndefined()
    }
  })
})
