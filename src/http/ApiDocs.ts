/**
 * The two OpenAPI documents and their docs pages:
 * - partner API: `/api/v1/openapi.json`, docs at `/docs`; `/openapi.json` is the same document
 *   (partners are who reads it, and it is where CONTRACT §9 points);
 * - operator API: `/operator/v1/openapi.json`, docs at `/operator/docs`.
 * The docs pages are Scalar with its script inlined from @effect/platform, so they work offline.
 */
import { HttpApi, HttpApiBuilder, HttpApiScalar, HttpServerResponse } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { OperatorApiDocument, operatorOpenApi, PartnerApiDocument, partnerOpenApi } from "./Api.js"

export const PARTNER_DOCUMENT_PATHS = ["/api/v1/openapi.json", "/openapi.json"] as const
export const OPERATOR_DOCUMENT_PATH = "/operator/v1/openapi.json"
export const DOCS_PAGES = ["/docs", "/operator/docs"] as const

const serveJson = (paths: ReadonlyArray<`/${string}`>, document: () => unknown) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      const response = yield* Effect.orDie(HttpServerResponse.json(document()))
      for (const path of paths) yield* router.get(path, Effect.succeed(response))
    }))

/** Scalar over one document: the page's layer reads the API to describe from `HttpApi.Api`. */
const docsPage = (path: `/${string}`, api: HttpApi.HttpApi.Any) =>
  HttpApiScalar.layer({ path, scalar: { layout: "modern", defaultOpenAllTags: true, withDefaultFonts: false } }).pipe(
    Layer.provide(Layer.succeed(HttpApi.Api, { api: api as HttpApi.Api["Type"]["api"], context: Context.empty() }))
  )

export const ApiDocsLive = Layer.mergeAll(
  serveJson(PARTNER_DOCUMENT_PATHS, partnerOpenApi),
  serveJson([OPERATOR_DOCUMENT_PATH], operatorOpenApi),
  docsPage("/docs", PartnerApiDocument),
  docsPage("/operator/docs", OperatorApiDocument)
)
