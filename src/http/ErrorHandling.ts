/**
 * API-wide error handling, so every error the service can return is the envelope:
 * - payload/query decode failures (the platform's 400 HttpApiDecodeError) → 422 with dot paths;
 * - a body that is not JSON (a defect inside the platform) → 400;
 * - an unknown route → 404;
 * - database unreachable → 503; any other defect → 500, logged with its cause.
 */
import { HttpApiBuilder, HttpApiError, HttpServerError } from "@effect/platform"
import { SqlError } from "@effect/sql"
import { Cause, Effect, Option } from "effect"
import { DatabaseUnavailable, InternalError, MalformedBody, NotFound, ValidationFailed } from "../domain/Errors.js"
import { StarmileApi } from "./Api.js"

type Issue = HttpApiError.HttpApiDecodeError["issues"][number]

const issuePath = (issue: Issue): string => issue.path.length === 0 ? "body" : issue.path.map(String).join(".")

/** ArrayFormatter issues → `{ "parcels.0.item_id": ["is missing"] }`. */
export const decodeErrorToValidation = (error: HttpApiError.HttpApiDecodeError): ValidationFailed => {
  const errors: Record<string, Array<string>> = {}
  for (const issue of error.issues) {
    const list = (errors[issuePath(issue)] ??= [])
    if (!list.includes(issue.message)) list.push(issue.message)
  }
  return ValidationFailed.many(errors)
}

const isJsonParseFailure = (defect: unknown): boolean =>
  HttpServerError.isServerError(defect) && defect._tag === "RequestError" && defect.reason === "Decode"

const isRouteNotFound = (error: unknown): boolean => HttpServerError.isServerError(error) && error._tag === "RouteNotFound"

type ApiFailure = ValidationFailed | NotFound | MalformedBody | DatabaseUnavailable | InternalError

const fromDefect = (defect: unknown): Effect.Effect<never, ApiFailure> => {
  if (isJsonParseFailure(defect)) return Effect.fail(new MalformedBody({ message: "The request body is not valid JSON." }))
  if (defect instanceof SqlError.SqlError) {
    return Effect.logError("database failure", Cause.die(defect)).pipe(
      Effect.zipRight(Effect.fail(new DatabaseUnavailable({ message: "The database is unavailable; retry shortly." })))
    )
  }
  return Effect.logError("unexpected defect", Cause.die(defect)).pipe(
    Effect.zipRight(Effect.fail(new InternalError({ message: "Something went wrong on our side." })))
  )
}

export const ErrorHandlingLive = HttpApiBuilder.middleware(StarmileApi, (app) =>
  Effect.catchAllCause(app, (cause): Effect.Effect<never, ApiFailure> => {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure)) {
      const error: unknown = failure.value
      if (error instanceof HttpApiError.HttpApiDecodeError) return Effect.fail(decodeErrorToValidation(error))
      if (isRouteNotFound(error)) return Effect.fail(new NotFound({ message: "No such endpoint." }))
      return Effect.failCause(cause)
    }
    const defect = Cause.dieOption(cause)
    return Option.isSome(defect) ? fromDefect(defect.value) : Effect.failCause(cause)
  }))
