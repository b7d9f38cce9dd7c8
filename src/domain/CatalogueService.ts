/**
 * Operator catalogue set-up: the rules that need stored state (the referenced flow, parent
 * region, partner or warehouse exists; a rate bills on a step of its service's flow; the
 * channel fits the service type). Shape rules are in the input schemas of Catalogue.ts.
 */
import { HttpApiSchema } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import { NotFound, ValidationFailed } from "./Errors.js"
import type { PartnerId, ServiceId, WarehouseId } from "./Ids.js"
import {
  type NewFlow,
  type NewPartner,
  type NewPudoPoint,
  type NewRate,
  type NewRegion,
  type NewService,
  type NewWarehouse,
  type PublicationTarget,
  resolveChannel
} from "./Catalogue.js"
import { CatalogueRepo } from "./repositories/CatalogueRepo.js"

/** 409: a second rate for the same service, partner (or default) and tier (or any). */
export class RateAlreadyExists extends Schema.TaggedError<RateAlreadyExists>()(
  "RateAlreadyExists",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "A rate with the same service, partner and tier exists" })
) {}

/** 409: the warehouse code is taken. */
export class WarehouseCodeTaken extends Schema.TaggedError<WarehouseCodeTaken>()(
  "WarehouseCodeTaken",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "A warehouse with this code exists" })
) {}

const orNull = <A>(value: A | null | undefined): A | null => value ?? null

/** Operator catalogue set-up with the rules that need stored state. */
export class CatalogueService extends Effect.Service<CatalogueService>()("starmile/CatalogueService", {
  effect: Effect.gen(function* () {
    const repo = yield* CatalogueRepo

    const requirePartner = (id: PartnerId, field?: string) =>
      Effect.flatMap(repo.findPartner(id), (p) =>
        p !== undefined
          ? Effect.succeed(p)
          : Effect.fail(field === undefined ? NotFound.of("Partner", id) : ValidationFailed.at(field, `partner ${id} does not exist`)))

    const requireWarehouse = (id: WarehouseId, field: string) =>
      Effect.flatMap(repo.findWarehouse(id), (w) =>
        w !== undefined ? Effect.succeed(w) : Effect.fail(ValidationFailed.at(field, `warehouse ${id} does not exist`)))

    const requireService = (id: ServiceId, field?: string) =>
      Effect.flatMap(repo.findService(id), (s) =>
        s !== undefined
          ? Effect.succeed(s)
          : Effect.fail(field === undefined ? NotFound.of("Service", id) : ValidationFailed.at(field, `service ${id} does not exist`)))

    return {
      requirePartner,
      requireWarehouse,

      createWarehouse: (input: typeof NewWarehouse.Type) =>
        Effect.flatMap(repo.insertWarehouse(input), (w) =>
          w !== undefined
            ? Effect.succeed(w)
            : Effect.fail(new WarehouseCodeTaken({ message: `A warehouse with code "${input.code}" already exists.` }))),

      createPartner: (input: typeof NewPartner.Type) => repo.insertPartner(input),

      createFlow: (input: typeof NewFlow.Type) => repo.insertFlow(input),

      createRegion: (input: typeof NewRegion.Type) =>
        Effect.gen(function* () {
          const parentId = orNull(input.parent_id)
          if (parentId !== null) {
            const parent = yield* repo.findRegion(parentId)
            if (parent === undefined) return yield* ValidationFailed.at("parent_id", `region ${parentId} does not exist`)
            if (parent.country !== input.country) {
              return yield* ValidationFailed.at("parent_id", `region ${parentId} is in ${parent.country}, not ${input.country}`)
            }
          }
          return yield* repo.insertRegion({ ...input, parent_id: parentId })
        }),

      createPudoPoint: (input: typeof NewPudoPoint.Type) =>
        repo.insertPudoPoint({ ...input, address: orNull(input.address), active: input.active ?? true }),

      setPudoPointActive: (id: number, active: boolean) =>
        Effect.flatMap(repo.setPudoPointActive(id, active), (p) =>
          p !== undefined ? Effect.succeed(p) : Effect.fail(NotFound.of("PUDO point", id))),

      createService: (input: typeof NewService.Type) =>
        Effect.gen(function* () {
          const resolved = resolveChannel(input.type, input.channel)
          if (Either.isLeft(resolved)) return yield* ValidationFailed.at("channel", resolved.left)
          const channel = resolved.right
          const flow = yield* repo.findFlow(input.flow_id)
          if (flow === undefined) return yield* ValidationFailed.at("flow_id", `flow ${input.flow_id} does not exist`)
          return yield* repo.insertService({
            name: input.name,
            type: input.type,
            channel,
            origin_country: input.origin_country,
            destination_country: input.destination_country,
            flow_id: input.flow_id,
            consolidation_enabled: input.consolidation_enabled ?? false
          })
        }),

      publish: (serviceId: ServiceId, target: typeof PublicationTarget.Type) =>
        Effect.gen(function* () {
          yield* requireService(serviceId)
          yield* requirePartner(target.partner_id, "partner_id")
          yield* requireWarehouse(target.warehouse_id, "warehouse_id")
          return yield* repo.publish({ service_id: serviceId, ...target })
        }),

      unpublish: (serviceId: ServiceId, target: typeof PublicationTarget.Type) =>
        Effect.flatMap(repo.unpublish({ service_id: serviceId, ...target }), (removed) =>
          removed
            ? Effect.void
            : Effect.fail(new NotFound({
              message: `Service ${serviceId} is not published for partner ${target.partner_id} in warehouse ${target.warehouse_id}.`
            }))),

      createRate: (input: typeof NewRate.Type) =>
        Effect.gen(function* () {
          const service = yield* requireService(input.service_id, "service_id")
          const partnerId = orNull(input.partner_id)
          if (partnerId !== null) yield* requirePartner(partnerId, "partner_id")
          const flow = yield* repo.findFlow(service.flow_id)
          if (flow === undefined || !flow.steps.includes(input.bill_on_status)) {
            return yield* ValidationFailed.at(
              "bill_on_status",
              `"${input.bill_on_status}" is not a step of the service's flow (${flow?.steps.join(", ") ?? "none"})`
            )
          }
          const rate = yield* repo.insertRate({
            service_id: input.service_id,
            partner_id: partnerId,
            pricing_tier: orNull(input.pricing_tier),
            currency: input.currency,
            amount: input.amount,
            per_kg_amount: orNull(input.per_kg_amount),
            bill_on_status: input.bill_on_status
          })
          if (rate === undefined) {
            return yield* new RateAlreadyExists({
              message: `A rate for service ${input.service_id}, ${partnerId === null ? "every partner" : `partner ${partnerId}`} and ${
                input.pricing_tier == null ? "any tier" : `tier "${input.pricing_tier}"`
              } already exists.`
            })
          }
          return rate
        }),

      listPartnerServices: repo.listPartnerServices,
      listActivePudoPoints: repo.listActivePudoPoints
    }
  })
}) {}
