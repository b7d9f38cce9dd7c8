/**
 * Turning request bytes into a JSON value, with every limit checked on the way: valid UTF-8
 * (nothing is ever stored with replacement characters), valid JSON, nested at most
 * MAX_JSON_DEPTH levels, no list longer than MAX_LIST_LENGTH, at most MAX_JSON_VALUES values.
 *
 * Small bodies (every ordinary request) are parsed inline. Larger ones are parsed on a worker
 * thread, so a multi-megabyte hostile body never blocks the event loop (`/health` and every
 * other request keep being answered); the worker hands back either an error or a value small
 * enough (by the limits above) to copy back cheaply.
 */
import { Effect } from "effect"
import { Worker } from "node:worker_threads"

/** A valid order nests 5 levels (body, parcels, parcel, products, product). */
export const MAX_JSON_DEPTH = 32
/** The longest list any endpoint takes (status-pool ack ids); parcels and products are ≤ 100. */
export const MAX_LIST_LENGTH = 1000
/** The largest valid order (100 parcels × 100 products, every field) holds ~75,000 values. */
export const MAX_JSON_VALUES = 200_000
/** Bodies up to this size are parsed on the event loop (~1 ms); larger ones on the worker. */
export const INLINE_PARSE_BYTES = 64 * 1024

export type JsonBodyResult =
  | { readonly _tag: "Parsed"; readonly value: unknown }
  | { readonly _tag: "NotUtf8" }
  | { readonly _tag: "NotJson" }
  | { readonly _tag: "TooDeep" }
  | { readonly _tag: "TooLong"; readonly path: string; readonly length: number }
  | { readonly _tag: "TooManyValues" }

/**
 * The whole check as one self-contained function: it runs inline and, as source text, on
 * the worker (so the worker needs no file of its own, under tsx, vitest or node dist/).
 */
function parseJsonBody(
  bytes: Uint8Array,
  limits: { readonly depth: number; readonly listLength: number; readonly values: number },
  utf8: { readonly decode: (input: Uint8Array) => string } = new TextDecoder("utf-8", { fatal: true })
): JsonBodyResult {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { _tag: "NotUtf8" }
  }
  let value: unknown
  try {
    value = text.trim() === "" ? null : JSON.parse(text)
  } catch {
    return { _tag: "NotJson" }
  }
  // iterative, so a hostile depth cannot overflow this walk's own stack; paths are built only
  // to name a list that is too long (a second walk: every ordinary body passes without them)
  const walk = (withPaths: boolean): JsonBodyResult | undefined => {
    const nodes: Array<unknown> = [value]
    const depths: Array<number> = [1]
    const paths: Array<string> = [""]
    let values = 0
    while (nodes.length > 0) {
      const node = nodes.pop()
      const depth = depths.pop()!
      const path = withPaths ? paths.pop()! : ""
      if (++values > limits.values) return { _tag: "TooManyValues" }
      if (typeof node !== "object" || node === null) continue
      if (depth > limits.depth) return { _tag: "TooDeep" }
      if (Array.isArray(node)) {
        if (node.length > limits.listLength) {
          return withPaths ? { _tag: "TooLong", path: path === "" ? "body" : path, length: node.length } : walk(true)
        }
        for (let i = 0; i < node.length; i++) {
          nodes.push(node[i])
          depths.push(depth + 1)
          if (withPaths) paths.push(path === "" ? `${i}` : `${path}.${i}`)
        }
      } else {
        for (const key in node) {
          nodes.push((node as Record<string, unknown>)[key])
          depths.push(depth + 1)
          if (withPaths) paths.push(path === "" ? key : `${path}.${key}`)
        }
      }
    }
    return undefined
  }
  return walk(false) ?? { _tag: "Parsed", value }
}

const LIMITS = { depth: MAX_JSON_DEPTH, listLength: MAX_LIST_LENGTH, values: MAX_JSON_VALUES } as const

/** One fatal decoder for the inline parses (a decoder holds no state between whole-buffer decodes). */
const UTF8 = new TextDecoder("utf-8", { fatal: true })

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads")
const parseJsonBody = ${parseJsonBody.toString()}
parentPort.on("message", ({ id, bytes, limits }) => {
  let result
  try { result = parseJsonBody(bytes, limits) } catch { result = { _tag: "NotJson" } }
  parentPort.postMessage({ id, result })
})
`

/** One worker, started on first use and kept; a crashed worker fails its requests and is replaced. */
const makeParserWorker = () => {
  let worker: Worker | undefined
  let nextId = 0
  const pending = new Map<number, (result: JsonBodyResult) => void>()

  const start = (): Worker => {
    // a worker heap cap keeps a hostile body from growing the process without bound
    const started = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } })
    started.unref()
    started.on("message", ({ id, result }: { id: number; result: JsonBodyResult }) => {
      const resolve = pending.get(id)
      pending.delete(id)
      resolve?.(result)
      if (pending.size === 0) started.unref()
    })
    const fail = () => {
      if (worker === started) worker = undefined
      for (const resolve of pending.values()) resolve({ _tag: "TooManyValues" })
      pending.clear()
    }
    started.on("error", fail)
    started.on("exit", fail)
    return started
  }

  return (bytes: Uint8Array): Effect.Effect<JsonBodyResult> =>
    Effect.async<JsonBodyResult>((resume) => {
      const current = (worker ??= start())
      const id = nextId++
      pending.set(id, (result) => resume(Effect.succeed(result)))
      current.ref()
      current.postMessage({ id, bytes, limits: LIMITS })
    })
}

const parseOnWorker = makeParserWorker()

/** The inline check of a small body (at most INLINE_PARSE_BYTES), for a caller outside an Effect. */
export const parseSmallJson = (bytes: Uint8Array): JsonBodyResult => parseJsonBody(bytes, LIMITS, UTF8)

/** Checks and parses a JSON body (see the module comment for the limits). */
export const parseJson = (bytes: Uint8Array): Effect.Effect<JsonBodyResult> =>
  bytes.byteLength <= INLINE_PARSE_BYTES ? Effect.sync(() => parseJsonBody(bytes, LIMITS, UTF8)) : parseOnWorker(bytes)
