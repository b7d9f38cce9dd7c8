/**
 * Operator parcel flow and invoices (CONTRACT §8): `POST /operator/v1/parcels/{code}/status`
 * (a scan) and `GET /operator/v1/invoices?partner_id=&limit=&cursor=`. Bearer STARMILE_OPERATOR_TOKEN.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { OperatorInvoiceLine } from "../domain/Billing.js"
import { AmbiguousParcelCode, BackwardMove, ParcelCancelled, ParcelScan, ScannedParcel, StatusNotInFlow } from "../domain/ParcelFlow.js"
import { NotFound } from "../domain/Errors.js"
import { Id, optionalField } from "../domain/Primitives.js"
import { envelope } from "./Envelope.js"
import { InvoicePageParams } from "./InvoicesApi.js"
import { DataOf, PageOf } from "./Schemas.js"
import { OperatorAuth } from "./Security.js"

export class ParcelFlowApi extends HttpApiGroup.make("parcelFlow")
  .add(
    HttpApiEndpoint.post("scan", "/operator/v1/parcels/:code/status")
      .setPath(Schema.Struct({ code: Schema.String.annotations({ description: "Parcel tracking or merchant tracking" }) }))
      .setPayload(ParcelScan)
      .addSuccess(DataOf(ScannedParcel))
      .addError(envelope(ParcelCancelled))
      .addError(envelope(StatusNotInFlow))
      .addError(envelope(BackwardMove))
      .addError(envelope(AmbiguousParcelCode))
      .annotate(OpenApi.Summary, "Scan a parcel")
      .annotate(
        OpenApi.Description,
        "Moves a parcel forward along its service's flow (skipping allowed) and records a DWS measurement when sent. " +
          "The same status again is a no-op (only a sent measurement is recorded). Writes the status event and raises " +
          "the invoice line the move makes due, in one transaction."
      )
  )
  .add(
    HttpApiEndpoint.get("listInvoices", "/operator/v1/invoices")
      .setUrlParams(Schema.Struct({
        ...InvoicePageParams.fields,
        partner_id: optionalField(Schema.NumberFromString.pipe(Schema.compose(Id))).annotations({
          description: "Only this partner's lines (all partners when omitted)"
        })
      }))
      .addSuccess(PageOf(OperatorInvoiceLine))
      .addError(envelope(NotFound))
      .annotate(OpenApi.Summary, "List invoice lines")
      .annotate(OpenApi.Description, "Every partner's invoice lines, or one partner's (partner_id; unknown → 404), newest first, cursor-paginated")
  )
  .middleware(OperatorAuth)
  .annotate(OpenApi.Title, "Parcel flow")
  .annotate(OpenApi.Description, "Parcel scans along their flow, and invoice lines")
{}
