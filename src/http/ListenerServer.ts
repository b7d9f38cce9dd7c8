/**
 * The node HTTP server with routes answered at the listener. It is @effect/platform-node's
 * server (same listen, close and platform context), except that `serve` installs one request
 * listener that offers each request to the `ListenerRoute` in the app's context first and
 * hands it to the platform's handler (the HttpApi pipeline) when the route declines it.
 *
 * Why: the HttpApi pipeline costs about as much CPU per request as the whole create-order
 * domain call (README "Benchmarks"); the hottest route is served without it, with the same
 * checks and the same answers (CreateOrderRoute.ts). Tests use `layerTest`, so they reach the
 * same listener route the service runs.
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Layer, Option } from "effect"
import * as http from "node:http"
import type { ListenOptions } from "node:net"

/** The platform's request handler, for a route that hands a request back. */
export type PlatformHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void

/**
 * A route answered at the listener: returns true when it took the request (it then answers
 * it, possibly by passing it to `fallback` later), false to let the platform handle it.
 */
export type ListenerRouteHandler = (
  request: http.IncomingMessage,
  response: http.ServerResponse,
  fallback: PlatformHandler
) => boolean

export class ListenerRoute extends Context.Tag("starmile/ListenerRoute")<ListenerRoute, ListenerRouteHandler>() {}

const make = (evaluate: () => http.Server, options: ListenOptions) =>
  Effect.gen(function* () {
    const server = evaluate()
    const platform = yield* NodeHttpServer.make(() => server, options)
    return HttpServer.make({
      address: platform.address,
      serve: (app, middleware) =>
        Effect.gen(function* () {
          const handler: PlatformHandler = yield* NodeHttpServer.makeHandler(app, middleware!)
          const route = yield* Effect.serviceOption(ListenerRoute)
          const listener: PlatformHandler = Option.isNone(route) ? handler : (request, response) => {
            if (!route.value(request, response, handler)) handler(request, response)
          }
          yield* Effect.addFinalizer(() => Effect.sync(() => server.off("request", listener)))
          server.on("request", listener)
        })
    })
  })

/** The server of `evaluate()`, listening with `options`, with the platform's context. */
export const layer = (evaluate: () => http.Server, options: ListenOptions) =>
  Layer.mergeAll(Layer.scoped(HttpServer.HttpServer, make(evaluate, options)), NodeHttpServer.layerContext)

/** A server on a free port with an HttpClient aimed at it (NodeHttpServer.layerTest's shape). */
export const layerTest = HttpServer.layerTestClient.pipe(
  Layer.provide(NodeHttpClient.layerWithoutAgent),
  Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: false })),
  Layer.provideMerge(layer(http.createServer, { port: 0 }))
)
