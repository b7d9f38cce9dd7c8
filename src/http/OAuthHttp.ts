import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Credentials } from "../domain/Credentials.js"
import { StarmileApi } from "./Api.js"

export const OAuthHttpLive = HttpApiBuilder.group(StarmileApi, "oauth", (handlers) =>
  Effect.map(Credentials, (credentials) => handlers.handle("token", ({ payload }) => credentials.issueToken(payload))))
