/**
 * Request and response examples of the documents, by operationId. They are written against the
 * demo workspace `npm start` seeds (warehouse 1 in AZ, partner 1, services 1 home delivery,
 * 2 PUDO, 3 locker, 4 clearance, 5 cross-docking, PUDO point 1, the mapped key ("1", "2")), and
 * test/openapi-examples.test.ts sends every request example, in the order of
 * `EXAMPLE_SEQUENCE`, to a freshly seeded demo workspace and checks the documented status and
 * response schema. The token example's client_id and client_secret are placeholders for the
 * demo credential `npm start` prints.
 */
import { formatTracking } from "../domain/Tracking.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>

export interface OperationExamples {
  /** Path and query parameter values. */
  readonly parameters?: Readonly<Record<string, string | number>>
  /** Named request bodies (JSON). */
  readonly requests?: Readonly<Record<string, { readonly summary: string; readonly value: unknown }>>
  /** The success response's example body. */
  readonly response?: unknown
}

const order = (serial: number) => formatTracking("SO", serial, "AZ")
const parcel = (serial: number) => formatTracking("SP", serial, "AZ")
const at = "2026-03-02T09:15:00.000Z"

export const DEMO_CLIENT_ID = "sm_<client_id from the npm start banner>"
export const DEMO_CLIENT_SECRET = "<client_secret from the npm start banner>"

const product = { name: "Sneakers", hs_code: "640411", declared_value: 120, currency: "USD", quantity: 1 }
const productView = { ...product, weight_grams: null }

const parcelView = {
  parcel_id: parcel(2),
  item_id: "PKG-1",
  partner_tracking: "PKG-1",
  merchant_tracking: "CN773300099999",
  status: "created",
  package_type: "liquid",
  weight_grams: 1400,
  length_mm: null,
  width_mm: null,
  height_mm: null,
  measured: null,
  products: [{ name: "Olive oil 1L", hs_code: "150910", declared_value: 18, currency: "USD", quantity: 2, weight_grams: null }]
}

