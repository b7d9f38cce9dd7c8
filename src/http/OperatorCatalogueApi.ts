/** Operator API (CONTRACT §8) for the catalogue. Bearer STARMILE_OPERATOR_TOKEN. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import {
  Flow,
  IssuedCredential,
  NewCredential,
  NewFlow,
  NewPartner,
  NewPudoPoint,
  NewRate,
  NewRegion,
  NewService,
  NewWarehouse,
  Partner,
  Publication,
  PublicationTarget,
  PudoPoint,
  PudoPointPatch,
  Rate,
  Region,
  Service,
  Warehouse
} from "../domain/Catalogue.js"
import { RateAlreadyExists, WarehouseCodeTaken } from "../domain/CatalogueService.js"
import { envelope } from "./Envelope.js"
import { DataOf, IdPath } from "./Schemas.js"
import { OperatorAuth } from "./Security.js"

const created = <S extends Schema.Schema.Any>(schema: S) => [DataOf(schema), { status: 201 }] as const

export class OperatorCatalogueApi extends HttpApiGroup.make("operatorCatalogue")
  .add(
    HttpApiEndpoint.post("createWarehouse", "/operator/v1/warehouses")
      .setPayload(NewWarehouse)
      .addSuccess(...created(Warehouse))
      .addError(envelope(WarehouseCodeTaken))
  )
  .add(HttpApiEndpoint.post("createPartner", "/operator/v1/partners").setPayload(NewPartner).addSuccess(...created(Partner)))
  .add(
    HttpApiEndpoint.post("createCredential", "/operator/v1/partners/:partner_id/credentials")
      .setPath(IdPath("partner_id"))
      .setPayload(NewCredential)
      .addSuccess(...created(IssuedCredential))
  )
  .add(
    HttpApiEndpoint.del("revokeCredential", "/operator/v1/credentials/:client_id")
      .setPath(Schema.Struct({ client_id: Schema.String }))
      .addSuccess(HttpApiSchema.NoContent)
  )
  .add(HttpApiEndpoint.post("createFlow", "/operator/v1/flows").setPayload(NewFlow).addSuccess(...created(Flow)))
  .add(HttpApiEndpoint.post("createRegion", "/operator/v1/regions").setPayload(NewRegion).addSuccess(...created(Region)))
  .add(
    HttpApiEndpoint.post("createPudoPoint", "/operator/v1/pudo-points").setPayload(NewPudoPoint).addSuccess(
      ...created(PudoPoint)
    )
  )
  .add(
    HttpApiEndpoint.patch("updatePudoPoint", "/operator/v1/pudo-points/:id")
      .setPath(IdPath("id"))
      .setPayload(PudoPointPatch)
      .addSuccess(DataOf(PudoPoint))
  )
  .add(HttpApiEndpoint.post("createService", "/operator/v1/services").setPayload(NewService).addSuccess(...created(Service)))
  .add(
    HttpApiEndpoint.post("publishService", "/operator/v1/services/:id/publications")
      .setPath(IdPath("id"))
      .setPayload(PublicationTarget)
      .addSuccess(...created(Publication))
  )
  .add(
    HttpApiEndpoint.del("unpublishService", "/operator/v1/services/:id/publications")
      .setPath(IdPath("id"))
      .setPayload(PublicationTarget)
      .addSuccess(HttpApiSchema.NoContent)
  )
  .add(
    HttpApiEndpoint.post("createRate", "/operator/v1/rates")
      .setPayload(NewRate)
      .addSuccess(...created(Rate))
      .addError(envelope(RateAlreadyExists))
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Description, "Operator catalogue set-up (bearer STARMILE_OPERATOR_TOKEN)")
{}
