/**
 * Small reusable Schema building blocks with the limits of the contract. Messages are written
 * for partners: they end up verbatim in the `errors` map of a 422.
 */
import { Schema } from "effect"
import { COUNTRY_CODES, CURRENCY_CODES } from "./IsoCodes.js"

/** A string of 1..max characters after trimming; stored trimmed. */
export const RequiredText = (max: number) =>
  Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "must not be empty" }),
    Schema.maxLength(max, { message: () => `must be at most ${max} characters` })
  )

/** An optional free text of at most `max` characters (empty allowed). */
export const Text = (max: number) =>
  Schema.String.pipe(Schema.maxLength(max, { message: () => `must be at most ${max} characters` }))

export const IntBetween = (min: number, max: number) =>
  Schema.Number.pipe(
    Schema.int({ message: () => "must be an integer" }),
    Schema.between(min, max, { message: () => `must be between ${min} and ${max}` })
  )

/** A JSON number with at most 2 decimals, in range. Money is stored as `numeric`, never float. */
export const Money = (min: number, max: number) =>
  Schema.Number.pipe(
    Schema.finite({ message: () => "must be a finite number" }),
    Schema.between(min, max, { message: () => `must be between ${min} and ${max}` }),
    Schema.filter((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6 || "must have at most 2 decimals")
  )

export const CountryCode = Schema.String.pipe(
  Schema.filter((s) => COUNTRY_CODES.has(s) || "must be an ISO 3166-1 alpha-2 country code in upper case (e.g. AZ)"),
  Schema.annotations({ identifier: "CountryCode", description: "ISO 3166-1 alpha-2", examples: ["AZ"] })
)

export const CurrencyCode = Schema.String.pipe(
  Schema.filter((s) => CURRENCY_CODES.has(s) || "must be an ISO 4217 currency code in upper case (e.g. USD)"),
  Schema.annotations({ identifier: "CurrencyCode", description: "ISO 4217", examples: ["USD"] })
)

/** Status codes of a flow: snake_case, 1..64 characters. */
export const StatusCode = Schema.String.pipe(
  Schema.pattern(/^[a-z][a-z0-9_]{0,63}$/, { message: () => "must be a snake_case status code" })
)

export const PricingTier = RequiredText(64).annotations({ description: "A region's pricing tier, e.g. \"tier_1\"" })

/** A practical e-mail check: one @, a dot in the domain, no spaces. */
export const Email = Schema.String.pipe(
  Schema.maxLength(254, { message: () => "must be at most 254 characters" }),
  Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "must be a valid e-mail address" })
)

/** A positive database id (path segment or body field). */
export const Id = Schema.Number.pipe(
  Schema.int({ message: () => "must be an integer id" }),
  Schema.positive({ message: () => "must be a positive id" }),
  Schema.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER)
)

/** A positive id taken from a path segment. */
export const IdFromPath = Schema.NumberFromString.pipe(Schema.compose(Id))
