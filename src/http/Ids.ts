/** Path ids arrive as strings: anything that is not a positive integer cannot exist → 404. */
import { Effect } from "effect"
import { NotFound } from "../domain/Errors.js"
import { PartnerId, ServiceId } from "../domain/Ids.js"

export const parseId = (raw: string, what: string): Effect.Effect<number, NotFound> => {
  const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN
  return Number.isSafeInteger(id) ? Effect.succeed(id) : Effect.fail(NotFound.of(what, raw))
}

/** A path's partner id (branded). */
export const parsePartnerId = (raw: string): Effect.Effect<PartnerId, NotFound> =>
  Effect.map(parseId(raw, "Partner"), (id) => PartnerId.make(id))

/** A path's service id (branded). */
export const parseServiceId = (raw: string): Effect.Effect<ServiceId, NotFound> =>
  Effect.map(parseId(raw, "Service"), (id) => ServiceId.make(id))
