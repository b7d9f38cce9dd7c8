/**
 * Finishing the generated OpenAPI documents (partner and operator) so they say what the service
 * does: the statuses each operation really answers, OAuth2 (client credentials, one scope per
 * operation) or the operator bearer, `servers`, the partner reference's field descriptions,
 * working examples, and JSON Schema without the generator's filter titles and
 * "a string at most N character(s) long" noise. Request bodies allow unknown fields (the service
 * ignores them); responses are exact.
 */
import { HttpApi } from "@effect/platform"
import type { Scope } from "../domain/Catalogue.js"
import { applyExamples } from "./OpenApiExamples.js"
import { applyFieldDocs } from "./OpenApiFieldDocs.js"
import {
  RequiresInvoicesRead,
  RequiresOrdersCancel,
  RequiresOrdersCreate,
  RequiresOrdersRead,
  RequiresOrdersUpdate,
  RequiresServicesRead,
  RequiresStatusesRead
} from "./Scopes.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Spec = Record<string, any>

export const TOKEN_PATH = "/api/v1/oauth/token"

const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  "orders:create": "Create orders of parcels (POST /api/v1/orders).",
  "orders:read": "Read your orders, one or a page at a time.",
  "orders:update": "Change a parcel while its order is at the flow's first step.",
  "orders:cancel": "Cancel an order while it is at the flow's first step.",
  "services:read": "Read the services published for you and the PUDO points.",
  "statuses:read": "Read and acknowledge the status events of your parcels.",
  "invoices:read": "Read your invoice lines."
}

const SCOPE_OF_MIDDLEWARE = new Map<unknown, Scope>([
  [RequiresOrdersCreate, "orders:create"],
  [RequiresOrdersRead, "orders:read"],
  [RequiresOrdersUpdate, "orders:update"],
  [RequiresOrdersCancel, "orders:cancel"],
  [RequiresServicesRead, "services:read"],
  [RequiresStatusesRead, "statuses:read"],
  [RequiresInvoicesRead, "invoices:read"]
])

/** operationId → the scope its middleware checks, read from the API definition itself. */
export const scopesByOperation = (api: HttpApi.HttpApi.Any): ReadonlyMap<string, Scope> => {
  const scopes = new Map<string, Scope>()
  HttpApi.reflect(api as HttpApi.HttpApi<string, never, never, never>, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint, group, middleware }) => {
      for (const tag of middleware) {
        const scope = SCOPE_OF_MIDDLEWARE.get(tag)
        if (scope !== undefined) scopes.set(`${group.identifier}.${endpoint.name}`, scope)
      }
    }
  })
  return scopes
}

// ---------------------------------------------------------------- walking

const isObject = (value: unknown): value is Spec => typeof value === "object" && value !== null && !Array.isArray(value)

const operationsOf = (spec: Spec): Array<{ path: string; method: string; operation: Spec }> =>
  Object.entries(spec["paths"] as Record<string, Spec>).flatMap(([path, item]) =>
    Object.entries(item).filter(([, operation]) => isObject(operation) && "responses" in operation).map((
      [method, operation]
    ) => ({ path, method, operation: operation as Spec })))

/** Every schema object in the document, depth first (properties, items, anyOf...). */
const forEachSchema = (root: unknown, visit: (schema: Spec) => void): void => {
  if (Array.isArray(root)) return root.forEach((item) => forEachSchema(item, visit))
  if (!isObject(root)) return
  visit(root)
  for (const value of Object.values(root)) forEachSchema(value, visit)
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Spec) => ({ "application/json": { schema } })

// ---------------------------------------------------------------- statuses

const envelopeResponse = (description: string, schema: Spec = ref("ErrorEnvelope")) => ({
  description,
  content: json(schema)
})

/** Operations that address something by a query filter and answer 404 for an unknown one. */
const QUERY_NOT_FOUND = new Set(["parcelFlow.listInvoices"])

/**
 * The platform declares its own 400 HttpApiDecodeError, and the API-wide errors, on every
 * operation. Rewrite each operation's responses to what it really answers: 400 (not JSON), 413
 * and 415 only with a body, 422 only with a body or a query, 404 only with a path id (or a
 * query filter naming an object), 503 everywhere (database unreachable or load shedding).
 */
