/**
 * Parcel flow (CONTRACT §6, §8): operators scan a parcel to a status of its service's flow.
 *
 * Rules (pure, in `decideMove`):
 * - forward only; skipping steps is allowed;
 * - the parcel's current status again is a no-op (nothing moves, no event, no invoice);
 * - a status that is not a step of the flow (including "cancelled"), a step behind the current
 *   one, or a cancelled parcel → 409, each its own error class.
 *
 * The move, its status event and the invoice it makes due are one transaction. Cancel and
 * scan lock the ORDER row first and re-read the parcel under that lock, so a cancel racing a
 * scan has exactly one winner. A DWS measurement sent with the scan is recorded on the parcel
 * (also on a same-status no-op: the hub re-weighed it); fields not sent keep their previous
 * measured value.
 */
import { HttpApiSchema } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import { Billing } from "./Billing.js"
import { ReportAllErrors, Timestamp } from "./Catalogue.js"
import { NotFound } from "./Errors.js"
import { hasMeasurement, Measure, Measured } from "./Order.js"
import { Id, isStorableText, optionalField } from "./Primitives.js"
import { type ParcelMatch, ParcelsRepo, type ScannedParcelRow } from "./repositories/ParcelsRepo.js"
import { Transaction } from "./repositories/Transaction.js"

/** The status a cancellation sets; never a flow step (flows reject it). */
export const CANCELLED = "cancelled"

// ---------------------------------------------------------------- errors (all 409)

/** 409: the parcel is cancelled and can no longer move. */
export class ParcelCancelled extends Schema.TaggedError<ParcelCancelled>()(
  "ParcelCancelled",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The parcel is cancelled and can no longer move" })
) {}

/** 409: the status is not a step of the parcel's flow. */
export class StatusNotInFlow extends Schema.TaggedError<StatusNotInFlow>()(
  "StatusNotInFlow",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The status is not a step of the parcel's flow" })
) {}

/** 409: the status is behind the parcel's current step. */
export class BackwardMove extends Schema.TaggedError<BackwardMove>()(
  "BackwardMove",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409, description: "The status is behind the parcel's current step" })
) {}

/** 409: a merchant tracking used by parcels of several partners. */
export class AmbiguousParcelCode extends Schema.TaggedError<AmbiguousParcelCode>()(
  "AmbiguousParcelCode",
  { message: Schema.String },
  HttpApiSchema.annotations({
    status: 409,
    description: "The merchant tracking is used by parcels of several partners; scan the Starmile parcel tracking"
  })
) {}

/** Why a move is refused. */
export type MoveRejection = ParcelCancelled | StatusNotInFlow | BackwardMove

// ---------------------------------------------------------------- the move rule

export interface ParcelPosition {
  readonly tracking: string
  readonly status: string
  /** Index of `status` in the flow's steps (unchanged by a cancellation). */
  readonly stepIndex: number
}

export type MoveDecision =
  | { readonly _tag: "Advance"; readonly from: string; readonly to: string; readonly toIndex: number }
  | { readonly _tag: "Unchanged" }

/** Where a scan to `target` takes a parcel at `current` in a flow of `steps`. */
export const decideMove = (
  steps: ReadonlyArray<string>,
  current: ParcelPosition,
  target: string
): Either.Either<MoveDecision, MoveRejection> => {
  if (current.status === CANCELLED) {
    return Either.left(new ParcelCancelled({ message: `Parcel ${current.tracking} is cancelled and can no longer move.` }))
  }
  const toIndex = steps.indexOf(target)
  if (toIndex < 0) {
    return Either.left(new StatusNotInFlow({
      message: `"${target}" is not a step of this parcel's flow (${steps.join(", ")}).`
    }))
  }
  if (toIndex === current.stepIndex) return Either.right({ _tag: "Unchanged" })
  if (toIndex < current.stepIndex) {
    return Either.left(new BackwardMove({
      message: `Parcel ${current.tracking} is already at "${current.status}"; it cannot go back to "${target}".`
    }))
  }
  return Either.right({ _tag: "Advance", from: current.status, to: target, toIndex })
}

// ---------------------------------------------------------------- wire shapes


/** `POST /operator/v1/parcels/{code}/status`. */
export const ParcelScan = Schema.Struct({
  status: Schema.String.pipe(
    Schema.minLength(1, { message: () => "must not be empty" }),
    Schema.maxLength(64, { message: () => "must be at most 64 characters" })
  ).annotations({ description: "A step of the parcel's flow" }),
  weight_grams: optionalField(Measure).annotations({ description: "DWS measured weight" }),
  length_mm: optionalField(Measure),
  width_mm: optionalField(Measure),
  height_mm: optionalField(Measure)
}).annotations({ identifier: "ParcelScan", parseOptions: ReportAllErrors })
export type ParcelScan = typeof ParcelScan.Type


