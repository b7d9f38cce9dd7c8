/**
 * The HTTP API as its own entry (`starmile-hub/http`): the HttpApi definition (for typed
 * clients: `HttpApiClient.make(StarmileApi)`) and the handlers' layer (`HttpLive`, over the
 * domain services, an `OperatorTokenValue` and an HttpServer). Served by `ListenerServer.layer`
 * (the service's server), order creation is answered at the listener; on any other HttpServer
 * every route goes through the HttpApi pipeline, with the same answers.
 */
export { StarmileApi } from "./Api.js"
export { HttpLive } from "./Server.js"
export { OperatorTokenValue } from "../OperatorToken.js"
export * as ListenerServer from "./ListenerServer.js"
