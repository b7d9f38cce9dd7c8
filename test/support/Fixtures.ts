/**
 * A small catalogue set up through the operator API, and partner tokens. Names are unique per
 * call so several workspaces can live in one database.
 */
import { Effect } from "effect"
import * as crypto from "node:crypto"
import { call, operator } from "./TestApp.js"

const unique = () => crypto.randomBytes(4).toString("hex")

/** Fails the test with the response when the status is not the expected one. */
export const expectStatus = (status: number) => <R extends { status: number; body: any }>(response: R) =>
  response.status === status
    ? Effect.succeed(response)
    : Effect.dieMessage(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`)

export const created = <A = any>(method: "POST" | "PUT", path: string, body: unknown) =>
  operator(method, path, body).pipe(
    Effect.flatMap(expectStatus(method === "POST" ? 201 : 200)),
    Effect.map((r) => r.body.data as A)
  )

export const tokenFor = (clientId: string, clientSecret: string, scope?: string) =>
  call("POST", "/api/v1/oauth/token", {
    body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) }
  }).pipe(Effect.flatMap(expectStatus(200)), Effect.map((r) => r.body.access_token as string))

export interface Workspace {
  readonly warehouse: { id: number; country: string }
  readonly partner: { id: number }
  readonly flow: { id: number; steps: Array<string> }
  readonly services: {
    readonly home: { id: number }
    readonly pudo: { id: number }
    readonly locker: { id: number }
    readonly clearance: { id: number }
    readonly crossDocking: { id: number }
  }
  readonly credential: { client_id: string; client_secret: string }
  /** A token with every scope. */
  readonly token: string
}

/** A warehouse, a partner with an all-scope credential, one flow and one published service of each type. */
export const setupWorkspace = (options: { readonly country?: string; readonly consolidation?: boolean } = {}) =>
  Effect.gen(function* () {
    const country = options.country ?? "AZ"
    const warehouse = yield* created("POST", "/operator/v1/warehouses", { code: `WH-${unique()}`, name: "Hub", country })
    const partner = yield* created("POST", "/operator/v1/partners", { name: `Partner ${unique()}` })
    const flow = yield* created("POST", "/operator/v1/flows", {
      name: "Delivery",
      steps: ["created", "received", "sorted", "delivered"]
    })
    const service = (body: Record<string, unknown>) =>
      Effect.flatMap(
        created<{ id: number }>("POST", "/operator/v1/services", {
          origin_country: "TR",
          destination_country: country,
          flow_id: flow.id,
          ...body
        }),
        (s) =>
          Effect.as(
            created("POST", `/operator/v1/services/${s.id}/publications`, {
              partner_id: partner.id,
              warehouse_id: warehouse.id
            }),
            s
          )
      )
    const services = {
      home: yield* service({ name: "Home", type: "home_delivery", consolidation_enabled: options.consolidation ?? true }),
      pudo: yield* service({ name: "PUDO", type: "pudo_delivery", channel: "pudo" }),
      locker: yield* service({ name: "Locker", type: "pudo_delivery", channel: "locker" }),
      clearance: yield* service({ name: "Clearance", type: "clearance" }),
      crossDocking: yield* service({ name: "Cross-dock", type: "cross_docking" })
    }
    const credential = yield* created("POST", `/operator/v1/partners/${partner.id}/credentials`, {
      warehouse_id: warehouse.id
    })
    const token = yield* tokenFor(credential.client_id, credential.client_secret)
    const workspace: Workspace = { warehouse, partner, flow, services, credential, token }
    return workspace
  })

/** A token of a new credential of the workspace's partner limited to `scopes`. */
export const tokenWithScopes = (ws: Workspace, scopes: ReadonlyArray<string>) =>
  Effect.flatMap(
    created<{ client_id: string; client_secret: string }>("POST", `/operator/v1/partners/${ws.partner.id}/credentials`, {
      warehouse_id: ws.warehouse.id,
      scopes
    }),
    (c) => tokenFor(c.client_id, c.client_secret)
  )

/** An operator scan of a parcel (by parcel or merchant tracking). */
export const scan = (code: string, body: unknown) =>
  operator("POST", `/operator/v1/parcels/${encodeURIComponent(code)}/status`, body)
