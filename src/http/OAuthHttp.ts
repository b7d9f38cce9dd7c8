import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either } from "effect"
import { InvalidRequest } from "../domain/Auth.js"
import { Credentials } from "../domain/Credentials.js"
import { StarmileApi } from "./Api.js"

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded, then joined by ":" and base64-encoded. */
const formDecode = (text: string): string => decodeURIComponent(text.replace(/\+/g, " "))

/**
 * Client credentials from `Authorization: Basic`, if that header is sent. A malformed header is
 * an `invalid_request`, as is a second way of authenticating (RFC 6749 §2.3: only one).
 */
export const basicClientCredentials = (
  authorization: string | undefined
): Either.Either<{ readonly client_id: string; readonly client_secret: string } | undefined, InvalidRequest> => {
  const match = authorization === undefined ? null : /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)
  if (authorization === undefined || !/^basic\b/i.test(authorization)) return Either.right(undefined)
  const malformed = new InvalidRequest({ message: "The Authorization header must be Basic base64(client_id:client_secret)." })
  if (match === null) return Either.left(malformed)
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  if (colon < 1) return Either.left(malformed)
  try {
    return Either.right({ client_id: formDecode(decoded.slice(0, colon)), client_secret: formDecode(decoded.slice(colon + 1)) })
  } catch {
    return Either.left(malformed)
  }
}

const withBasicCredentials = (payload: unknown, authorization: string | undefined) =>
  Effect.flatMap(basicClientCredentials(authorization), (basic) => {
    if (basic === undefined || typeof payload !== "object" || payload === null || Array.isArray(payload)) {
      return Effect.succeed(payload)
    }
    const body = payload as Record<string, unknown>
    if (body["client_id"] !== undefined || body["client_secret"] !== undefined) {
      return Effect.fail(new InvalidRequest({
        message: "Authenticate the client one way: HTTP Basic or client_id and client_secret in the body, not both."
      }))
    }
    return Effect.succeed({ ...body, ...basic })
  })

export const OAuthHttpLive = HttpApiBuilder.group(StarmileApi, "oauth", (handlers) =>
  Effect.map(Credentials, (credentials) =>
    handlers.handle("token", ({ payload }) =>
      HttpServerRequest.HttpServerRequest.pipe(
        Effect.flatMap((request) => withBasicCredentials(payload, request.headers["authorization"])),
        Effect.flatMap(credentials.issueToken),
        Effect.map((token) =>
          // RFC 6749 §5.1: a token response must not be cached
          HttpServerResponse.unsafeJson(token, { headers: { "cache-control": "no-store", pragma: "no-cache" } })
        )
      ))))
