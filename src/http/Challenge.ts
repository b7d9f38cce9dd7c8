/**
 * The `WWW-Authenticate` challenge of a 401. RFC 6750 §3.1: a protected resource names the
 * Bearer scheme, with `error="invalid_token"` when a token was sent (none when it was missing).
 * RFC 6749 §5.2: the token endpoint's `invalid_client` challenges with Basic, the scheme its
 * clients may authenticate with.
 */
import type { HttpServerRequest } from "@effect/platform"
import { TOKEN_PATH } from "./OpenApiDocument.js"

const BEARER_WITH_TOKEN = /^bearer\s+\S/i

export const challengeFor = (request: HttpServerRequest.HttpServerRequest): string => {
  const path = request.url.split("?")[0]
  if (path === TOKEN_PATH) return "Basic realm=\"starmile\", charset=\"UTF-8\""
  return BEARER_WITH_TOKEN.test(request.headers["authorization"] ?? "")
    ? "Bearer realm=\"starmile\", error=\"invalid_token\", error_description=\"The access token is invalid, expired or revoked\""
    : "Bearer realm=\"starmile\""
}
