/**
 * Errors shared by every part of the domain. Each distinct failure is its own class; the HTTP
 * status rides on the class as an annotation so the API answers it without a mapping table.
 * Concept-specific errors live beside their concept (Orders.ts, ParcelFlow.ts, ...).
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** Field paths in dot notation with indexes (`parcels.0.item_id`) → messages. */
export const FieldErrors = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })
export type FieldErrors = typeof FieldErrors.Type

/** 422: the request is well-formed JSON but breaks a validation rule. */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()(
  "ValidationFailed",
  { message: Schema.String, errors: Schema.optional(FieldErrors) },
  HttpApiSchema.annotations({ status: 422, description: "A field is missing or invalid" })
) {
  /** One failing field: the message names the field so the sentence stands alone. */
  static at(path: string, problem: string): ValidationFailed {
    return new ValidationFailed({ message: `${path}: ${problem}`, errors: { [path]: [problem] } })
  }
  static many(errors: FieldErrors): ValidationFailed {
    const first = Object.entries(errors)[0]
    const message = first === undefined ? "The request is invalid." : `${first[0]}: ${first[1][0] ?? "is invalid"}`
    return new ValidationFailed({ message, errors })
  }
}

/** 400: the body is not JSON at all. */
export class MalformedBody extends Schema.TaggedError<MalformedBody>()(
  "MalformedBody",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400, description: "The request body is not valid JSON" })
) {}

/** 404: unknown id, or an object of another partner (never revealed). */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404, description: "No such object" })
) {
  static of(what: string, id: string | number): NotFound {
    return new NotFound({ message: `${what} ${JSON.stringify(String(id))} was not found.` })
  }
}

/** 401: missing, invalid, expired or revoked token. */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()(
  "Unauthenticated",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 401, description: "Missing, invalid or expired bearer token" })
) {}

/** 403: the token lacks the scope the endpoint requires. */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 403, description: "The token lacks a required scope" })
) {}

/** 503: the database cannot be reached (readiness probe). */
export class DatabaseUnavailable extends Schema.TaggedError<DatabaseUnavailable>()(
  "DatabaseUnavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503, description: "The database is not reachable" })
) {}

/** 500: a bug. The body is still the envelope; details go to the log, not to the caller. */
export class InternalError extends Schema.TaggedError<InternalError>()(
  "InternalError",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 500, description: "Unexpected server error" })
) {}

/** 413: the body is larger than any valid request. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 413, description: "The request body is too large" })
) {}

/** 415: the body's media type is not one the endpoint reads (JSON: application/json, application/*+json). */
export class UnsupportedMediaType extends Schema.TaggedError<UnsupportedMediaType>()(
  "UnsupportedMediaType",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 415, description: "The request body's Content-Type is not accepted" })
) {}

/** 503: this instance has as many requests in flight as it takes (load shedding); retry shortly. */
export class Overloaded extends Schema.TaggedError<Overloaded>()(
  "Overloaded",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503, description: "Too many requests in flight on this instance; retry shortly" })
) {}
