/**
 * The OpenAPI documents as the contract of every response the HTTP suites receive: `call`
 * (TestApp.ts) checks each response against the schema the partner or operator document
 * declares for its operation and status (JSON Schema 2020-12, as OAS 3.1 says) and fails the
 * test on an undeclared status or a body that does not match. A request that names no
 * operation (unknown route, wrong method, docs pages) is checked against the error envelope
 * when it is an error.
 */
import { Ajv2020 } from "ajv/dist/2020.js"
import addFormats from "ajv-formats"
import { JSONSchema } from "effect"
import { operatorOpenApi, partnerOpenApi } from "../../src/http/Api.js"
import { ErrorEnvelope } from "../../src/http/Envelope.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>

interface Operation {
  readonly document: string
  readonly method: string
  readonly template: string
  readonly pattern: RegExp
  readonly params: number
  readonly operation: Spec
}

const documents: Record<string, Spec> = { partner: partnerOpenApi(), operator: operatorOpenApi() }

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
;(addFormats as unknown as (ajv: Ajv2020) => void)(ajv)
for (const [name, document] of Object.entries(documents)) ajv.addSchema(document, `${name}.json`)
const { $schema: _draft, ...envelopeSchema } = JSONSchema.make(ErrorEnvelope)
ajv.addSchema(envelopeSchema, "envelope.json")

const escapePointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1")

const operations: ReadonlyArray<Operation> = Object.entries(documents).flatMap(([document, spec]) =>
  Object.entries(spec["paths"] as Record<string, Spec>).flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      document,
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
      params: (template.match(/\{/g) ?? []).length,
      operation: operation as Spec
    }))
  )
).sort((a, b) => a.params - b.params)

export const findOperation = (method: string, path: string): Operation | undefined =>
  operations.find((candidate) => candidate.method === method && candidate.pattern.test(path))

const schemaAt = (pointer: string) => {
  const validate = ajv.getSchema(pointer)
  if (validate === undefined) throw new Error(`no schema at ${pointer}`)
  return validate
}

const problems = (pointer: string, body: unknown): string | undefined => {
  const validate = schemaAt(pointer)
  return validate(body) ? undefined : ajv.errorsText(validate.errors, { dataVar: "body" })
}

/** Why this response breaks the documents, or undefined when it keeps them. */
export const contractViolation = (
  method: string,
  url: string,
  status: number,
  contentType: string | undefined,
  body: unknown
): string | undefined => {
  const path = url.split("?")[0] ?? url
  const found = findOperation(method, path)
  const isJson = (contentType ?? "").includes("json")
  if (found === undefined) {
    if (status < 400) return undefined
    return isJson ? problems("envelope.json", body) : `error ${status} without a JSON body`
  }
  const where = `${method} ${found.template} → ${status}`
  const response = found.operation["responses"]?.[String(status)]
  if (response === undefined) return `${where}: status not declared in the ${found.document} document`
  const content: Record<string, unknown> = response["content"] ?? {}
  const media = content["application/json"]
  if (media === undefined) {
    if (body === undefined || body === "") return undefined
    // a declared non-JSON body (Prometheus text): its media type must be the one sent
    const sent = (contentType ?? "").split(";")[0]!.trim()
    if (!isJson && Object.keys(content).some((type) => type.split(";")[0]!.trim() === sent)) return undefined
    return `${where}: the document declares no body, got ${JSON.stringify(body).slice(0, 300)}`
  }
  if (!isJson) return `${where}: expected JSON, got Content-Type ${contentType}`
  const pointer = `${found.document}.json#/paths/${escapePointer(found.template)}/${method.toLowerCase()}/responses/${status}` +
    "/content/application~1json/schema"
  const problem = problems(pointer, body)
  return problem === undefined ? undefined : `${where}: ${problem} — body ${JSON.stringify(body).slice(0, 500)}`
}

/** Validates a value against a schema of a document (for the examples test). */
export const schemaProblems = (document: "partner" | "operator", pointer: string, value: unknown) =>
  problems(`${document}.json#${pointer}`, value)

export { documents }
