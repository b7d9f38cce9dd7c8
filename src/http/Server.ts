/**
 * The HTTP application: the API with its handlers, security, error handling, `/openapi.json`
 * and the docs page at `/docs`. `HttpLive` needs an HttpServer (real or test) and the domain.
 */
import {
  HttpApiBuilder,
  HttpApp,
  HttpMiddleware,
  HttpRouter,
  HttpServer,
  HttpServerResponse
} from "@effect/platform"
import { Effect, Layer } from "effect"
import { StarmileApi } from "./Api.js"
import { ApiDocsLive } from "./ApiDocs.js"
import { challengeFor } from "./Challenge.js"
import { CreateOrderRouteLive } from "./CreateOrderRoute.js"
import { methodNotAllowed } from "./MethodNotAllowed.js"
import { CatalogueHttpLive } from "./CatalogueHttp.js"
import { ErrorHandlingLive } from "./ErrorHandling.js"
import { operations } from "./Operations.js"
import { JobsHttpLive } from "./JobsHttp.js"
import { MappingsHttpLive } from "./MappingsHttp.js"
import { OAuthHttpLive } from "./OAuthHttp.js"
import { OperatorCatalogueHttpLive } from "./OperatorCatalogueHttp.js"
import { OrdersHttpLive } from "./OrdersHttp.js"
import { InvoicesHttpLive } from "./InvoicesHttp.js"
import { ParcelFlowHttpLive } from "./ParcelFlowHttp.js"
import { StatusPoolHttpLive } from "./StatusPoolHttp.js"
import { ScopesLive } from "./Scopes.js"
import { OperatorAuthLive } from "./Security.js"
import { SystemHttpLive } from "./SystemHttp.js"

export const ApiLive = HttpApiBuilder.api(StarmileApi).pipe(
  Layer.provide([
    SystemHttpLive,
    OAuthHttpLive,
    CatalogueHttpLive,
    OrdersHttpLive,
    OperatorCatalogueHttpLive,
    MappingsHttpLive,
    JobsHttpLive,
    ParcelFlowHttpLive,
    StatusPoolHttpLive,
    InvoicesHttpLive
  ]),
  Layer.provide([OperatorAuthLive, ScopesLive])
)

/**
 * RFC 6750 §3: a 401 from a bearer-protected resource names the scheme. (The token endpoint
 * authenticates clients by their body; its 401 is the RFC 6749 `invalid_client` body.)
 */
const bearerChallenge = HttpMiddleware.make((app) =>
  Effect.zipRight(
    // a pre-response handler sees every response, the encoded errors included, before it is sent
    HttpApp.appendPreResponseHandler((_request, response) =>
      Effect.succeed(
        response.status === 401
          ? HttpServerResponse.setHeader(response, "www-authenticate", challengeFor(_request))
          : response
      )
    ),
    app
  ))

/** Every route through the HttpApi pipeline (what any HttpServer serves). */
export const HttpPipelineLive = HttpApiBuilder.serve((app) => operations(bearerChallenge(methodNotAllowed(app)))).pipe(
  // partner references in paths are up to 255 characters (find-my-way's default is 100),
  // percent-encoded up to 3 bytes each
  Layer.provide(HttpRouter.setRouterConfig({ maxParamLength: 1024 })),
  Layer.provide(ApiDocsLive),
  Layer.provide(ErrorHandlingLive),
  Layer.provide(ApiLive),
  HttpServer.withLogAddress
)

/**
 * The app the service serves: the pipeline, and order creation answered at the listener when
 * the server is ListenerServer's (the service's and the tests'); on another HttpServer every
 * route goes through the pipeline.
 */
export const HttpLive = HttpPipelineLive.pipe(Layer.provide(CreateOrderRouteLive))
