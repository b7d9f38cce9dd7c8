/**
 * Property-based bad input: bodies generated from the request schemas (Schema `Arbitrary`),
 * then mutated (wrong types, missing fields, huge strings, unicode, negative/huge numbers,
 * null everywhere, nested garbage) and posted. Never a 5xx; every rejection is the error
 * envelope; a rejected request writes nothing. Uses the fast-check bundled with effect (its
 * Arbitrary instances come from that copy).
 */
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, FastCheck as fc, Runtime, Schema } from "effect"
import { CreateOrderRequest, ParcelPatch } from "../src/domain/Order.js"
import { setupWorkspace, type Workspace } from "./support/Fixtures.js"
import { type Body, cancel, clearanceOrder, createOrder, patchParcel, postOrder, pudoPoint, rowCounts, type RowCounts, uniqueRef } from "./support/Orders.js"
import { call, type Response, TestAppLive } from "./support/TestApp.js"

// ------------------------------------------------------------ generators

const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(-1, -0.5, 0, 1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, 1e-9, 0.001, 1_000_001, 1e10),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constantFrom("", " ", "\u0000", "\ud800", "a\udfffb", "💥".repeat(200), "x".repeat(100_000), "USD", "usd", "fragile"),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.object({ maxDepth: 3 }),
  fc.anything({ maxDepth: 3 })
)

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }

/** Every path (object keys and array indexes) inside a JSON value. */
const pathsOf = (value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> => {
  const here = prefix.length > 0 ? [prefix] : []
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))]
  if (value !== null && typeof value === "object") {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))]
  }
  return here
}

const setAt = (root: Json, path: ReadonlyArray<string | number>, replace: (old: unknown) => unknown): Json => {
  if (path.length === 0) return replace(root) as Json
  const [head, ...rest] = path
  if (Array.isArray(root)) {
    const copy = [...root]
    if (rest.length === 0 && replace(copy[head as number]) === undefined) copy.splice(head as number, 1)
    else copy[head as number] = setAt(copy[head as number] ?? null, rest, replace)
    return copy
  }
  if (root !== null && typeof root === "object") {
    const copy: Record<string, Json> = { ...root }
    const next = rest.length === 0 ? replace(copy[head as string]) : setAt(copy[head as string] ?? null, rest, replace)
    if (next === undefined) delete copy[head as string]
    else copy[head as string] = next as Json
    return copy
  }
  return root
}

type Mutation =
  | { readonly kind: "none" }
  | { readonly kind: "set"; readonly at: number; readonly value: unknown }
  | { readonly kind: "delete"; readonly at: number }
  | { readonly kind: "add"; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: "nullEverywhere" }
  | { readonly kind: "replaceBody"; readonly value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: "none" as const }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: garbage }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      at: fc.nat(),
      key: fc.constantFrom("pudo_id", "region", "parent_region", "notes", "zip", "__proto__", "constructor", "extra"),
      value: garbage
    }),
    weight: 2
  },
  { arbitrary: fc.constant({ kind: "nullEverywhere" as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("replaceBody" as const), value: garbage }), weight: 1 }
)

const nullEverywhere = (value: Json): Json =>
  Array.isArray(value)
    ? value.map(nullEverywhere)
    : value !== null && typeof value === "object"
    ? Object.fromEntries(Object.keys(value).map((k) => [k, null]))
    : null

const mutate = (body: Json, m: Mutation): unknown => {
  const paths = pathsOf(body)
  const pick = (at: number) => paths.length === 0 ? [] : paths[at % paths.length]!
  switch (m.kind) {
    case "none":
      return body
    case "set":
      return setAt(body, pick(m.at), () => m.value)
    case "delete":
      return setAt(body, pick(m.at), () => undefined)
    case "add": {
      const objects = [[], ...paths].filter((p) => {
        let v: any = body
        for (const k of p) v = v?.[k]
        return v !== null && typeof v === "object" && !Array.isArray(v)
      })
      const target = objects[m.at % objects.length] ?? []
      return setAt(body, target, (old) => ({ ...(old as object), [m.key]: m.value }))
    }
    case "nullEverywhere":
      return nullEverywhere(body)
    case "replaceBody":
      return m.value
  }
}

/** Generated valid-shaped bodies (encoded), aimed at the workspace's real services half of the time. */
const createBodies = (ws: Workspace, pudoId: number) =>
  fc.tuple(
    Arbitrary.make(CreateOrderRequest),
    fc.constantFrom<ReadonlyArray<number | undefined>>(
      [ws.services.clearance.id],
      [ws.services.crossDocking.id],
      [ws.services.home.id],
      [ws.services.pudo.id],
      [undefined]
    ),
    fc.boolean()
  ).map(([value, [service], keepDestination]) => {
    const encoded = Schema.encodeSync(CreateOrderRequest)(value) as unknown as Record<string, Json>
    const body: Record<string, Json> = { ...encoded, order_id: uniqueRef("PO") }
    if (service !== undefined) body["service_id"] = service
    if (!keepDestination) {
      for (const f of ["parent_region", "region", "address_first", "address_second", "zip", "notes", "pudo_id"]) delete body[f]
      if (service === ws.services.home.id) Object.assign(body, { parent_region: "1", region: "2" })
      if (service === ws.services.pudo.id) body["pudo_id"] = pudoId
      delete body["consolidation_required"]
    }
    return body as Json
  })

