/**
 * How repositories read rows: every result goes through a Schema (`SqlSchema.findAll /
 * findOne / single`), so they work with whatever `SqlClient` configuration an embedder brings.
 *
 * - int8 columns (ids, counts) decode from a number (a client with an int8 type parser, like
 *   the service's) or a string (node-postgres' default);
 * - repositories use the client `withoutTransforms()`: they write and read snake_case names,
 *   whatever name transforms (camelCase results, ...) the embedder configured;
 * - a row that does not decode is a defect naming the schema (a bug or a foreign schema), never
 *   a typed domain error.
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { Cause, Effect, Option, ParseResult, Schema } from "effect"

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

/** Every row, decoded. */
export const decodeAll = <A, I>(schema: Schema.Schema<A, I>) =>
<E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
  defects(SqlSchema.findAll({ Request: Schema.Void, Result: schema, execute: () => query })(undefined))

/** The first row decoded, or undefined when there is none. */
export const decodeFirst = <A, I>(schema: Schema.Schema<A, I>) =>
<E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
  defects(
    SqlSchema.findOne({ Request: Schema.Void, Result: schema, execute: () => query })(undefined).pipe(
      Effect.map(Option.getOrUndefined)
    )
  )

/** The one row a statement always returns (`returning`, aggregates), decoded. */
export const decodeSingle = <A, I>(schema: Schema.Schema<A, I>) =>
<E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
  defects(SqlSchema.single({ Request: Schema.Void, Result: schema, execute: () => query })(undefined))

/** An int8 id column decoded into a branded id of domain/Ids.ts. */
export const Int8Id = <B>(id: Schema.Schema<B, number>) => Schema.compose(Int8, id)
