/**
 * The whole HTTP application in-process on a test server (ListenerServer.layerTest), over a
 * fresh migrated database. `call` sends a request and returns status, headers and parsed body,
 * after checking the response against the OpenAPI documents (ResponseContract.ts).
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"
import * as ListenerServer from "../../src/http/ListenerServer.js"
import { HttpLive } from "../../src/http/Server.js"
import { DomainLive } from "../../src/index.js"
import { OperatorTokenValue } from "../../src/OperatorToken.js"
import { contractViolation } from "./ResponseContract.js"
import { TestDatabaseLive } from "./TestDatabase.js"

export const TEST_OPERATOR_TOKEN = "test-operator-token-0123456789"

export const TestDomainLive = DomainLive.pipe(Layer.provideMerge(TestDatabaseLive()))

export const TestAppLive = HttpLive.pipe(
  Layer.provideMerge(ListenerServer.layerTest),
  Layer.provideMerge(DomainLive),
  Layer.provide(Layer.succeed(OperatorTokenValue, Redacted.make(TEST_OPERATOR_TOKEN))),
  Layer.provideMerge(TestDatabaseLive())
)

export interface CallOptions {
  /** JSON body (serialised). */
  readonly body?: unknown
  /** A raw body sent as is (with `contentType`, default application/json). */
  readonly rawBody?: string
  readonly contentType?: string
  /** Bearer token; `operator` uses the test operator token. */
  readonly token?: string | "operator"
  /** Extra request headers (e.g. `authorization: Basic ...`). */
  readonly headers?: Readonly<Record<string, string>>
}

export interface Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any
}

export const call = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, options: CallOptions = {}) =>
  Effect.gen(function* () {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(path)
    if (options.token !== undefined) {
      request = HttpClientRequest.bearerToken(request, options.token === "operator" ? TEST_OPERATOR_TOKEN : options.token)
    }
    if (options.headers !== undefined) request = HttpClientRequest.setHeaders(request, options.headers)
    if (options.rawBody !== undefined) {
      request = HttpClientRequest.bodyText(request, options.rawBody, options.contentType ?? "application/json")
    } else if (options.body !== undefined) {
      request = HttpClientRequest.bodyText(request, JSON.stringify(options.body), "application/json")
    }
    const response = yield* client.execute(request)
    const text = yield* response.text
    let body: unknown = text
    try {
      body = text === "" ? undefined : JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    const result: Response = { status: response.status, headers: response.headers, body }
    // every response must be what the OpenAPI documents declare for its operation and status
    const violation = contractViolation(method, path, response.status, response.headers["content-type"], body)
    if (violation !== undefined) return yield* Effect.dieMessage(`response breaks the OpenAPI document: ${violation}`)
    return result
  }).pipe(Effect.scoped, Effect.orDie)

/** Shorthand for operator calls. */
export const operator = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown) =>
  call(method, path, body === undefined ? { token: "operator" } : { token: "operator", body })