/** The parcel after a scan. */
export const ScannedParcel = Schema.Struct({
  parcel_id: Schema.String.annotations({ description: "Starmile parcel tracking" }),
  order_id: Schema.String.annotations({ description: "Starmile order tracking" }),
  partner_id: Id,
  partner_order_id: Schema.String,
  item_id: Schema.NullOr(Schema.String),
  merchant_tracking: Schema.String,
  status: Schema.String,
  previous_status: Schema.NullOr(Schema.String).annotations({
    description: "The status before this scan when it moved the parcel; null when it did not"
  }),
  moved: Schema.Boolean.annotations({ description: "false for a same-status scan (no-op)" }),
  steps: Schema.Array(Schema.String).annotations({ description: "The parcel's flow" }),
  measured: Schema.NullOr(Measured),
  measured_at: Schema.NullOr(Timestamp),
  updated_at: Timestamp
}).annotations({ identifier: "ScannedParcel" })
export type ScannedParcel = typeof ScannedParcel.Type

const toWire = (view: ScannedParcelRow, moved: { readonly previous: string } | undefined): ScannedParcel => ({
  parcel_id: view.tracking,
  order_id: view.order_tracking,
  partner_id: view.partner_id,
  partner_order_id: view.partner_order_id,
  item_id: view.item_id,
  merchant_tracking: view.merchant_tracking,
  status: view.status,
  previous_status: moved === undefined ? null : moved.previous,
  moved: moved !== undefined,
  steps: view.steps,
  measured: view.measured_at === null
    ? null
    : {
      weight_grams: view.measured_weight_grams,
      length_mm: view.measured_length_mm,
      width_mm: view.measured_width_mm,
      height_mm: view.measured_height_mm
    },
  measured_at: view.measured_at,
  updated_at: view.updated_at
})

// ---------------------------------------------------------------- the service

/** Operator scans: moves a parcel along its flow, writes its event, bills what is due. */
export class ParcelFlow extends Effect.Service<ParcelFlow>()("starmile/ParcelFlow", {
  dependencies: [Billing.Default],
  effect: Effect.gen(function* () {
    const transaction = yield* Transaction
    const repo = yield* ParcelsRepo
    const billing = yield* Billing

    /**
     * A code is a Starmile parcel tracking (globally unique, wins) or a merchant tracking
     * (unique per partner: several matches means several partners → 409).
     */
    const resolve = (code: string): Effect.Effect<ParcelMatch, NotFound | AmbiguousParcelCode> =>
      // a code PostgreSQL cannot even compare (NUL, lone surrogate) names no parcel
      !isStorableText(code) ? Effect.fail(NotFound.of("Parcel", code)) : Effect.flatMap(repo.findByCode(code), (matches): Effect.Effect<ParcelMatch, NotFound | AmbiguousParcelCode> => {
        const byTracking = matches.find((m) => m.tracking === code)
        if (byTracking !== undefined) return Effect.succeed(byTracking)
        if (matches.length === 1) return Effect.succeed(matches[0]!)
        if (matches.length === 0) return Effect.fail(NotFound.of("Parcel", code))
        return Effect.fail(new AmbiguousParcelCode({
          message: `Merchant tracking "${code}" is used by parcels of ${matches.length} partners; scan the Starmile parcel tracking instead.`
        }))
      })

    const scan = (code: string, input: ParcelScan) =>
      Effect.gen(function* () {
        const target = yield* resolve(code)
        return yield* transaction.run(Effect.gen(function* () {
          // lock order: the order row first (as cancel does), then re-read the parcel under it
          yield* repo.lockOrder(target.order_id)
          const parcel = yield* repo.readForMove(target.id, code)
          if (parcel === undefined) return yield* NotFound.of("Parcel", code)
          const decision = decideMove(parcel.steps, {
            tracking: parcel.tracking,
            status: parcel.status,
            stepIndex: parcel.step_index
          }, input.status)
          if (Either.isLeft(decision)) return yield* decision.left
          const move = decision.right
          if (move._tag === "Advance") {
            const outcome = yield* repo.advance({
              parcelId: parcel.id,
              from: move.from,
              to: move.to,
              toIndex: move.toIndex,
              measurement: input
            })
            if (outcome === "refused_cancelled") {
              return yield* new ParcelCancelled({ message: `Parcel ${parcel.tracking} is cancelled and can no longer move.` })
            }
            if (outcome === "refused_backwards") {
              return yield* new BackwardMove({ message: `Parcel ${parcel.tracking} has already moved past "${move.to}".` })
            }
            yield* billing.raiseDueForParcels([parcel.id])
          } else if (hasMeasurement(input)) {
            yield* repo.recordMeasurement(parcel.id, input)
          }
          const view = yield* repo.view(parcel.id)
          return toWire(view, move._tag === "Advance" ? { previous: move.from } : undefined)
        }))
      }).pipe(Effect.withSpan("ParcelFlow.scan"))

    return { scan }
  })
}) {}
