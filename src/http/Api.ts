/**
 * The HttpApi: partner and operator groups, the API-wide errors, and the OpenAPI documents.
 * Each group lives in its own *Api.ts with its handlers in the matching *Http.ts.
 *
 * `StarmileApi` is what the server runs. Two more HttpApi values over the same groups exist only
 * to be documented: the partner API (`/api/v1/openapi.json`) and the operator API
 * (`/operator/v1/openapi.json`); OpenApiDocument.ts finishes each document.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import {
  DatabaseUnavailable,
  InternalError,
  MalformedBody,
  NotFound,
  Overloaded,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed
} from "../domain/Errors.js"
import { CatalogueApi } from "./CatalogueApi.js"
import { envelope } from "./Envelope.js"
import { OAuthApi } from "./OAuthApi.js"
import { JobsApi } from "./JobsApi.js"
import { MappingsApi } from "./MappingsApi.js"
import { finishOperatorDocument, finishPartnerDocument, scopesByOperation } from "./OpenApiDocument.js"
import { OperatorCatalogueApi } from "./OperatorCatalogueApi.js"
import { OrdersApi } from "./OrdersApi.js"
import { InvoicesApi } from "./InvoicesApi.js"
import { ParcelFlowApi } from "./ParcelFlowApi.js"
import { StatusPoolApi } from "./StatusPoolApi.js"
import { SystemApi } from "./SystemApi.js"

export const API_VERSION = "1.0.0"

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
  .addError(envelope(Overloaded))
  .addError(envelope(InternalError))
  .annotate(OpenApi.Title, "Starmile hub API")
  .annotate(OpenApi.Version, API_VERSION)
{}

/** The partner API as partners read it: OAuth2 client credentials, orders, status pool, invoices. */
const PartnerGroups = HttpApi.make("partner")
  .add(OAuthApi)
  .add(CatalogueApi)
  .add(OrdersApi)
  .add(StatusPoolApi)
  .add(InvoicesApi)
  .addError(envelope(ValidationFailed))
  .addError(envelope(MalformedBody))
  .addError(envelope(PayloadTooLarge))
  .addError(envelope(UnsupportedMediaType))
  .addError(envelope(NotFound))
  .addError(envelope(DatabaseUnavailable))
  .addError(envelope(Overloaded))
  .addError(envelope(InternalError))
  .annotate(OpenApi.Title, "Starmile partner API")
  .annotate(OpenApi.Version, API_VERSION)
  .annotate(
    OpenApi.Description,
    "Hand parcels to the Starmile logistics hub: obtain an OAuth2 token (client credentials), read the services " +
      "published for you, create orders of parcels with products, update or cancel them while they are at their " +
      "flow's first step, read and acknowledge status events, and read your invoice lines.\n\n" +
      "Every success body is `{\"data\": ...}` (lists add `next_cursor`); every error body is " +
      "`{\"message\", \"code\", \"errors\"?}` except the token endpoint's, which are RFC 6749 " +
      "`{\"error\", \"error_description\"}`. Unknown extra fields in a request body are ignored."
  )

export const PartnerApiDocument = PartnerGroups.annotate(
  OpenApi.Transform,
  (spec) => finishPartnerDocument(scopesByOperation(PartnerGroups))(spec)
)

/** The operator API: catalogue set-up, region mapping, parcel scans, invoices, jobs, probes. */
export const OperatorApiDocument = HttpApi.make("operator")
  .add(SystemApi)
  .add(OperatorCatalogueApi)
  .add(MappingsApi)
  .add(ParcelFlowApi)
  .add(JobsApi)
  .addError(envelope(ValidationFailed))
  .addError(envelope(MalformedBody))
  .addError(envelope(PayloadTooLarge))
  .addError(envelope(UnsupportedMediaType))
  .addError(envelope(NotFound))
  .addError(envelope(DatabaseUnavailable))
  .addError(envelope(Overloaded))
  .addError(envelope(InternalError))
  .annotate(OpenApi.Title, "Starmile operator API")
  .annotate(OpenApi.Version, API_VERSION)
  .annotate(
    OpenApi.Description,
    "Run the Starmile hub: set up warehouses, partners, credentials, flows, regions, PUDO points, services, " +
      "publications and rates; map partners' region keys; scan parcels; read invoices; trigger jobs. " +
      "Every call needs the operator bearer token (STARMILE_OPERATOR_TOKEN) except the probes /health and /ready.\n\n" +
      "Every success body is `{\"data\": ...}`; every error body is `{\"message\", \"code\", \"errors\"?}`. " +
      "Unknown extra fields in a request body are ignored."
  )
  .annotate(OpenApi.Transform, finishOperatorDocument)

export const partnerOpenApi = () => OpenApi.fromApi(PartnerApiDocument)
export const operatorOpenApi = () => OpenApi.fromApi(OperatorApiDocument)
