/**
 * `POST /api/v1/orders` answered at the listener (ListenerServer.ts), for the ordinary request
 * only: a bearer token, a JSON media type, a declared length of at most INLINE_PARSE_BYTES, an
 * instance not shedding load. Such a request is read, checked by the same JSON limits and
 * decoded by the same schema as in the HttpApi pipeline, authenticated by the same Credentials
 * service and created by the same Orders service; the answer is the one the pipeline gives
 * (201 with Location, or the envelope of the domain error), with the request id, metrics,
 * access log line, server span and shutdown behaviour of Operations.ts.
 *
 * Anything else is left to the pipeline: declined before the body is read, or — once the body
 * is read and turns out not to be JSON, not to decode, or the token is refused — handed to it
 * with the bytes already read (RequestBody.handOverBody), so every refusal is answered by the
 * one code that answers it for every endpoint, and the body is still read once.
 */
import { Headers, HttpApiSchema, HttpTraceContext } from "@effect/platform"
import { Cause, Effect, Either, Exit, Layer, Option, Redacted, Runtime, Schema } from "effect"
import type * as http from "node:http"
import { checkScope } from "../domain/Auth.js"
import { Credentials } from "../domain/Credentials.js"
import { DestinationInvalid } from "../domain/Destination.js"
import { DatabaseUnavailable, InternalError } from "../domain/Errors.js"
import {
  ConsolidationNotEnabled,
  type CreatedOrder,
  CreateOrderRequest,
  DuplicateReference,
  ServiceUnavailableForPartner
} from "../domain/Order.js"
import { Orders } from "../domain/Orders.js"
import { envelope } from "./Envelope.js"
import { type ApiFailure, fromDefect } from "./ErrorHandling.js"
import { INLINE_PARSE_BYTES, parseSmallJson } from "./JsonBody.js"
import { ListenerRoute, type PlatformHandler } from "./ListenerServer.js"
import {
  enter,
  leave,
  Operations,
  recordRequest,
  REQUEST_ID_HEADER,
  requestIdOf,
  RETRY_AFTER_SECONDS
} from "./Operations.js"
import { handOverBody, mediaTypeOf } from "./RequestBody.js"

const PATH = "/api/v1/orders"
const BEARER = /^Bearer +(\S+) *$/i

/** The errors a create answers here, each with its status and wire envelope. */
const ANSWERED = [
  DuplicateReference,
  ServiceUnavailableForPartner,
  ConsolidationNotEnabled,
  DestinationInvalid,
  DatabaseUnavailable,
  InternalError
] as const
type Answered = InstanceType<typeof ANSWERED[number]>

const encoders = new Map<string, { readonly status: number; readonly encode: (error: Answered) => unknown }>(
  ANSWERED.map((errorClass) => [
    errorClass._tag,
    {
      status: HttpApiSchema.getStatusError(errorClass),
      encode: Schema.encodeSync(envelope(errorClass as unknown as Schema.Schema<Answered, any, never> & { readonly _tag: string }))
    }
  ])
)

const decodeRequest = Schema.decodeUnknownEither(CreateOrderRequest)

const INTERNAL_ERROR = { message: "Something went wrong on our side.", code: "internal_error" } as const

/** What the fiber decided: created, or the pipeline is to answer (the token was refused). */
type Outcome = { readonly _tag: "Created"; readonly created: CreatedOrder } | { readonly _tag: "HandOver" }
const HAND_OVER: Outcome = { _tag: "HandOver" }

