/**
 * The README's partner walkthrough written against the types openapi-typescript generates from
 * the partner document, run with openapi-fetch: if the document and the service disagree, this
 * either fails to type-check (`npm run typecheck`) or fails at run time (test/typed-client.test.ts).
 * No casts: every value is read through the generated types.
 */
import createClient from "openapi-fetch"
import type { paths } from "../generated/partner-api.js"

export interface WalkthroughOptions {
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  readonly fetch: (request: Request) => Promise<Response>
}

/** The data of a success, or an error naming the failure. */
const must = <T>(result: { readonly data?: T; readonly error?: unknown; readonly response: Response }, step: string): T => {
  if (result.data === undefined) {
    throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`)
  }
  return result.data
}

export const partnerClient = (options: WalkthroughOptions) =>
  createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch })

/** Token (body and HTTP Basic), services, one order per service type, get, list, patch, cancel. */
export const ordersWalkthrough = async (options: WalkthroughOptions) => {
  const client = partnerClient(options)
  const byBody = must(await client.POST("/api/v1/oauth/token", {
    body: { grant_type: "client_credentials", client_id: options.clientId, client_secret: options.clientSecret }
  }), "token (body)")
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString("base64")
  const byBasic = must(await client.POST("/api/v1/oauth/token", {
    body: { grant_type: "client_credentials", scope: "orders:read" },
    headers: { Authorization: `Basic ${basic}` }
  }), "token (Basic)")
  const badScope = await client.POST("/api/v1/oauth/token", {
    body: { grant_type: "client_credentials", client_id: options.clientId, client_secret: options.clientSecret, scope: "admin" }
  })
  const badScopeError = badScope.error !== undefined && "error" in badScope.error ? badScope.error.error : undefined

  const headers = { Authorization: `Bearer ${byBody.access_token}` }
  const services = must(await client.GET("/api/v1/services", { headers }), "services").data
  const serviceOf = (type: string) => {
    const service = services.find((s) => s.type === type)
    if (service === undefined) throw new Error(`no ${type} service`)
    return service.id
  }
  const pudoPoints = must(await client.GET("/api/v1/pudo-points", { headers, params: { query: { country: "AZ", kind: "pudo" } } }), "pudo points").data
  const pudoId = pudoPoints[0]?.id
  if (pudoId === undefined) throw new Error("no PUDO point")

  const home = must(await client.POST("/api/v1/orders", {
    headers,
    body: {
      service_id: serviceOf("home_delivery"),
      order_id: "PO-W1",
      customer_name: "Aysel M.",
      parent_region: "1",
      region: "2",
      address_first: "Nizami 10",
      shipping_cost: 9.5,
      parcels: [{ item_id: "PKG-W1", weight_grams: 1400, products: [{ name: "Sneakers", declared_value: 120, currency: "USD" }] }]
    }
  }), "create home").data
  const pudo = must(await client.POST("/api/v1/orders", {
    headers,
    body: { service_id: serviceOf("pudo_delivery"), order_id: "PO-W2", pudo_id: pudoId, parcels: [{ item_id: "PKG-W2" }] }
  }), "create pudo").data
  const clearance = must(await client.POST("/api/v1/orders", {
    headers,
    body: {
      service_id: serviceOf("clearance"),
      order_id: "PO-W3",
      parcels: [{ item_id: "PKG-W3", merchant_tracking: "CN-W3-STICKER", weight_grams: 2150 }]
    }
  }), "create clearance").data

  const fetched = must(await client.GET("/api/v1/orders/{order_id}", { headers, params: { path: { order_id: "PO-W1" } } }), "get").data
  const page = must(await client.GET("/api/v1/orders", { headers, params: { query: { limit: 2 } } }), "list")
  const patched = must(await client.PATCH("/api/v1/orders/{order_id}/parcels/{item_id}", {
    headers,
    params: { path: { order_id: "PO-W1", item_id: "PKG-W1" } },
    body: { merchant_tracking: "CN773300099999", package_type: "fragile" }
  }), "patch").data
  const cancelled = must(await client.POST("/api/v1/orders/{order_id}/cancel", {
    headers,
    params: { path: { order_id: pudo.order_id } },
    body: { reason: "customer changed their mind" }
  }), "cancel").data
  const destinationType = fetched.destination.type
  return {
    token: byBody,
    basicScope: byBasic.scope,
    badScopeError,
    serviceTypes: services.map((s) => s.type),
    created: [home.region_status, pudo.region_status, clearance.region_status],
    clearanceParcel: clearance.items[0]?.parcel_id,
    fetched: { order_id: fetched.partner_order_id, destinationType, parcels: fetched.parcels.length },
    page: { size: page.data.length, hasNext: page.next_cursor !== null },
    patched: { merchant_tracking: patched.merchant_tracking, package_type: patched.package_type },
    cancelled: { status: cancelled.status, reason: cancelled.reason }
  }
}

/** Status pool (read, acknowledge) and invoices, once a parcel has moved. */
export const statusAndInvoicesWalkthrough = async (options: WalkthroughOptions, accessToken: string) => {
  const client = partnerClient(options)
  const headers = { Authorization: `Bearer ${accessToken}` }
  const pool = must(await client.GET("/api/v1/status-pool", { headers, params: { query: { limit: 100 } } }), "pool")
  const ids = pool.data.map((event) => event.id)
  const ack = must(await client.POST("/api/v1/status-pool/ack", { headers, body: { ids } }), "ack").data
  const again = must(await client.GET("/api/v1/status-pool", { headers }), "pool again")
  const invoices = must(await client.GET("/api/v1/invoices", { headers, params: { query: { limit: 2 } } }), "invoices")
  return {
    events: pool.data.map((event) => `${event.partner_order_id}:${event.status}`),
    acknowledged: ack.acknowledged,
    left: again.data.length,
    invoices: invoices.data.map((line) => ({ currency: line.currency, amount: line.amount, weight_grams: line.weight_grams }))
  }
}
