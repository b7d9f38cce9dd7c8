/**
 * Small reusable Schema building blocks with the limits of the contract. Messages are written
 * for partners: they end up verbatim in the `errors` map of a 422.
 */
import { Either, ParseResult, Schema, SchemaAST } from "effect"
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

/** A list stops being checked after this many failing elements: a refusal costs a bounded amount. */
export const MAX_FAILING_ELEMENTS = 5

const decodeElements = <A>(
  input: ReadonlyArray<unknown>,
  decodeElement: (u: unknown, options?: SchemaAST.ParseOptions) => Either.Either<A, ParseResult.ParseIssue>,
  options: SchemaAST.ParseOptions,
  ast: SchemaAST.AST
): Either.Either<ReadonlyArray<A>, ParseResult.ParseIssue> => {
  const all = options.errors === "all"
  const output: Array<A> = []
  const issues: Array<ParseResult.ParseIssue> = []
  for (let i = 0; i < input.length; i++) {
    const result = decodeElement(input[i], options)
    if (result._tag === "Right") {
      output.push(result.right)
      continue
    }
    issues.push(new ParseResult.Pointer(i, input, result.left))
    if (!all || issues.length >= MAX_FAILING_ELEMENTS) break
  }
  return issues.length === 0
    ? Either.right(output)
    : Either.left(new ParseResult.Composite(ast, input, issues as [ParseResult.ParseIssue, ...Array<ParseResult.ParseIssue>]))
}

/**
 * A list whose length is checked before any element is decoded, so refusing an oversized list
 * costs the same whatever its elements hold. Documented (JSON Schema, OpenAPI) as the plain
 * array with minItems/maxItems it decodes like.
 */
export const BoundedArray = <S extends Schema.Schema.Any>(
  item: S,
  limits: { readonly min?: number; readonly max: number; readonly noun: string }
): Schema.Schema<ReadonlyArray<Schema.Schema.Type<S>>, ReadonlyArray<Schema.Schema.Encoded<S>>, Schema.Schema.Context<S>> => {
  const min = limits.min ?? 0
  const tooFew = `must have at least ${min} ${limits.noun}`
  const tooMany = `must have at most ${limits.max} ${limits.noun}`
  const array = Schema.Array(item) as Schema.Array$<Schema.Schema.Any>
  const documented: Schema.Schema.Any = (min > 0 ? array.pipe(Schema.minItems(min, { message: () => tooFew })) : array).pipe(
    Schema.maxItems(limits.max, { message: () => tooMany })
  )
  return Schema.declare(
    [item],
    {
      decode: (element) => {
        const decodeElement = ParseResult.decodeUnknownEither(element)
        return (input, options, ast) => {
          if (!Array.isArray(input)) return ParseResult.fail(new ParseResult.Type(ast, input, "must be a list"))
          if (input.length > limits.max || input.length < min) {
            return ParseResult.fail(new ParseResult.Type(ast, input, input.length > limits.max ? tooMany : tooFew))
          }
          return decodeElements(input, decodeElement, options, ast)
        }
      },
      encode: (element) => {
        const encodeArray = ParseResult.encodeUnknown(Schema.Array(element))
        return (input, options) => encodeArray(input, options)
      }
    },
    {
      [SchemaAST.SurrogateAnnotationId]: documented.ast,
      arbitrary: (element) => (fc) => fc.array(element(fc), { minLength: min, maxLength: limits.max })
    }
  ) as any
}
