/** Operator API (CONTRACT §8) for the catalogue. Bearer STARMILE_OPERATOR_TOKEN. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { type Context, Schema } from "effect"
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

const doc = (summary: string, description: string) =>
<E extends { annotate: <I, S>(tag: Context.Tag<I, S>, value: S) => E }>(endpoint: E): E =>
  endpoint.annotate(OpenApi.Summary, summary).annotate(OpenApi.Description, description)

/** `…/publications/{partner_id}/{warehouse_id}`: the publication addressed by its path (CONTRACT §8). */
const PublicationPath = Schema.Struct({ id: Schema.String, partner_id: Schema.String, warehouse_id: Schema.String })

export class OperatorCatalogueApi extends HttpApiGroup.make("operatorCatalogue")
  .add(
    HttpApiEndpoint.post("createWarehouse", "/operator/v1/warehouses")
      .setPayload(NewWarehouse)
      .addSuccess(...created(Warehouse))
      .addError(envelope(WarehouseCodeTaken))
      .pipe(doc("Create a warehouse", "A hub with a unique code; its country goes into the tracking numbers issued there. A taken code → 409."))
  )
  .add(
    HttpApiEndpoint.post("createPartner", "/operator/v1/partners").setPayload(NewPartner).addSuccess(...created(Partner))
      .pipe(doc("Create a partner", "A merchant or marketplace that hands parcels to the hub."))
  )
  .add(
    HttpApiEndpoint.post("createCredential", "/operator/v1/partners/:partner_id/credentials")
      .setPath(IdPath("partner_id"))
      .setPayload(NewCredential)
      .addSuccess(...created(IssuedCredential))
      .pipe(doc(
        "Issue a partner credential",
        "A client id and secret bound to a warehouse, with scopes (default: all seven). The secret is answered " +
          "only here, once; Starmile keeps only its hash."
      ))
  )
  .add(
    HttpApiEndpoint.del("revokeCredential", "/operator/v1/credentials/:client_id")
      .setPath(Schema.Struct({ client_id: Schema.String }))
      .addSuccess(HttpApiSchema.NoContent)
      .pipe(doc("Revoke a credential", "Its tokens stop working at once; it can no longer obtain tokens."))
  )
  .add(
    HttpApiEndpoint.post("createFlow", "/operator/v1/flows").setPayload(NewFlow).addSuccess(...created(Flow))
      .pipe(doc("Create a flow", "The ordered statuses a parcel walks: at least 2 distinct snake_case steps; `cancelled` is reserved."))
  )
  .add(
    HttpApiEndpoint.post("createRegion", "/operator/v1/regions").setPayload(NewRegion).addSuccess(...created(Region))
      .pipe(doc("Create a region", "A Starmile region with its pricing tier; the parent, when given, must exist in the same country."))
  )
  .add(
    HttpApiEndpoint.post("createPudoPoint", "/operator/v1/pudo-points").setPayload(NewPudoPoint).addSuccess(
      ...created(PudoPoint)
    ).pipe(doc("Create a PUDO point", "A pick-up/drop-off point or a locker (kind), active unless `active: false`."))
  )
  .add(
    HttpApiEndpoint.patch("updatePudoPoint", "/operator/v1/pudo-points/:id")
      .setPath(IdPath("id"))
      .setPayload(PudoPointPatch)
      .addSuccess(DataOf(PudoPoint))
      .pipe(doc("Activate or deactivate a PUDO point", "Inactive points are not listed to partners and cannot take new orders."))
  )
  .add(
    HttpApiEndpoint.post("createService", "/operator/v1/services").setPayload(NewService).addSuccess(...created(Service))
      .pipe(doc(
        "Create a service",
        "A delivery type on a corridor with a flow. The channel must fit the type (home → home; PUDO → pudo or " +
          "locker; clearance and cross-docking → none) and may be omitted when the type allows one."
      ))
  )
  .add(
    HttpApiEndpoint.post("publishService", "/operator/v1/services/:id/publications")
      .setPath(IdPath("id"))
      .setPayload(PublicationTarget)
      .addSuccess(...created(Publication))
      .pipe(doc(
        "Publish a service",
        "Makes the service usable by a partner in a warehouse. Publishing again answers the existing publication."
      ))
  )
  .add(
    HttpApiEndpoint.del("unpublishServiceAt", "/operator/v1/services/:id/publications/:partner_id/:warehouse_id")
      .setPath(PublicationPath)
      .addSuccess(HttpApiSchema.NoContent)
      .pipe(doc(
        "Unpublish a service",
        "Removes the service's publication for the partner in the warehouse; one that is not published → 404."
      ))
  )
  .add(
    HttpApiEndpoint.del("unpublishService", "/operator/v1/services/:id/publications")
      .setPath(IdPath("id"))
      .setPayload(PublicationTarget)
      .addSuccess(HttpApiSchema.NoContent)
      .annotate(OpenApi.Deprecated, true)
      .pipe(doc(
        "Unpublish a service (body form)",
        "The older form with a request body, still accepted; prefer DELETE …/publications/{partner_id}/{warehouse_id}, " +
          "since many clients and proxies drop a DELETE body."
      ))
  )
  .add(
    HttpApiEndpoint.post("createRate", "/operator/v1/rates")
      .setPayload(NewRate)
      .addSuccess(...created(Rate))
      .addError(envelope(RateAlreadyExists))
      .pipe(doc(
        "Create a rate",
        "What a parcel of the service costs (amount + per_kg_amount × started kg), billed when the parcel reaches " +
          "bill_on_status (a step of the service's flow). Default or partner-specific, any tier or one tier; one rate " +
          "per (service, partner or default, tier or any) → else 409."
      ))
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Catalogue set-up")
  .annotate(OpenApi.Description, "Warehouses, partners and credentials, flows, regions, PUDO points, services, publications, rates")
{}
