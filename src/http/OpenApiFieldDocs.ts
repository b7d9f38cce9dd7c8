/**
 * What each field of the create, update and cancel bodies means, in the words of the partner
 * reference (partner-api-reference.txt: what it is, when it is required, its limits, what
 * happens when it is omitted). Merged into the generated component schemas by name; the
 * constraints themselves stay keywords (maxLength, minimum, pattern, format).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>

const records = "Records only: the hub re-measures every parcel (DWS) on arrival."
const measure = (what: string) => `${what}, an integer 0–1,000,000. ${records}`

const parcelFields = {
  merchant_tracking: {
    description: "The code on the parcel's physical sticker (barcode), at most 255 characters, unique across " +
      "your parcels. Optional: set it later with the parcel update, or omit it and Starmile uses the parcel's own " +
      "tracking number. A Starmile tracking number (SO…/SP…) is refused."
  },
  package_type: { description: "How the package must be handled: fragile, breakable or liquid. Optional." },
  weight_grams: { description: measure("Declared gross weight in grams") },
  length_mm: { description: measure("Declared length in millimetres") },
  width_mm: { description: measure("Declared width in millimetres") },
  height_mm: { description: measure("Declared height in millimetres") }
}

const FIELD_DOCS: Record<string, Record<string, Spec>> = {
  CreateOrder: {
    service_id: {
      description: "The id of a service from GET /api/v1/services; the service brings the flow, the corridor " +
        "(origin and destination) and the delivery type, so you send neither. Required; it must be published for " +
        "your partner in your credential's warehouse (else 422 service_unavailable_for_partner)."
    },
    order_id: {
      description: "Your own reference for the order, 1–255 characters, kept exactly as sent. Required; unique " +
        "across all your orders, cancelled ones included, so re-sending an order never creates a duplicate " +
        "(422 duplicate_reference)."
    },
    gov_id: {
      description: "The recipient's government id (the AZ FIN or a foreign passport number), used for the customs " +
        "declaration. Optional, at most 255 characters."
    },
    customer_name: { description: "The recipient's name. Optional, at most 255 characters." },
    customer_phone: { description: "The recipient's phone number. Optional, at most 64 characters." },
    customer_email: {
      description: "The recipient's e-mail address. Optional; it must be a valid address (at most 254 characters).",
      format: "email",
      pattern: undefined
    },
    parent_region: {
      description: "Home delivery: YOUR own parent region id or code (e.g. \"1\"), 1–255 characters, trimmed. " +
        "Required for a home-delivery service and refused for other types. With region it forms your mapping key, " +
        "which Starmile maps per partner to one of its regions; the parent tells apart a leaf code that repeats " +
        "under several parents.",
      minLength: 1,
      maxLength: 255
    },
    region: {
      description: "Home delivery: YOUR own leaf region id or code (e.g. \"2\"), 1–255 characters, trimmed. " +
        "Required for a home-delivery service and refused for other types. Resolved only through your mapping " +
        "(no name or id fallback): an unmapped key does NOT reject the order, it is accepted with region_status " +
        "\"pending_mapping\" and resolved once an operator maps it. The resolved region carries the pricing tier.",
      minLength: 1,
      maxLength: 255
    },
    address_first: { description: "Home delivery: address line 1. Optional, at most 255 characters; refused for other types." },
    address_second: { description: "Home delivery: address line 2. Optional, at most 255 characters; refused for other types." },
    zip: { description: "Home delivery: postal (zip) code. Optional, at most 32 characters; refused for other types." },
    notes: { description: "Home delivery: notes for the courier. Optional, at most 1000 characters; refused for other types." },
    pudo_id: {
      description: "PUDO delivery: the id of an active PUDO point (GET /api/v1/pudo-points) in the service's " +
        "destination country, of the service's channel kind (pudo or locker). Required for a PUDO-delivery service " +
        "and refused for other types; the channel is the service's, not a field you send."
    },
    shipping_cost: {
      description: "What you charge to ship this order, in the declared-value currency; it becomes the customs " +
        "transport cost. Optional, 0–1,000,000 with at most 2 decimals. 0 or omitted means none: the order stores " +
        "no value and customs sends a minimum at declaration time."
    },
    consolidation_required: {
      description: "Ask to consolidate the order's parcels. Optional (default false). The service must enable " +
        "consolidation, else 422 consolidation_not_enabled (\"Consolidation is not enabled for this service.\")."
    },
    parcels: {
      description: "The physical packages of the order, 1–100. Each gets its own Starmile tracking number and " +
        "starts the service's flow."
    }
  },
  ParcelInput: {
    item_id: {
      description: "Your per-package reference, 1–255 characters, kept as sent; unique across your parcels and " +
        "within the order. Echoed back on the parcel as partner_tracking. Optional: when omitted, item_id and " +
        "partner_tracking are null."
    },
    ...parcelFields,
    products: { description: "The products in the package, 0–100 (default none)." }
  },
  ProductInput: {
    name: { description: "Product name, 1–255 characters (trimmed). Required." },
    hs_code: { description: "Harmonised System (customs tariff) code. Optional, at most 32 characters." },
    declared_value: {
      description: "Declared customs value of the product, in currency. Optional, 0–1,000,000,000 with at most 2 decimals."
    },
    currency: {
      description: "The declared value's currency: an ISO 4217 code in upper case (e.g. USD). Optional.",
      pattern: "^[A-Z]{3}$",
      examples: ["USD"]
    },
    quantity: { description: "How many of this product, 1–1,000,000. Optional (default 1)." },
    weight_grams: { description: "Product weight in grams, an integer 0–1,000,000. Optional." }
  },
  ParcelPatch: {
    ...parcelFields,
    merchant_tracking: {
      description: "The code on the parcel's physical sticker (barcode), at most 255 characters, unique across " +
        "your parcels; most often the reason for an update. A Starmile tracking number (SO…/SP…) is refused."
    },
    products: {
      description: "Replaces the parcel's whole product list (same shape as on create, 0–100); [] removes every " +
        "product. Omit it to keep the list."
    }
  },
  CancelOrder: {
    reason: { description: "Free-text cancellation reason, at most 1000 characters. Optional: omitted, the reason is null." }
  }
}

/** Merges the field docs into `schemas` (a patch value `undefined` removes that keyword). */
export const applyFieldDocs = (schemas: Spec): void => {
  for (const [schemaName, fields] of Object.entries(FIELD_DOCS)) {
    const properties = schemas[schemaName]?.["properties"] as Spec | undefined
    if (properties === undefined) continue
    for (const [field, patch] of Object.entries(fields)) {
      const property: Spec | undefined = properties[field]
      if (property === undefined) continue
      for (const [keyword, value] of Object.entries(patch)) {
        if (value === undefined) delete property[keyword]
        else property[keyword] = value
      }
    }
  }
}

/** Component schema → fields documented (for the test that every field carries its description). */
export const documentedFields = (): Record<string, ReadonlyArray<string>> =>
  Object.fromEntries(Object.entries(FIELD_DOCS).map(([name, fields]) => [name, Object.keys(fields)]))