/** Reads a body of a declared, small length; `done(undefined)` when the stream failed. */
const readSmallBody = (request: http.IncomingMessage, done: (bytes: Uint8Array | undefined) => void) => {
  const chunks: Array<Buffer> = []
  request.on("data", (chunk: Buffer) => chunks.push(chunk))
  request.once("end", () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
  request.once("error", () => done(undefined))
}

const hasTraceHeaders = (headers: http.IncomingHttpHeaders) =>
  headers["traceparent"] !== undefined || headers["b3"] !== undefined || headers["x-b3-traceid"] !== undefined

/** Effect's own tracer: its spans reach no exporter (measured: ~10 % of the route's CPU per create). */
const NATIVE_TRACER = Effect.runSync(Effect.tracer)

export const CreateOrderRouteLive = Layer.effect(
  ListenerRoute,
  Effect.gen(function* () {
    const orders = yield* Orders
    const credentials = yield* Credentials
    const gate = yield* Operations
    const runFork = Runtime.runFork(yield* Effect.runtime<never>())
    // a server span only when a tracer that exports them is installed (OpenTelemetry)
    const spans = (yield* Effect.tracer) !== NATIVE_TRACER

    /**
     * The server span covers the create (a refused token is handed over unspanned: the
     * pipeline's own server span then covers the whole request). The route's metrics do not
     * need it (the pipeline reads its route label from the span; this route knows its own).
     */
    const traced = (
      program: Effect.Effect<CreatedOrder, Answered | ApiFailure>,
      request: http.IncomingMessage,
      requestId: string
    ) =>
      !spans ? program : Effect.useSpan("http.server POST", {
        kind: "server",
        captureStackTrace: false,
        parent: hasTraceHeaders(request.headers)
          ? Option.getOrUndefined(HttpTraceContext.fromHeaders(Headers.fromInput(request.headers as Record<string, string>)))
          : undefined,
        attributes: { "http.request.method": "POST", "url.path": PATH, "http.route": PATH, "request.id": requestId }
      }, (span) =>
        Effect.flatMap(Effect.exit(Effect.withParentSpan(program, span)), (exit) => {
          span.attribute("http.response.status_code", statusOf(exit))
          return exit
        }))

    const create = (
      token: string,
      request: CreateOrderRequest,
      incoming: http.IncomingMessage,
      requestId: string
    ): Effect.Effect<Outcome, Answered | ApiFailure> =>
      Effect.flatMap(
        Effect.either(Effect.tap(credentials.authenticate(Redacted.make(token)), (p) => checkScope(p, "orders:create"))),
        (principal) =>
          Either.isLeft(principal)
            ? Effect.succeed(HAND_OVER)
            : Effect.map(
              traced(Effect.catchAllDefect(orders.create(principal.right, request), fromDefect), incoming, requestId),
              (created): Outcome => ({ _tag: "Created", created })
            )
      ).pipe(Effect.catchAllDefect(fromDefect))

    const statusOf = (exit: Exit.Exit<CreatedOrder, Answered | ApiFailure>): number =>
      Exit.isSuccess(exit) ? 201 : Exit.isFailure(exit) && exit.cause._tag === "Fail" ? errorStatus(exit.cause.error) : 500

    const errorStatus = (error: Answered | ApiFailure): number => encoders.get(error._tag)?.status ?? 500

    return (request, response, fallback: PlatformHandler) => {
      if (request.method !== "POST" || request.url !== PATH) return false
      const headers = request.headers
      const bearer = BEARER.exec(headers.authorization ?? "")
      const declared = Number(headers["content-length"])
      if (
        bearer === null || mediaTypeOf(headers["content-type"]) !== "json" ||
        !(declared >= 0 && declared <= INLINE_PARSE_BYTES) || gate.inFlight >= gate.maxInFlight
      ) return false

      const startedAt = performance.now()
      const requestId = requestIdOf(headers)
      enter(gate)
      const handOver = (bytes: Uint8Array) => {
        leave(gate)
        handOverBody(request, bytes)
        fallback(request, response)
      }
      const answer = (status: number, body: unknown, location?: string) => {
        const text = JSON.stringify(body)
        const head: http.OutgoingHttpHeaders = {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(text),
          [REQUEST_ID_HEADER]: requestId
        }
        if (location !== undefined) head["location"] = location
        if (status === 503) head["retry-after"] = RETRY_AFTER_SECONDS
        if (gate.shuttingDown) head["connection"] = "close"
        response.writeHead(status, head).end(text)
        leave(gate)
        recordRequest(gate, requestId, "POST", PATH, PATH, status, startedAt)
      }

      const respond = (exit: Exit.Exit<Outcome, Answered | ApiFailure>, bytes: Uint8Array) => {
        if (Exit.isSuccess(exit)) {
          if (exit.value._tag === "HandOver") return handOver(bytes)
          const created = exit.value.created
          return answer(201, { data: created }, `${PATH}/${encodeURIComponent(created.order_id)}`)
        }
        const encoder = exit.cause._tag === "Fail" ? encoders.get(exit.cause.error._tag) : undefined
        if (exit.cause._tag !== "Fail" || encoder === undefined) {
          return answer(500, { ...INTERNAL_ERROR, request_id: requestId })
        }
        const body = encoder.encode(exit.cause.error as Answered) as Record<string, unknown>
        answer(encoder.status, encoder.status >= 500 ? { ...body, request_id: requestId } : body)
      }
      readSmallBody(request, (bytes) => {
        if (bytes === undefined) return answer(400, { message: "The request body could not be read.", code: "malformed_body" })
        const parsed = parseSmallJson(bytes)
        if (parsed._tag !== "Parsed") return handOver(bytes)
        const decoded = decodeRequest(parsed.value)
        if (Either.isLeft(decoded)) return handOver(bytes)
        runFork(create(bearer[1]!, decoded.right, request, requestId)).addObserver((exit) => {
          try {
            respond(exit, bytes)
          } catch (error) {
            // never a crash from here: the answer becomes a 500 and the cause is logged
            runFork(Effect.logError("the create route could not answer", Cause.die(error)))
            if (!response.headersSent) answer(500, { ...INTERNAL_ERROR, request_id: requestId })
          }
        })
      })
      return true
    }
  })
)
