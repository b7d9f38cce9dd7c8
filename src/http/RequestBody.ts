/**
 * The one place a request body is read. Every request gets a view of its HttpServerRequest
 * whose body accessors (`json`, `text`, `urlParamsBody`, `arrayBuffer`, `multipart`) share a
 * single read of the bytes, made the first time the endpoint asks for its payload — so the
 * endpoint's bearer middleware (401/403) still answers before anything about the body. The
 * read checks, in order:
 * - the media type: `application/json` or `application/*+json` (charset utf-8 or none), or no
 *   Content-Type at all; the token endpoint also takes `application/x-www-form-urlencoded`
 *   (RFC 6749); anything else → 415 `unsupported_media_type` naming the accepted types;
 * - the size: over MAX_BODY_BYTES → 413 (from Content-Length before reading, or as soon as the
 *   stream crosses it);
 * - the bytes: UTF-8, JSON, and the structural limits of JsonBody.ts → 400 / 422.
 * A failed read surfaces as a defect of the platform's payload decoding (it `orDie`s the body
 * accessors); ErrorHandling.ts answers those defects with the typed error they carry.
 */
import { Headers, HttpServerRequest, UrlParams } from "@effect/platform"
import { Effect, type Exit } from "effect"
import type { IncomingMessage } from "node:http"
import { MalformedBody, PayloadTooLarge, UnsupportedMediaType, ValidationFailed } from "../domain/Errors.js"
import { MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_LIST_LENGTH, parseJson } from "./JsonBody.js"

/**
 * The largest valid order (100 parcels × 100 products with every field at its limit) is
 * about 4 MB of JSON; 5 MiB leaves room for whitespace and nothing for abuse.
 */
export const MAX_BODY_BYTES = 5 * 1024 * 1024

/** The only path that takes form fields (RFC 6749 §4.4.2). */
const FORM_PATHS: ReadonlySet<string> = new Set(["/api/v1/oauth/token"])

type MediaType = "json" | "form" | "unsupported"

/** `application/json`, `application/vnd.api+json; charset=UTF-8`, ... → json. */
export const mediaTypeOf = (contentType: string | undefined): MediaType => {
  if (contentType === undefined || contentType.trim() === "") return "json"
  const [essence = "", ...parameters] = contentType.toLowerCase().split(";").map((part) => part.trim())
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "")
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return "unsupported"
  if (essence === "application/json" || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(essence)) return "json"
  if (essence === "application/x-www-form-urlencoded") return "form"
  return "unsupported"
}

const unsupported = (acceptsForm: boolean, given: string | undefined) =>
  new UnsupportedMediaType({
    message: `Content-Type ${JSON.stringify(given ?? "")} is not accepted here; send application/json` +
      (acceptsForm ? " or application/x-www-form-urlencoded." : " (or another application/*+json type).")
  })

const tooLarge = () => new PayloadTooLarge({ message: `The request body must be at most ${MAX_BODY_BYTES} bytes.` })
const notJson = () => new MalformedBody({ message: "The request body is not valid JSON." })

type BodyError = UnsupportedMediaType | PayloadTooLarge | MalformedBody | ValidationFailed

/** Bodies already read at the listener (CreateOrderRoute.ts) of requests it handed to the pipeline. */
const readAtListener = new WeakMap<IncomingMessage, Uint8Array>()

/** Hands a body read at the listener to this reader: the request is not read a second time. */
export const handOverBody = (source: IncomingMessage, bytes: Uint8Array): void => {
  readAtListener.set(source, bytes)
}

