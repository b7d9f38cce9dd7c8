import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { Credentials } from "../domain/Credentials.js"
import { StarmileApi } from "./Api.js"

export const OAuthHttpLive = HttpApiBuilder.group(StarmileApi, "oauth", (handlers) =>
  Effect.map(Credentials, (credentials) =>
    handlers.handle("token", ({ payload }) =>
      Effect.map(credentials.issueToken(payload), (token) =>
        // RFC 6749 §5.1: a token response must not be cached
        HttpServerResponse.unsafeJson(token, { headers: { "cache-control": "no-store", pragma: "no-cache" } })))))
