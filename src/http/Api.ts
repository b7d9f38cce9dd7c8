/**
 * The HttpApi: partner and operator groups, the API-wide errors, and the OpenAPI document.
 * Each group lives in its own *Api.ts with its handlers in the matching *Http.ts.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { JSONSchema } from "effect"
import {
  DatabaseUnavailable,
  InternalError,
  MalformedBody,
  NotFound,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed
} from "../domain/Errors.js"
import { CatalogueApi } from "./CatalogueApi.js"
import { envelope, ErrorEnvelope } from "./Envelope.js"
import { OAuthApi } from "./OAuthApi.js"
import { JobsApi } from "./JobsApi.js"
import { MappingsApi } from "./MappingsApi.js"
import { OperatorCatalogueApi } from "./OperatorCatalogueApi.js"
import { OrdersApi } from "./OrdersApi.js"
import { InvoicesApi } from "./InvoicesApi.js"
import { ParcelFlowApi } from "./ParcelFlowApi.js"
import { StatusPoolApi } from "./StatusPoolApi.js"
import { SystemApi } from "./SystemApi.js"

type Spec = Record<string, any>

/** JSON Schema of the error envelope (CONTRACT §1), from its Schema. */
const envelopeJsonSchema = () => JSONSchema.make(ErrorEnvelope).$defs?.["ErrorEnvelope"]

/**
 * The platform declares its own 400 HttpApiDecodeError, and the API-wide errors, on every
 * operation. Rewrite the document to list what each operation really answers: 400 (not JSON)
 * and 413 only with a body, 422 only with a body or a query, 404 only with a path id.
 */
const documentRealStatuses = (spec: Spec): Spec => {
  const paths: Record<string, Record<string, any>> = {}
  for (const [path, item] of Object.entries(spec.paths)) {
    const methods: Record<string, any> = {}
    for (const [method, operation] of Object.entries(item as Record<string, any>)) {
      if (typeof operation !== "object" || operation === null || !("responses" in operation)) {
        methods[method] = operation
        continue
      }
      const responses = { ...operation.responses }
      const hasBody = "requestBody" in operation
      const parameters: ReadonlyArray<{ readonly in: string }> = operation.parameters ?? []
      if (hasBody) {
        responses["400"] = {
          description: "The request body is not valid JSON",
          content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } }
        }
      } else {
        delete responses["400"]
        delete responses["413"]
        delete responses["415"]
        // nothing to decode: no validation failure (path ids are strings, unknown ones are 404)
        if (!parameters.some((p) => p.in === "query")) delete responses["422"]
      }
      // the API-wide 404 (unknown ids) applies to operations that address something by id
      if (!parameters.some((p) => p.in === "path")) delete responses["404"]
      methods[method] = { ...operation, responses }
    }
    paths[path] = methods
  }
  const schemas = { ...(spec.components.schemas as Record<string, unknown>) }
  delete schemas["HttpApiDecodeError"]
  schemas["ErrorEnvelope"] = envelopeJsonSchema()
  return { ...spec, paths, components: { ...spec.components, schemas } }
}

export class StarmileApi extends HttpApi.make("starmile")
  .add(SystemApi)
  .add(OAuthApi)
  .add(CatalogueApi)
  .add(OrdersApi)
  .add(OperatorCatalogueApi)
  .add(MappingsApi)
  .add(JobsApi)
  .add(ParcelFlowApi)
  .add(StatusPoolApi)
  .add(InvoicesApi)
  .addError(envelope(ValidationFailed))
  .addError(envelope(MalformedBody))
  .addError(envelope(PayloadTooLarge))
  .addError(envelope(UnsupportedMediaType))
  .addError(envelope(NotFound))
  .addError(envelope(DatabaseUnavailable))
  .addError(envelope(InternalError))
  .annotate(OpenApi.Title, "Starmile hub API")
  .annotate(OpenApi.Version, "1.0.0")
  .annotate(
    OpenApi.Description,
    "Partner API (OAuth2 client credentials) and operator API of the Starmile logistics hub. " +
      "Every error body is {message, code, errors?}."
  )
  .annotate(OpenApi.Transform, documentRealStatuses)
{}