/** The raw bytes, stopping at MAX_BODY_BYTES. */
const readBytes = (source: IncomingMessage): Effect.Effect<Uint8Array, PayloadTooLarge | MalformedBody> =>
  Effect.async<Uint8Array, PayloadTooLarge | MalformedBody>((resume) => {
    const handedOver = readAtListener.get(source)
    if (handedOver !== undefined) return resume(Effect.succeed(handedOver))
    const declared = Number(source.headers["content-length"] ?? Number.NaN)
    if (declared > MAX_BODY_BYTES) {
      source.resume() // discard: the answer is 413 whatever follows
      return resume(Effect.fail(tooLarge()))
    }
    const chunks: Array<Buffer> = []
    let size = 0
    const cleanup = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > MAX_BODY_BYTES) {
        cleanup()
        chunks.length = 0
        source.resume()
        resume(Effect.fail(tooLarge()))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resume(Effect.succeed(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    }
    const onError = () => {
      cleanup()
      resume(Effect.fail(new MalformedBody({ message: "The request body could not be read." })))
    }
    if (source.readableEnded) return resume(Effect.succeed(new Uint8Array(0)))
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    return Effect.sync(cleanup)
  })

/** Runs `effect` the first time and answers its outcome ever after (one read per request). */
const once = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> => {
  let outcome: Exit.Exit<A, E> | undefined
  return Effect.suspend(() => outcome ?? Effect.onExit(effect, (exit) => Effect.sync(() => void (outcome = exit))))
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

const parseForm = (bytes: Uint8Array): Effect.Effect<UrlParams.UrlParams, MalformedBody> =>
  Effect.try({
    try: () => UrlParams.fromInput(new URLSearchParams(utf8.decode(bytes))),
    catch: () => new MalformedBody({ message: "The request body is not valid UTF-8 form data." })
  })

const checkedJson = (bytes: Uint8Array): Effect.Effect<unknown, MalformedBody | ValidationFailed> =>
  Effect.flatMap(parseJson(bytes), (result): Effect.Effect<unknown, MalformedBody | ValidationFailed> => {
    switch (result._tag) {
      case "Parsed":
        return Effect.succeed(result.value)
      case "NotUtf8":
        return Effect.fail(new MalformedBody({ message: "The request body is not valid UTF-8." }))
      case "NotJson":
        return Effect.fail(notJson())
      case "TooDeep":
        return Effect.fail(ValidationFailed.at("body", `must not nest deeper than ${MAX_JSON_DEPTH} levels`))
      case "TooLong":
        return Effect.fail(
          ValidationFailed.at(result.path, `has ${result.length} items; no list may have more than ${MAX_LIST_LENGTH}`)
        )
      case "TooManyValues":
        return Effect.fail(ValidationFailed.at("body", `must not hold more than ${MAX_JSON_VALUES} values`))
    }
  })

/**
 * The request with one lazily read, size-limited, media-type-checked body behind every body
 * accessor, and its headers computed once (the platform's getter rebuilds them on each read).
 */
export const withCheckedBody = (request: HttpServerRequest.HttpServerRequest): HttpServerRequest.HttpServerRequest => {
  const headers = request.headers
  const contentType = headers["content-type"]
  const mediaType = mediaTypeOf(contentType)
  const acceptsForm = FORM_PATHS.has(request.url.split("?", 1)[0]!)
  const source = request.source as IncomingMessage

  const bytes = once(readBytes(source))
  // built only when refused: an error captures a stack trace
  const refused = Effect.failSync(() => unsupported(acceptsForm, contentType))
  const accepted = (wanted: MediaType): Effect.Effect<Uint8Array, BodyError> =>
    mediaType === wanted && (wanted !== "form" || acceptsForm) ? bytes : refused
  const checked = Effect.flatMap(accepted("json"), checkedJson)
  // the token endpoint answers RFC 6749 bodies: what is not a JSON object or form fields is an
  // `invalid_request` from the domain (a body over the limit stays 413)
  const json = once(
    acceptsForm ? Effect.catchIf(checked, (e) => !(e instanceof PayloadTooLarge), () => Effect.succeed(null)) : checked
  )
  const form = once(Effect.flatMap(accepted("form"), parseForm))
  // the platform picks its body accessor by this header: every JSON type (and, on the token
  // endpoint, anything but form fields) reads as JSON
  const readsAsJson = mediaType === "json" || (acceptsForm && mediaType === "unsupported")

  return Object.create(request, {
    headers: { value: readsAsJson ? Headers.set(headers, "content-type", "application/json") : headers },
    json: { value: json },
    urlParamsBody: { value: form },
    text: { value: refused },
    arrayBuffer: { value: refused },
    multipart: { value: refused },
    stream: { value: refused }
  }) as HttpServerRequest.HttpServerRequest
}
