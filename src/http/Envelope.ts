/**
 * The error envelope of CONTRACT §1: `{message, code, errors?}`. Domain errors are
 * `Schema.TaggedError`s; `envelope(ErrorClass)` is the wire schema the API declares for them:
 * the same value in the handler, encoded without `_tag` and with a snake_case `code`
 * (`DuplicateReference` → `duplicate_reference`). The HTTP status is read from the class.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { FieldErrors } from "../domain/Errors.js"

export const ErrorEnvelope = Schema.Struct({
  message: Schema.String.annotations({ description: "One human sentence naming the first problem" }),
  code: Schema.String.annotations({ description: "Stable snake_case machine code" }),
  errors: Schema.optional(FieldErrors.annotations({ description: "Field paths in dot notation → messages" })),
  request_id: Schema.optional(Schema.String.annotations({ description: "The request's X-Request-Id, for support" }))
}).annotations({ identifier: "ErrorEnvelope" })

export const codeOf = (tag: string): string => tag.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()

interface ErrorClass<A> extends Schema.Schema<A, any, never> {
  readonly _tag: string
}

const cache = new Map<unknown, Schema.Schema<any, any, never>>()

export const envelope = <A>(errorClass: ErrorClass<A>): Schema.Schema<A, typeof ErrorEnvelope.Encoded, never> => {
  const cached = cache.get(errorClass)
  if (cached !== undefined) return cached
  const tag = errorClass._tag
  const code = codeOf(tag)
  const wire = Schema.Struct({
    message: Schema.String,
    code: Schema.Literal(code),
    errors: Schema.optional(FieldErrors)
  })
  const schema = Schema.transform(wire, errorClass as Schema.Schema<A, any, never>, {
    strict: false,
    decode: (body) => (body.errors === undefined
      ? { _tag: tag, message: body.message }
      : { _tag: tag, message: body.message, errors: body.errors }),
    encode: (error: { readonly message: string; readonly errors?: FieldErrors | undefined }) =>
      error.errors === undefined
        ? { message: error.message, code }
        : { message: error.message, code, errors: error.errors }
  }).annotations({
    identifier: tag,
    ...HttpApiSchema.annotations({ status: HttpApiSchema.getStatusError(errorClass) })
  }) as unknown as Schema.Schema<A, typeof ErrorEnvelope.Encoded, never>
  cache.set(errorClass, schema)
  return schema
}
