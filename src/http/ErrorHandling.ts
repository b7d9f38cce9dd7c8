/**
 * API-wide error handling, so every error the service can return is the envelope:
 * - payload/query decode failures (the platform's 400 HttpApiDecodeError) → 422 with dot paths;
 * - a body that is not JSON → 400; larger than any valid request → 413; nested deeper than any
 *   valid request → 422 (checked before decoding: formatting such a value overflows the stack);
 * - an unknown route → 404;
 * - database unreachable → 503; any other defect → 500, logged with its cause.
 */
import {
  HttpApiBuilder,
  HttpApiError,
  HttpMethod,
  HttpServerError,
  HttpServerRequest
} from "@effect/platform"
import { SqlError } from "@effect/sql"
import { Cause, Effect, Option } from "effect"
import {
  DatabaseUnavailable,
  InternalError,
  MalformedBody,
  NotFound,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed
} from "../domain/Errors.js"
import { reportDatabaseOutage } from "../observability/Logging.js"
import { pgErrorInfo } from "../persistence/SqlErrors.js"
import { StarmileApi } from "./Api.js"
import { MAX_BODY_BYTES, withCheckedBody } from "./RequestBody.js"

type Issue = HttpApiError.HttpApiDecodeError["issues"][number]

const issuePath = (issue: Issue): string => issue.path.length === 0 ? "body" : issue.path.map(String).join(".")

/** Messages quote the offending value: keep them short whatever was sent. */
const MAX_MESSAGE_LENGTH = 300
const shorten = (message: string) =>
  message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`

/** An error body lists at most this many field paths; the message counts the rest. */
export const MAX_FIELD_ERRORS = 50

/** ArrayFormatter issues → `{ "parcels.0.item_id": ["is missing"] }`, at most MAX_FIELD_ERRORS paths. */
export const decodeErrorToValidation = (error: HttpApiError.HttpApiDecodeError): ValidationFailed => {
  const errors: Record<string, Array<string>> = {}
  let listed = 0
  let omitted = 0
  for (const issue of error.issues) {
    const path = shorten(issuePath(issue))
    const list = errors[path] ?? (listed < MAX_FIELD_ERRORS ? (listed++, errors[path] = []) : undefined)
    if (list === undefined) {
      omitted++
      continue
    }
    const message = shorten(issue.message)
    if (!list.includes(message)) list.push(message)
  }
  const failed = ValidationFailed.many(errors)
  return omitted === 0
    ? failed
    : new ValidationFailed({ message: `${failed.message} (${omitted} more problems not listed)`, errors })
}

const isJsonParseFailure = (defect: unknown): boolean =>
  HttpServerError.isServerError(defect) && defect._tag === "RequestError" && defect.reason === "Decode"

/** The body reader stopped at MaxBodySize (a body without Content-Length, e.g. chunked). */
const isBodyTooLarge = (error: unknown): boolean =>
  HttpServerError.isServerError(error) && error._tag === "RequestError" &&
  error.cause instanceof Error && error.cause.message === "maxBytes exceeded"

const tooLarge = () => new PayloadTooLarge({ message: `The request body must be at most ${MAX_BODY_BYTES} bytes.` })

/** What a body read (RequestBody.ts) fails with, carried through the platform's `orDie`. */
const isBodyError = (defect: unknown): defect is UnsupportedMediaType | PayloadTooLarge | MalformedBody | ValidationFailed =>
  defect instanceof UnsupportedMediaType || defect instanceof PayloadTooLarge || defect instanceof MalformedBody ||
  defect instanceof ValidationFailed

const isRouteNotFound = (error: unknown): boolean => HttpServerError.isServerError(error) && error._tag === "RouteNotFound"

/**
 * Only a database that cannot be reached or is shutting down is "retry shortly" (503): no
 * connection could be had (whatever the server said), no code, a Node network error
 * (ECONNREFUSED, EPIPE, ...), or SQLSTATE class 08 (connection exception), 53 (insufficient
 * resources) or 57 (operator intervention). A data or constraint error the code did not map is
 * a bug: 500, so it is not mistaken for an outage.
 */
const isUnavailability = (error: SqlError.SqlError): boolean => {
  if (/acquire connection|failed to connect/i.test(error.message)) return true
  const code = pgErrorInfo(error)?.code
  return code === undefined || /^(E|08|53|57)/.test(code)
}

export type ApiFailure =
  | ValidationFailed
  | NotFound
  | MalformedBody
  | PayloadTooLarge
  | UnsupportedMediaType
  | DatabaseUnavailable
  | InternalError

/** What a defect is answered with: the typed body-read error it carries, 503 for an outage, else 500. */
export const fromDefect = (defect: unknown): Effect.Effect<never, ApiFailure> => {
  if (isBodyError(defect)) return Effect.fail(defect)
  if (isBodyTooLarge(defect)) return Effect.fail(tooLarge())
  if (isJsonParseFailure(defect)) return Effect.fail(new MalformedBody({ message: "The request body is not valid JSON." }))
  if (defect instanceof SqlError.SqlError && isUnavailability(defect)) {
    // an outage fails every request: one summary line per interval, not a stack per request
    return reportDatabaseOutage(defect).pipe(
      Effect.zipRight(Effect.fail(new DatabaseUnavailable({ message: "The database is unavailable; retry shortly." })))
    )
  }
  return Effect.logError("unexpected defect", Cause.die(defect)).pipe(
    Effect.zipRight(Effect.fail(new InternalError({ message: "Something went wrong on our side." })))
  )
}

const handleFailure = <E>(cause: Cause.Cause<E>): Effect.Effect<never, E | ApiFailure> => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error: unknown = failure.value
    if (error instanceof HttpApiError.HttpApiDecodeError) return Effect.fail(decodeErrorToValidation(error))
    if (isRouteNotFound(error)) return Effect.fail(new NotFound({ message: "No such endpoint." }))
    return Effect.failCause(cause)
  }
  const defect = Cause.dieOption(cause)
  return Option.isSome(defect) ? fromDefect(defect.value) : Effect.failCause(cause)
}

export const ErrorHandlingLive = HttpApiBuilder.middleware(StarmileApi, (app) =>
  Effect.catchAllCause(
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      HttpMethod.hasBody(request.method)
        ? Effect.provideService(app, HttpServerRequest.HttpServerRequest, withCheckedBody(request))
        : app),
    handleFailure
  ))