const EXAMPLES: Record<string, OperationExamples> = {
  // ------------------------------------------------------------ partner
  "oauth.token": {
    requests: {
      body: {
        summary: "Client id and secret in the body",
        value: { grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }
      },
      scoped: {
        summary: "A token with fewer scopes",
        value: {
          grant_type: "client_credentials",
          client_id: DEMO_CLIENT_ID,
          client_secret: DEMO_CLIENT_SECRET,
          scope: "orders:read orders:create"
        }
      }
    },
    response: {
      access_token: "q3Vx0c8Yd1bE0m2JrQ6cPpZbq1t2Nn3kWk9o7hV4s0A",
      token_type: "Bearer",
      expires_in: 3600,
      scope: "orders:create orders:read orders:update orders:cancel services:read statuses:read invoices:read"
    }
  },
  "catalogue.listServices": {
    response: {
      data: [{
        id: 1,
        name: "Home delivery AZ",
        type: "home_delivery",
        channel: "home",
        origin_country: "TR",
        destination_country: "AZ",
        consolidation_enabled: true,
        flow: { id: 1, name: "Delivery", steps: ["created", "received", "sorted", "out_for_delivery", "delivered"] },
        rates: [{
          id: 1,
          pricing_tier: null,
          currency: "AZN",
          amount: 3.5,
          per_kg_amount: 1.2,
          bill_on_status: "received",
          partner_specific: false
        }]
      }],
      next_cursor: null
    }
  },
  "catalogue.listPudoPoints": {
    parameters: { country: "AZ", kind: "locker" },
    response: {
      data: [{ id: 2, name: "28 Mall locker", kind: "locker", country: "AZ", address: "28 May 1, Baku", active: true, created_at: at }],
      next_cursor: null
    }
  },
  "orders.create": {
    requests: {
      home: {
        summary: "Home delivery (service 1): parent_region + region",
        value: {
          service_id: 1,
          order_id: "PO-10294",
          gov_id: "5AB12C3",
          customer_name: "Aysel M.",
          customer_phone: "+994500000000",
          customer_email: "aysel@example.com",
          parent_region: "1",
          region: "2",
          address_first: "Nizami 10",
          address_second: "Apt 4",
          zip: "AZ1000",
          notes: "Ring twice",
          shipping_cost: 9.5,
          parcels: [{
            item_id: "PKG-1",
            merchant_tracking: "CN773300012345",
            package_type: "fragile",
            weight_grams: 1400,
            products: [product]
          }]
        }
      },
      pudo: {
        summary: "PUDO delivery (service 2): pudo_id",
        value: {
          service_id: 2,
          order_id: "PO-10296",
          customer_name: "Rauf K.",
          customer_phone: "+994551112233",
          pudo_id: 1,
          parcels: [{ item_id: "PKG-3", weight_grams: 500, products: [{ name: "Phone case", declared_value: 15, currency: "USD" }] }]
        }
      },
      clearance: {
        summary: "Customs clearance (service 4): no destination field",
        value: {
          service_id: 4,
          order_id: "PO-10297",
          gov_id: "AA1234567",
          customer_name: "Leyla H.",
          parcels: [{
            item_id: "PKG-4",
            merchant_tracking: "CN773300054321",
            weight_grams: 2300,
            products: [{ name: "Jacket", hs_code: "620193", declared_value: 80, currency: "EUR", quantity: 1 }]
          }]
        }
      }
    },
    response: { data: { order_id: order(2), region_status: "mapped", items: [{ item_id: "PKG-1", parcel_id: parcel(2) }] } }
  },
  "orders.list": {
    parameters: { limit: 2 },
    response: {
      data: [{
        order_id: order(2),
        partner_order_id: "PO-10294",
        service_id: 1,
        status: "created",
        region_status: "mapped",
        destination: {
          type: "home_delivery",
          parent_region: "1",
          region: "2",
          region_id: 2,
          pricing_tier: "tier_1",
          address_first: "Nizami 10",
          address_second: "Apt 4",
          zip: "AZ1000",
          notes: "Ring twice"
        },
        gov_id: "5AB12C3",
        customer_name: "Aysel M.",
        customer_phone: "+994500000000",
        customer_email: "aysel@example.com",
        shipping_cost: 9.5,
        consolidation_required: false,
        created_at: at,
        cancelled_at: null,
        cancel_reason: null,
        parcels: [{ ...parcelView, merchant_tracking: "CN773300012345", package_type: "fragile", products: [productView] }]
      }],
      next_cursor: "YzI"
    }
  },
  "orders.get": { parameters: { order_id: "PO-10294" } },
  "orders.updateParcel": {
    parameters: { order_id: "PO-10294", item_id: "PKG-1" },
    requests: {
      sticker: {
        summary: "Set the sticker code, change the type, replace the products",
        value: {
          merchant_tracking: "CN773300099999",
          package_type: "liquid",
          products: [{ name: "Olive oil 1L", hs_code: "150910", declared_value: 18, currency: "USD", quantity: 2 }]
        }
      }
    },
    response: { data: parcelView }
  },
  "statusPool.read": {
    parameters: { limit: 100 },
    response: {
      data: [{
        id: 1,
        order_id: order(4),
        partner_order_id: "PO-10297",
        parcel_id: parcel(4),
        item_id: "PKG-4",
        merchant_tracking: "CN773300054321",
        status: "received",
        previous_status: "created",
        occurred_at: at
      }],
      next_cursor: null
    }
  },
  "statusPool.ack": {
    requests: { ids: { summary: "Acknowledge processed events", value: { ids: [1] } } },
    response: { data: { acknowledged: 1 } }
  },
  "invoices.list": {
    parameters: { limit: 100 },
    response: {
      data: [{
        id: 1,
        order_id: order(4),
        parcel_id: parcel(4),
        rate_id: 4,
        status: "open",
        currency: "AZN",
        amount: 7.1,
        weight_grams: 2150,
        created_at: at
      }],
      next_cursor: null
    }
  },
  "orders.cancel": {
    parameters: { order_id: "PO-10294" },
    requests: { reason: { summary: "With a reason (the body is optional)", value: { reason: "customer changed their mind" } } },
    response: { data: { order_id: order(2), status: "cancelled", cancelled_at: at, reason: "customer changed their mind" } }
  },
  // ------------------------------------------------------------ operator
  "system.health": { response: { data: { status: "ok" } } },
  "system.ready": { response: { data: { status: "ready" } } },
  "operatorCatalogue.createWarehouse": {
    requests: { warehouse: { summary: "A second hub", value: { code: "GYD-AIR", name: "Baku airport hub", country: "AZ" } } },
    response: { data: { id: 2, code: "GYD-AIR", name: "Baku airport hub", country: "AZ", created_at: at } }
  },
  "operatorCatalogue.createPartner": {
    requests: { partner: { summary: "A new partner", value: { name: "Caspian Shop" } } },
    response: { data: { id: 2, name: "Caspian Shop", created_at: at } }
  },
  "operatorCatalogue.createCredential": {
    parameters: { partner_id: 2 },
    requests: {
      limited: {
        summary: "A credential with two scopes (omit scopes for all seven)",
        value: { warehouse_id: 1, scopes: ["orders:create", "orders:read"] }
      }
    },
    response: {
      data: {
        client_id: "sm_Vb3kQ9zL0pXw",
        client_secret: "m0Jm4n3hS2u8dY0vTq9c1xRrPp7eLk5aWbZs6oNf3gE",
        partner_id: 2,
        warehouse_id: 1,
        scopes: ["orders:create", "orders:read"],
        created_at: at
      }
    }
  },
  "operatorCatalogue.createFlow": {
    requests: { flow: { summary: "A three-step flow", value: { name: "Express", steps: ["created", "received", "delivered"] } } },
    response: { data: { id: 4, name: "Express", steps: ["created", "received", "delivered"], created_at: at } }
  },
  "operatorCatalogue.createRegion": {
    requests: {
      region: { summary: "A district under Baku", value: { name: "Sabail", country: "AZ", parent_id: 1, pricing_tier: "tier_1" } }
    },
    response: { data: { id: 5, name: "Sabail", country: "AZ", parent_id: 1, pricing_tier: "tier_1", created_at: at } }
  },
  "operatorCatalogue.createPudoPoint": {
    requests: {
      locker: { summary: "A locker", value: { name: "Port Baku locker", kind: "locker", country: "AZ", address: "Neftchilar 153" } }
    },
    response: {
      data: { id: 4, name: "Port Baku locker", kind: "locker", country: "AZ", address: "Neftchilar 153", active: true, created_at: at }
    }
  },
  "operatorCatalogue.updatePudoPoint": {
    parameters: { id: 4 },
    requests: { deactivate: { summary: "Take a point out of use", value: { active: false } } },
    response: {
      data: { id: 4, name: "Port Baku locker", kind: "locker", country: "AZ", address: "Neftchilar 153", active: false, created_at: at }
    }
  },
  "operatorCatalogue.createService": {
    requests: {
      home: {
        summary: "A home-delivery service on flow 4",
        value: {
          name: "Express home AZ",
          type: "home_delivery",
          channel: "home",
          origin_country: "TR",
          destination_country: "AZ",
          flow_id: 4
        }
      }
    },
    response: {
      data: {
        id: 6,
        name: "Express home AZ",
        type: "home_delivery",
        channel: "home",
        origin_country: "TR",
        destination_country: "AZ",
        flow_id: 4,
        consolidation_enabled: false,
        created_at: at
      }
    }
  },
  "operatorCatalogue.publishService": {
    parameters: { id: 6 },
    requests: { target: { summary: "Publish for partner 1 in warehouse 1", value: { partner_id: 1, warehouse_id: 1 } } },
    response: { data: { service_id: 6, partner_id: 1, warehouse_id: 1, created_at: at } }
  },
  "operatorCatalogue.createRate": {
    requests: {
      rate: {
        summary: "The service's default rate, billed on received",
        value: { service_id: 6, currency: "AZN", amount: 4, per_kg_amount: 1, bill_on_status: "received" }
      }
    },
    response: {
      data: {
        id: 7,
        service_id: 6,
        partner_id: null,
        pricing_tier: null,
        currency: "AZN",
        amount: 4,
        per_kg_amount: 1,
        bill_on_status: "received",
        created_at: at
      }
    }
  },
  "operatorCatalogue.unpublishServiceAt": { parameters: { id: 6, partner_id: 1, warehouse_id: 1 } },
  "mappings.listPending": {
    response: {
      data: [{ partner_id: 1, parent_region: "2", region: "7", waiting_orders: 1, oldest_order_at: at }],
      next_cursor: null
    }
  },
  "parcelFlow.scan": {
    parameters: { code: "CN773300054321" },
    requests: {
      received: {
        summary: "Received at the hub, with the DWS measurement",
        value: { status: "received", weight_grams: 2150, length_mm: 300, width_mm: 200, height_mm: 120 }
      }
    },
    response: {
      data: {
        parcel_id: parcel(4),
        order_id: order(4),
        partner_id: 1,
        partner_order_id: "PO-10297",
        item_id: "PKG-4",
        merchant_tracking: "CN773300054321",
        status: "received",
        previous_status: "created",
        moved: true,
        steps: ["created", "received", "cleared", "released"],
        measured: { weight_grams: 2150, length_mm: 300, width_mm: 200, height_mm: 120 },
        measured_at: at,
        updated_at: at
      }
    }
  },
  "mappings.saveMapping": {
    parameters: { partner_id: 1 },
    requests: { map: { summary: "Map the waiting key (\"2\", \"7\") to Kapaz", value: { parent_region: "2", region: "7", region_id: 4 } } },
    response: {
      data: {
        partner_id: 1,
        parent_region: "2",
        region: "7",
        region_id: 4,
        pricing_tier: "tier_2",
        created_at: at,
        updated_at: at,
        resolved_orders: 1
      }
    }
  },
  "parcelFlow.listInvoices": { parameters: { partner_id: 1, limit: 100 } },
  "jobs.listJobs": {},
  "jobs.runJob": {
    parameters: { name: "resolve-pending-mappings" },
    response: { data: { job: "resolve-pending-mappings", resolved: 0, duration_ms: 4 } }
  }
}

