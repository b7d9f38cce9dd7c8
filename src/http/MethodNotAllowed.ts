/**
 * A known path asked with a method it does not take answers 405 with `Allow` (RFC 9110 §15.5.6)
 * and the error envelope, instead of the router's 404. HEAD is served wherever GET is.
 */
import { HttpApi, HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { StarmileApi } from "./Api.js"
import { DOCS_PAGES, OPERATOR_DOCUMENT_PATH, PARTNER_DOCUMENT_PATHS } from "./ApiDocs.js"

interface Route {
  readonly method: string
  readonly pattern: RegExp
}

const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.split("/").map((segment) => segment.startsWith(":") ? "[^/]+" : escape(segment)).join("/")}$`)

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const routes = (): ReadonlyArray<Route> => {
  const list: Array<Route> = []
  HttpApi.reflect(StarmileApi, {
    onGroup: () => undefined,
    onEndpoint: ({ endpoint }) => list.push({ method: endpoint.method, pattern: patternOf(endpoint.path) })
  })
  for (const path of [...PARTNER_DOCUMENT_PATHS, OPERATOR_DOCUMENT_PATH, ...DOCS_PAGES]) {
    list.push({ method: "GET", pattern: patternOf(path) })
  }
  return list
}

let cached: ReadonlyArray<Route> | undefined

/** The methods `path` takes, in a stable order; empty for an unknown path. */
export const allowedMethods = (path: string): ReadonlyArray<string> => {
  cached ??= routes()
  const methods = new Set(cached.filter((route) => route.pattern.test(path)).map((route) => route.method))
  if (methods.has("GET")) methods.add("HEAD")
  return ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].filter((method) => methods.has(method))
}

export const methodNotAllowed = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R | HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const path = request.url.split("?")[0] ?? "/"
    const allowed = allowedMethods(path)
    if (allowed.length === 0 || allowed.includes(request.method)) return app
    return Effect.succeed(HttpServerResponse.unsafeJson(
      { message: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(", ")}.`, code: "method_not_allowed" },
      { status: 405, headers: { allow: allowed.join(", ") } }
    ))
  })