// ------------------------------------------------------------ checks

const expectEnvelopeOrSuccess = (response: Response, successStatus: number) => {
  expect(response.status, JSON.stringify(response.body)?.slice(0, 500)).toBeLessThan(500)
  if (response.status === successStatus) return true
  expect([400, 404, 409, 422]).toContain(response.status)
  const body = response.body
  expect(typeof body.message).toBe("string")
  expect(body.message.length).toBeGreaterThan(0)
  expect(typeof body.code).toBe("string")
  expect(body.code).toMatch(/^[a-z][a-z_]*$/)
  expect(Object.keys(body).every((k) => ["message", "code", "errors"].includes(k))).toBe(true)
  if (body.errors !== undefined) {
    for (const [path, messages] of Object.entries(body.errors)) {
      expect(typeof path).toBe("string")
      expect(Array.isArray(messages) && (messages as Array<unknown>).every((m) => typeof m === "string")).toBe(true)
    }
  }
  return false
}

describe("orders: property-based bad input", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("create: a few hundred generated and mutated bodies — never 5xx, always the envelope, nothing written on rejection", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const point = yield* pudoPoint(ws.warehouse.country)
        const run = Runtime.runPromise(yield* Effect.runtime<any>())
        const outcomes = { accepted: 0, rejected: 0 }
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(createBodies(ws, point.id), mutation, async (valid, m) => {
              const body = mutate(valid, m)
              const before: RowCounts = await run(rowCounts)
              const response: Response = await run(
                body === undefined
                  ? call("POST", "/api/v1/orders", { token: ws.token })
                  : call("POST", "/api/v1/orders", { token: ws.token, rawBody: JSON.stringify(body) })
              )
              const after: RowCounts = await run(rowCounts)
              if (expectEnvelopeOrSuccess(response, 201)) {
                outcomes.accepted++
                const parcels = (body as { parcels: Array<unknown> }).parcels.length
                expect(after.orders - before.orders).toBe(1)
                expect(after.parcels - before.parcels).toBe(parcels)
                expect(after.status_events).toBe(before.status_events)
              } else {
                outcomes.rejected++
                expect(after).toEqual(before)
              }
            }),
            { numRuns: 300, seed: 20261127, endOnFailure: true }
          )
        )
        // the generator really exercises both sides
        expect(outcomes.accepted).toBeGreaterThan(10)
        expect(outcomes.rejected).toBeGreaterThan(100)
      }), { timeout: 240_000 })

    it.effect("patch and cancel: generated and mutated bodies — never 5xx, always the envelope", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const run = Runtime.runPromise(yield* Effect.runtime<any>())
        const body = clearanceOrder(ws)
        const order = yield* createOrder(ws, body)
        const itemId = (body as Body).parcels[0].item_id as string
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(Arbitrary.make(ParcelPatch), mutation, async (patch, m) => {
              const encoded = Schema.encodeSync(ParcelPatch)(patch) as unknown as Json
              const mutated = mutate(encoded, m)
              const response: Response = await run(
                mutated === undefined
                  ? call("PATCH", `/api/v1/orders/${order.order_id}/parcels/${itemId}`, { token: ws.token })
                  : patchParcel(ws.token, order.order_id, itemId, mutated)
              )
              expectEnvelopeOrSuccess(response, 200)
            }),
            { numRuns: 150, seed: 20261128, endOnFailure: true }
          )
        )
        const other = yield* createOrder(ws)
        yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(fc.oneof(garbage, fc.record({ reason: garbage })), async (value) => {
              const before: RowCounts = await run(rowCounts)
              const response: Response = await run(
                call("POST", `/api/v1/orders/${uniqueRef("nope")}/cancel`, { token: ws.token, rawBody: JSON.stringify(value) ?? "" })
              )
              expectEnvelopeOrSuccess(response, 200)
              expect(await run(rowCounts)).toEqual(before)
            }),
            { numRuns: 100, seed: 20261129, endOnFailure: true }
          )
        )
        // a valid cancel after all that still works, and the order is intact until then
        expect((yield* cancel(ws.token, other.order_id)).status).toBe(200)
        const get = yield* call("GET", `/api/v1/orders/${order.order_id}`, { token: ws.token })
        expect(get.status).toBe(200)
        const pathGarbage = yield* Effect.promise(() =>
          fc.assert(
            fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 40 }), async (ref) => {
              const response: Response = await run(postOrder(ws.token, { order_id: ref }))
              expectEnvelopeOrSuccess(response, 201)
              const lookup: Response = await run(
                call("GET", `/api/v1/orders/${encodeURIComponent(ref)}`, { token: ws.token })
              )
              expect(lookup.status).toBe(404)
              expect(lookup.body.code).toBe("not_found")
            }),
            { numRuns: 100, seed: 20261130, endOnFailure: true }
          ).then(() => "ok")
        )
        expect(pathGarbage).toBe("ok")
      }), { timeout: 240_000 })
  })
})
