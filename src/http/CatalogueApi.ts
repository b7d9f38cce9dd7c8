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
      .annotate(OpenApi.Description, "Services published for the caller's partner in the caller's warehouse (scope services:read)")
  )
  .add(
    HttpApiEndpoint.get("listPudoPoints", "/api/v1/pudo-points")
      .middleware(RequiresServicesRead)
      .setUrlParams(Schema.Struct({ country: optionalField(CountryCode), kind: optionalField(PudoKind) }))
      .addSuccess(PageOf(PudoPoint))
      .annotate(OpenApi.Description, "Active PUDO points and lockers (scope services:read)")
  )
  .addError(envelope(Forbidden))
  .annotate(OpenApi.Description, "What the caller may use")
{}