const documentRealStatuses = (spec: Spec): void => {
  for (const { operation } of operationsOf(spec)) {
    const responses: Spec = { ...operation["responses"] }
    const hasBody = "requestBody" in operation
    const parameters: ReadonlyArray<{ readonly in: string }> = operation["parameters"] ?? []
    if (hasBody) {
      responses["400"] = envelopeResponse("The request body is not valid JSON (`malformed_body`)", ref("MalformedBody"))
      responses["413"] = envelopeResponse("The request body is over 8 MiB (`payload_too_large`)", ref("PayloadTooLarge"))
      responses["415"] = envelopeResponse(
        "The request body's Content-Type is not JSON (`unsupported_media_type`)",
        ref("UnsupportedMediaType")
      )
    } else {
      delete responses["400"]
      delete responses["413"]
      delete responses["415"]
      // nothing to decode: no validation failure (path ids are strings, unknown ones are 404)
      if (!parameters.some((p) => p.in === "query")) delete responses["422"]
    }
    if (!parameters.some((p) => p.in === "path") && !QUERY_NOT_FOUND.has(operation["operationId"])) {
      delete responses["404"]
    }
    responses["500"] = envelopeResponse("A bug on our side (`internal_error`); the details are in our logs", ref("InternalError"))
    responses["503"] = {
      description: "Retry shortly: the database is unreachable (`database_unavailable`) or this instance is " +
        "overloaded (`overloaded`, with `Retry-After`)",
      headers: {
        "Retry-After": { description: "Seconds to wait before retrying (load shedding)", schema: { type: "integer", minimum: 0 } }
      },
      content: json({ anyOf: [ref("DatabaseUnavailable"), ref("Overloaded")] })
    }
    for (const [status, response] of Object.entries(responses)) {
      if (response?.description === "Success") {
        responses[status] = { ...response, description: SUCCESS_DESCRIPTIONS[status] ?? "Success" }
      }
    }
    operation["responses"] = sortedByStatus(responses)
  }
}

const SUCCESS_DESCRIPTIONS: Record<string, string> = { "200": "OK", "201": "Created", "204": "Done; no body" }

const sortedByStatus = (responses: Spec): Spec =>
  Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)))

/** The token endpoint answers RFC 6749 bodies for its own errors, the envelope for the rest. */
const documentTokenEndpoint = (spec: Spec): void => {
  const operation = spec["paths"]?.[TOKEN_PATH]?.["post"]
  if (!isObject(operation)) return
  const responses = operation["responses"] as Spec
  responses["200"] = {
    description: "A bearer token (RFC 6749 §5.1); never cached (`Cache-Control: no-store`)",
    headers: { "Cache-Control": { description: "no-store", schema: { type: "string" } } },
    content: responses["200"]?.content
  }
  responses["400"] = {
    description: "RFC 6749 §5.2: `invalid_request` (a parameter is missing, repeated or malformed; client " +
      "authentication both in the header and in the body; a body that is not a JSON object or form fields, " +
      "whatever its Content-Type), `invalid_scope`, `unsupported_grant_type`",
    content: json({
      anyOf: [ref("OAuthInvalidRequest"), ref("OAuthInvalidScope"), ref("OAuthUnsupportedGrantType")]
    })
  }
  responses["401"] = {
    description: "RFC 6749 §5.2 `invalid_client`: unknown client, wrong secret or revoked credential " +
      "(`WWW-Authenticate: Basic` when HTTP Basic was used)",
    headers: { "WWW-Authenticate": { description: "`Basic realm=\"starmile\"`", schema: { type: "string" } } },
    content: json(ref("OAuthInvalidClient"))
  }
  // what is not JSON or form fields is an invalid_request above, never the envelope
  delete responses["415"]
  delete responses["422"]
  // client authentication: HTTP Basic (RFC 6749 §2.3.1) or client_id + client_secret in the body
  operation["security"] = [{ clientBasic: [] }, {}]
  const schema = spec["components"]["schemas"]["TokenRequest"]
  if (isObject(schema)) schema["required"] = ["grant_type"]
}

// ---------------------------------------------------------------- security and servers

const securePartnerOperations = (spec: Spec, scopes: ReadonlyMap<string, Scope>): void => {
  spec["components"]["securitySchemes"] = {
    oauth2: {
      type: "oauth2",
      description: "OAuth 2.0 client credentials (RFC 6749 §4.4). Exchange the client id and secret of your " +
        "credential for a bearer token at the token URL, then send `Authorization: Bearer <access_token>`. " +
        "A token carries the scopes asked for (default: all of the credential's).",
      flows: { clientCredentials: { tokenUrl: TOKEN_PATH, scopes: SCOPE_DESCRIPTIONS } }
    },
    clientBasic: {
      type: "http",
      scheme: "basic",
      description: "Token endpoint only: HTTP Basic client authentication (RFC 6749 §2.3.1), client id as the " +
        "user name and secret as the password; or send client_id and client_secret in the body instead."
    }
  }
  for (const { operation } of operationsOf(spec)) {
    const scope = scopes.get(operation["operationId"])
    if (scope !== undefined) operation["security"] = [{ oauth2: [scope] }]
  }
}

