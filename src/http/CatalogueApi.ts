/** Partner catalogue: the services published for the caller, and active PUDO points. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { PartnerService, PudoKind, PudoPoint } from "../domain/Catalogue.js"
import { Forbidden } from "../domain/Errors.js"
import { CountryCode, optionalField } from "../domain/Primitives.js"
import { envelope } from "./Envelope.js"
import { RequiresServicesRead } from "./Scopes.js"
import { PageOf } from "./Schemas.js"

export class CatalogueApi extends HttpApiGroup.make("catalogue")
  .add(
    HttpApiEndpoint.get("listServices", "/api/v1/services")
      .middleware(RequiresServicesRead)
      .addSuccess(PageOf(PartnerService))
      .annotate(OpenApi.Summary, "List your services")
      .annotate(OpenApi.Description, "Services published for the caller's partner in the caller's warehouse (scope services:read)")
  )
  .add(
    HttpApiEndpoint.get("listPudoPoints", "/api/v1/pudo-points")
      .middleware(RequiresServicesRead)
      .setUrlParams(Schema.Struct({ country: optionalField(CountryCode), kind: optionalField(PudoKind) }))
      .addSuccess(PageOf(PudoPoint))
      .annotate(OpenApi.Summary, "List PUDO points and lockers")
      .annotate(OpenApi.Description, "Active PUDO points and lockers, for the pudo_id of a PUDO-delivery order (scope services:read). " +
          "Filter by country (ISO 3166-1 alpha-2) and kind.")
  )
  .addError(envelope(Forbidden))
  .annotate(OpenApi.Title, "Services")
  .annotate(OpenApi.Description, "What you may use: your services (with their flow steps and rates) and the PUDO points")
{}
