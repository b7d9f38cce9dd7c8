/**
 * POST /api/v1/oauth/token — OAuth 2.0 client credentials (RFC 6749 §4.4). JSON or
 * form-encoded. Errors are RFC 6749 §5.2 bodies (`{"error": "invalid_client", ...}`), so the
 * parameters are taken loosely and validated by the domain, not by the 422 decoder.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { InvalidClient, InvalidRequest, InvalidScope, UnsupportedGrantType } from "../domain/Auth.js"

const OAuthErrorBody = (code: string) =>
  Schema.Struct({ error: Schema.Literal(code), error_description: Schema.optional(Schema.String) })

interface ErrorClass<A> extends Schema.Schema<A, any, never> {
  readonly _tag: string
}

/** RFC 6749 §5.2 body for a domain OAuth error: `{error, error_description}`. */
const oauthError = <A>(errorClass: ErrorClass<A>, code: string): Schema.Schema<A, { readonly error: string; readonly error_description?: string }> =>
  Schema.transform(OAuthErrorBody(code), errorClass as Schema.Schema<A, any, never>, {
    strict: false,
    decode: (body) => ({ _tag: errorClass._tag, message: body.error_description ?? body.error }),
    encode: (error: { readonly message: string }) => ({ error: code, error_description: error.message })
  }).annotations({
    identifier: `OAuth${errorClass._tag}`,
    ...HttpApiSchema.annotations({ status: HttpApiSchema.getStatusError(errorClass) })
  }) as any

const tokenRequestFields = {
  grant_type: { type: "string", enum: ["client_credentials"], description: "Always client_credentials" },
  client_id: { type: "string", description: "The credential's client id; omit it when you authenticate with HTTP Basic" },
  client_secret: { type: "string", description: "The credential's secret; omit it when you authenticate with HTTP Basic" },
  scope: { type: "string", description: "Optional: a space-separated subset of the credential's scopes (default: all of them)" }
}

/**
 * Taken as any JSON value (or form fields) and checked by the domain, so every malformed request
 * is an RFC 6749 `invalid_request`, never the 422 envelope. Documented as the object it should be.
 */
export const TokenRequestBody = Schema.Unknown.annotations({
  identifier: "TokenRequest",
  jsonSchema: {
    type: "object",
    required: ["grant_type", "client_id", "client_secret"],
    properties: tokenRequestFields
  }
})

export const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.Literal("Bearer"),
  expires_in: Schema.Number,
  scope: Schema.String
}).annotations({ identifier: "TokenResponse" })

export class OAuthApi extends HttpApiGroup.make("oauth")
  .add(
    HttpApiEndpoint.post("token", "/api/v1/oauth/token")
      .setPayload(TokenRequestBody)
      .addSuccess(TokenResponse)
      .addError(oauthError(InvalidClient, "invalid_client"))
      .addError(oauthError(InvalidRequest, "invalid_request"))
      .addError(oauthError(InvalidScope, "invalid_scope"))
      .addError(oauthError(UnsupportedGrantType, "unsupported_grant_type"))
      .annotate(OpenApi.Summary, "Get an access token")
      .annotate(
        OpenApi.Description,
        "OAuth 2.0 client credentials grant (RFC 6749 §4.4). Authenticate the client with HTTP Basic " +
          "(`Authorization: Basic base64(client_id:client_secret)`, RFC 6749 §2.3.1) or with client_id and " +
          "client_secret in the body, not both. The body is JSON or form-encoded. `scope` optionally narrows the " +
          "token to a space-separated subset of the credential's scopes. Send the token as " +
          "`Authorization: Bearer <access_token>` until it expires (expires_in seconds). Errors are RFC 6749 §5.2 " +
          "bodies `{error, error_description}`."
      )
      // form-encoded bodies are accepted as well (RFC 6749 §4.4.2)
      .annotate(OpenApi.Transform, (operation) => ({
        ...operation,
        requestBody: {
          ...operation["requestBody"],
          content: {
            ...operation["requestBody"]?.content,
            "application/x-www-form-urlencoded": operation["requestBody"]?.content?.["application/json"]
          }
        }
      }))
  )
  .annotate(OpenApi.Title, "Authentication")
  .annotate(OpenApi.Description, "OAuth 2.0 client credentials: exchange a client id and secret for a bearer token")
{}