const OPEN_OPERATIONS = new Set(["system.health", "system.ready"])

const secureOperatorOperations = (spec: Spec): void => {
  spec["components"]["securitySchemes"] = {
    operatorBearer: {
      type: "http",
      scheme: "bearer",
      description: "The operator token: STARMILE_OPERATOR_TOKEN (generated into .starmile/operator-token by " +
        "`npm start` when unset)."
    }
  }
  for (const { operation } of operationsOf(spec)) {
    operation["security"] = OPEN_OPERATIONS.has(operation["operationId"]) ? [] : [{ operatorBearer: [] }]
  }
}

/** Relative: the document is right wherever it is served from (docs page, proxies, any port). */
const SERVERS = [{ url: "/", description: "The server this document is served from" }]

const INFO_EXTRAS = {
  contact: { name: "Starmile integrations", email: "integrations@starmile.io", url: "https://api.starmile.io" },
  license: { name: "Proprietary", url: "https://api.starmile.io/terms" }
}

// ---------------------------------------------------------------- schema cleanup

/** Titles the generator derives from filters: `maxLength(255)`, `between(0, 1000000)`, ... */
const FILTER_TITLE = /^[a-zA-Z]+\(.*\)$/
/** Descriptions the generator writes for its own schemas (they say nothing the keywords don't). */
const GENERATED_DESCRIPTION = /^(an? (string|number|integer|array|object|non-negative|positive|negative|valid|Date)\b|an array of|a string that will be trimmed)/

const cleanSchemas = (spec: Spec): void => {
  forEachSchema(spec["components"]["schemas"], cleanSchema)
  for (const { operation } of operationsOf(spec)) {
    forEachSchema(operation["requestBody"], cleanSchema)
    forEachSchema(operation["responses"], cleanSchema)
    for (const parameter of operation["parameters"] ?? []) {
      if (typeof parameter.description === "string" && GENERATED_DESCRIPTION.test(parameter.description)) {
        delete parameter.description
      }
      forEachSchema(parameter.schema, cleanSchema)
    }
  }
}

const cleanSchema = (schema: Spec): void => {
  if (typeof schema["title"] === "string" && FILTER_TITLE.test(schema["title"])) delete schema["title"]
  if (typeof schema["description"] === "string" && GENERATED_DESCRIPTION.test(schema["description"])) {
    delete schema["description"]
  }
  if (schema["type"] === "integer") {
    // ids: "positive" is minimum 1; the safe-integer ceiling is JSON's, not ours
    if (schema["exclusiveMinimum"] === 0) {
      delete schema["exclusiveMinimum"]
      schema["minimum"] = 1
    }
    if (schema["maximum"] === Number.MAX_SAFE_INTEGER) delete schema["maximum"]
  }
}

/** Component schemas whose generated form is not what the wire carries. */
const fixComponents = (schemas: Spec): void => {
  schemas["DateFromString"] = { type: "string", format: "date-time", description: "RFC 3339 UTC timestamp" }
  if (isObject(schemas["CountryCode"])) {
    schemas["CountryCode"] = {
      type: "string",
      pattern: "^[A-Z]{2}$",
      description: "An ISO 3166-1 alpha-2 country code in upper case",
      examples: ["AZ"]
    }
  }
  if (isObject(schemas["CurrencyCode"])) {
    schemas["CurrencyCode"] = {
      type: "string",
      pattern: "^[A-Z]{3}$",
      description: "An ISO 4217 currency code in upper case",
      examples: ["USD"]
    }
  }
  for (const schema of Object.values(schemas)) {
    forEachSchema(schema, (node) => {
      if (node["type"] === "string" && node["description"] === "RFC 3339 UTC timestamp") node["format"] = "date-time"
    })
  }
}

/** `?limit=` and `?partner_id=` are integers on the wire (the generator shows the string they are decoded from). */
const PAGE_LIMITS: Record<string, { readonly max: number; readonly default: number }> = {
  "orders.list": { max: 100, default: 20 },
  "invoices.list": { max: 1000, default: 100 },
  "statusPool.read": { max: 1000, default: 100 },
  "parcelFlow.listInvoices": { max: 1000, default: 100 }
}

/** Path segments that are database ids: integers (anything else cannot exist and is 404). */
const ID_PATH_PARAMETERS = new Set(["id", "partner_id", "warehouse_id"])

