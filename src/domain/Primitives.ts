/**
 * Small reusable Schema building blocks with the limits of the contract. Messages are written
 * for partners: they end up verbatim in the `errors` map of a 422.
 */
import { Schema } from "effect"
import { COUNTRY_CODES, CURRENCY_CODES } from "./IsoCodes.js"

/** A NUL character or an unpaired UTF-16 surrogate: PostgreSQL text (and jsonb) refuses both. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Text PostgreSQL can store: checked before it reaches SQL, so it is a 422, not a 503. */
export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s)

const storable = <S extends Schema.Schema<string, string, never>>(schema: S) =>
  schema.pipe(Schema.filter((s: string) => isStorableText(s) || "must not contain NUL characters or unpaired surrogates"))

/** A string of 1..max characters after trimming; stored trimmed. */
export const RequiredText = (max: number) =>
  storable(Schema.Trim.pipe(
    Schema.minLength(1, { message: () => "must not be empty" }),
    Schema.maxLength(max, { message: () => `must be at most ${max} characters` })
  ))

/** An optional free text of at most `max` characters (empty allowed), stored as sent. */
export const Text = (max: number) =>
  storable(Schema.String.pipe(Schema.maxLength(max, { message: () => `must be at most ${max} characters` })))

/**
 * An optional field of a request body: absent or a valid value. Exact (not `X | undefined`), so
 * a bad value is reported once, on its own path, without "expected undefined" noise.
 */
export const optionalField = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { exact: true })

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
    // exact at every magnitude in range (a fixed tolerance on n × 100 is not, above ~1e8)
    Schema.filter((n) => Number(n.toFixed(2)) === n || "must have at most 2 decimals")
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

/**
 * A practical e-mail check: a local part of printable characters without spaces, `@`, a domain
 * of dot-separated labels (letters, digits, hyphens; unicode allowed) ending in a 2+ letter TLD.
 */
export const Email = Schema.String.pipe(
  Schema.maxLength(254, { message: () => "must be at most 254 characters" }),
  Schema.pattern(
    /^[^\s@\u0000-\u001f"(),:;<>[\]\\]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u,
    { message: () => "must be a valid e-mail address" }
  ),
  Schema.filter((s) => isStorableText(s) || "must be a valid e-mail address")
)

/** A positive database id (path segment or body field). */
export const Id = Schema.Number.pipe(
  Schema.int({ message: () => "must be an integer id" }),
  Schema.positive({ message: () => "must be a positive id" }),
  Schema.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER)
)
