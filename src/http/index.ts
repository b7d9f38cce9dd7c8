/**
 * The HTTP API as its own entry (`starmile-hub/http`): the HttpApi definition (for typed
 * clients: `HttpApiClient.make(StarmileApi)`) and the handlers' layer (`HttpLive`, over the
 * domain services, an `OperatorTokenValue` and an HttpServer).
 */
export { StarmileApi } from "./Api.js"
export { HttpLive } from "./Server.js"
export { OperatorTokenValue } from "../OperatorToken.js"
