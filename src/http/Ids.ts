/** Path ids arrive as strings: anything that is not a positive integer cannot exist → 404. */
import { Effect } from "effect"
import { NotFound } from "../domain/Errors.js"

export const parseId = (raw: string, what: string): Effect.Effect<number, NotFound> => {
  const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN
  return Number.isSafeInteger(id) ? Effect.succeed(id) : Effect.fail(NotFound.of(what, raw))
}
