/**
 * The HttpApi: partner and operator groups, the API-wide errors, and the OpenAPI document.
 * Each group lives in its own *Api.ts with its handlers in the matching *Http.ts.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { JSONSchema } from "effect"
import { DatabaseUnavailable, InternalError, MalformedBody, NotFound, ValidationFailed } from "../domain/Errors.js"
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
 * The platform declares its own 400 HttpApiDecodeError on every operation; this service
 * answers decode failures 422 (ValidationFailed, declared) and keeps 400 only for a body that
 * is not JSON. Rewrite the document to say so: operations with a body get the envelope for 400,
 * the others lose it.
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
      if ("requestBody" in operation) {
        responses["400"] = {
          description: "The request body is not valid JSON",
          content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } }
        }
      } else {
        delete responses["400"]
      }
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
