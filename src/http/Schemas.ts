/** Wire helpers shared by every group: the `{data}` wrapper, pages, id path segments. */
import { ParseResult, Schema } from "effect"

/** `{"data": ...}` (CONTRACT §1). */
export const DataOf = <S extends Schema.Schema.Any>(schema: S) => Schema.Struct({ data: schema })

/** `{"data": [...], "next_cursor": "..." | null}`. */
export const PageOf = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.Struct({ data: Schema.Array(schema), next_cursor: Schema.NullOr(Schema.String) })

/** Ids in paths are taken as strings and parsed by the handler, so "abc" is a 404, not a 422. */
export const IdPath = <K extends string>(name: K) =>
  Schema.Struct({ [name]: Schema.String } as { readonly [P in K]: typeof Schema.String })

/** `?limit=` as an integer 1..max (default applied by the handler). */
export const LimitParam = (max: number) =>
  Schema.NumberFromString.annotations({ message: () => "must be an integer" }).pipe(
    Schema.int({ message: () => "must be an integer" }),
    Schema.between(1, max, { message: () => `must be between 1 and ${max}` })
  )

/** Opaque page cursors over row ids (base64url of `c<id>`). */
export const encodeCursor = (id: number): string => Buffer.from(`c${id}`, "utf8").toString("base64url")

export const IdCursor = Schema.transformOrFail(Schema.String, Schema.Number, {
  strict: true,
  decode: (text, _, ast) => {
    const match = /^c([1-9][0-9]{0,15})$/.exec(Buffer.from(text, "base64url").toString("utf8"))
    const id = match === null ? Number.NaN : Number(match[1])
    return Number.isSafeInteger(id) && encodeCursor(id) === text
      ? ParseResult.succeed(id)
      : ParseResult.fail(new ParseResult.Type(ast, text, "must be a next_cursor returned by this endpoint"))
  },
  encode: (id) => ParseResult.succeed(encodeCursor(id))
}).annotations({ description: "The next_cursor of the previous page" })
