/**
 * How repositories read rows: every result goes through a Schema (`decodeAll / decodeFirst /
 * decodeSingle`, the shapes of `SqlSchema.findAll / findOne / single` with each row schema's
 * decoder compiled once), so they work with whatever `SqlClient` configuration an embedder brings.
 *
 * - int8 columns (ids, counts) decode from a number (a client with an int8 type parser, like
 *   the service's) or a string (node-postgres' default);
 * - repositories use the client `withoutTransforms()`: they write and read snake_case names,
 *   whatever name transforms (camelCase results, ...) the embedder configured;
 * - a row that does not decode is a defect naming the schema (a bug or a foreign schema), never
 *   a typed domain error.
 */
import { SqlClient } from "@effect/sql"
import { Cause, Effect, ParseResult, Schema } from "effect"

/** The SqlClient as repositories use it: without the embedder's name transforms. */
export const RepositorySql = Effect.map(SqlClient.SqlClient, (sql) => sql.withoutTransforms())

/** An int8 column: a number, or the string node-postgres gives without a type parser. */
export const Int8 = Schema.Union(Schema.Number, Schema.NumberFromString)

/** An optional int8 column. */
export const NullableInt8 = Schema.NullOr(Int8)

/** A timestamptz column (node-postgres gives a Date). */
export const Timestamptz = Schema.DateFromSelf

type Decoded<A, E, R> = Effect.Effect<A, Exclude<E, ParseResult.ParseError | Cause.NoSuchElementException>, R>

const defects = <A, E, R>(effect: Effect.Effect<A, E, R>): Decoded<A, E, R> =>
  Effect.catchIf(
    effect,
    (e): e is Extract<E, ParseResult.ParseError | Cause.NoSuchElementException> =>
      ParseResult.isParseError(e) || Cause.isNoSuchElementException(e),
    (e) =>
      Effect.die(
        ParseResult.isParseError(e)
          ? new Error(`a database row does not fit its schema: ${ParseResult.TreeFormatter.formatErrorSync(e)}`)
          : new Error("the statement returned no row where one is always expected")
      )
  ) as Decoded<A, E, R>

/**
 * The decoder of a row schema, compiled once per schema. (`SqlSchema.findAll({ Result })`
 * builds a new `Schema.Array(Result)` — a new class and a newly compiled parser — each time it
 * is called; called per query, that was 2.9 % of the service's busy CPU under the create load.)
 */
const compiledOnce = <D>(compile: (schema: Schema.Schema<any, any>) => D) => {
  const compiled = new WeakMap<Schema.Schema<any, any>, D>()
  return (schema: Schema.Schema<any, any>): D => {
    let decoder = compiled.get(schema)
    if (decoder === undefined) compiled.set(schema, decoder = compile(schema))
    return decoder
  }
}
const rowsDecoder = compiledOnce((schema) => Schema.decodeUnknown(Schema.Array(schema)))
const rowDecoder = compiledOnce((schema) => Schema.decodeUnknown(schema))

/** Every row, decoded. */
export const decodeAll = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode: (rows: unknown) => Effect.Effect<ReadonlyArray<A>, ParseResult.ParseError> = rowsDecoder(schema)
  return <E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) => defects(Effect.flatMap(query, decode))
}

/** The first row decoded, or undefined when there is none. */
export const decodeFirst = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode: (row: unknown) => Effect.Effect<A, ParseResult.ParseError> = rowDecoder(schema)
  return <E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    defects(Effect.flatMap(query, (rows) => rows.length > 0 ? decode(rows[0]) : Effect.succeed(undefined)))
}

/** The one row a statement always returns (`returning`, aggregates), decoded. */
export const decodeSingle = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode: (row: unknown) => Effect.Effect<A, ParseResult.ParseError> = rowDecoder(schema)
  return <E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    defects(
      Effect.flatMap(query, (rows): Effect.Effect<A, ParseResult.ParseError | Cause.NoSuchElementException> =>
        rows.length > 0 ? decode(rows[0]) : Effect.fail(new Cause.NoSuchElementException()))
    )
}

/** An int8 id column decoded into a branded id of domain/Ids.ts. */
export const Int8Id = <B>(id: Schema.Schema<B, number>) => Schema.compose(Int8, id)