/** The order the examples test sends them in (each builds on the previous ones). */
export const EXAMPLE_SEQUENCE: ReadonlyArray<string> = Object.keys(EXAMPLES)

export const examplesOf = (operationId: string): OperationExamples | undefined => EXAMPLES[operationId]

const successStatus = (operation: Spec): string | undefined =>
  Object.keys(operation["responses"] ?? {}).find((status) => status.startsWith("2"))

/** Puts the examples where OpenAPI 3.1 and the docs page read them. */
export const applyExamples = (spec: Spec): void => {
  for (const item of Object.values(spec["paths"] as Record<string, Spec>)) {
    for (const operation of Object.values(item)) {
      const examples = EXAMPLES[operation?.["operationId"]]
      if (examples === undefined) continue
      for (const parameter of operation["parameters"] ?? []) {
        const value = examples.parameters?.[parameter.name]
        if (value !== undefined) parameter.example = value
      }
      const requests = examples.requests
      if (requests !== undefined) {
        for (const media of Object.values(operation["requestBody"]?.["content"] ?? {}) as Array<Spec>) {
          media["examples"] = requests
        }
      }
      const status = successStatus(operation)
      const media = status === undefined ? undefined : operation["responses"][status]?.["content"]?.["application/json"]
      if (examples.response !== undefined && media !== undefined) {
        media["examples"] = { demo: { summary: "In the demo workspace", value: examples.response } }
      }
    }
  }
}