const typeQueryIntegers = (spec: Spec): void => {
  for (const { operation } of operationsOf(spec)) {
    for (const parameter of operation["parameters"] ?? []) {
      if (parameter.in === "path" && ID_PATH_PARAMETERS.has(parameter.name)) {
        parameter.schema = { type: "integer", minimum: 1 }
        parameter.description ??= "A positive integer id; anything else is 404"
      }
      if (parameter.in !== "query") continue
      const limits = PAGE_LIMITS[operation["operationId"]]
      if (parameter.name === "limit" && limits !== undefined) {
        parameter.description = `Page size, 1–${limits.max} (default ${limits.default})`
        parameter.schema = { type: "integer", minimum: 1, maximum: limits.max, default: limits.default }
      } else if (parameter.name === "partner_id") {
        parameter.description = "Only this partner's lines (every partner's when omitted); an unknown partner is 404"
        parameter.schema = { type: "integer", minimum: 1 }
      } else if (parameter.name === "cursor") {
        parameter.description = "The `next_cursor` of the previous page (opaque)"
      }
    }
  }
}

// ---------------------------------------------------------------- request and error bodies

const refName = (value: unknown): string | undefined =>
  typeof value === "string" && value.startsWith("#/components/schemas/") ? value.slice("#/components/schemas/".length) : undefined

/** Names of the component schemas reachable from `roots`. */
const reachableSchemas = (spec: Spec, roots: ReadonlyArray<unknown>): Set<string> => {
  const schemas = spec["components"]["schemas"] as Spec
  const seen = new Set<string>()
  const pending = [...roots]
  while (pending.length > 0) {
    forEachSchema(pending.pop(), (node) => {
      const name = refName(node["$ref"])
      if (name !== undefined && !seen.has(name)) {
        seen.add(name)
        pending.push(schemas[name])
      }
    })
  }
  return seen
}

/** Unknown fields in a request body are ignored, so request schemas do not forbid them. */
const allowUnknownRequestFields = (spec: Spec): void => {
  const operations = operationsOf(spec)
  const requestRoots = operations.map(({ operation }) => operation["requestBody"])
  const responseSchemas = reachableSchemas(spec, operations.map(({ operation }) => operation["responses"]))
  const strip = (node: Spec) => {
    if (node["additionalProperties"] === false) delete node["additionalProperties"]
  }
  for (const root of requestRoots) {
    forEachSchema(root, (node) => {
      if (node["$ref"] === undefined) strip(node)
    })
  }
  for (const name of reachableSchemas(spec, requestRoots)) {
    if (responseSchemas.has(name)) continue // a shape answered too stays exact
    forEachSchema(spec["components"]["schemas"][name], strip)
  }
}

/** Every error body (envelope or RFC 6749) may carry the request id (for support). */
const addRequestIdToErrors = (schemas: Spec): void => {
  for (const schema of Object.values(schemas)) {
    if (!isObject(schema) || !isObject(schema["properties"])) continue
    const { code, message, error } = schema["properties"] as Spec
    const envelope = isObject(code) && isObject(message) && Array.isArray(code["enum"])
    const oauth = isObject(error) && Array.isArray(error["enum"])
    if (envelope || oauth) {
      schema["properties"]["request_id"] = { type: "string", description: "The request's id (X-Request-Id), for support" }
    }
  }
}

/** Components nothing refers to any more (the platform's decode error, ...). */
const pruneUnusedSchemas = (spec: Spec): void => {
  const used = reachableSchemas(spec, [spec["paths"]])
  const schemas = spec["components"]["schemas"] as Spec
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name]
}

// ---------------------------------------------------------------- assembling

const finish = (spec: Spec, secure: (spec: Spec) => void): Spec => {
  const document: Spec = structuredClone(spec)
  document["info"] = { ...document["info"], ...INFO_EXTRAS }
  document["servers"] = SERVERS
  delete document["security"] // each operation names its own
  documentRealStatuses(document)
  documentTokenEndpoint(document)
  secure(document)
  fixComponents(document["components"]["schemas"])
  typeQueryIntegers(document)
  cleanSchemas(document)
  applyFieldDocs(document["components"]["schemas"])
  allowUnknownRequestFields(document)
  addRequestIdToErrors(document["components"]["schemas"])
  applyExamples(document)
  pruneUnusedSchemas(document)
  return document
}

export const finishPartnerDocument = (scopes: ReadonlyMap<string, Scope>) => (spec: Spec): Spec =>
  finish(spec, (document) => securePartnerOperations(document, scopes))

export const finishOperatorDocument = (spec: Spec): Spec => finish(spec, secureOperatorOperations)

