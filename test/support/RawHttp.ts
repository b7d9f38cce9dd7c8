/**
 * Requests with exact bytes and headers (no Content-Type at all, invalid UTF-8, multipart...)
 * to the in-process test server, each bounded by a client timeout so a request the server
 * never answers fails the test instead of hanging it.
 */
import { HttpServer } from "@effect/platform"
import { Effect } from "effect"
import * as http from "node:http"

export interface RawResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any
  readonly bytes: number
  readonly ms: number
}

export const rawRequest = (
  method: string,
  path: string,
  options: { readonly headers?: Record<string, string>; readonly body?: string | Buffer; readonly timeoutMs?: number } = {}
) =>
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const address = server.address
    if (address._tag !== "TcpAddress") return yield* Effect.die("the test server listens on TCP")
    const started = performance.now()
    return yield* Effect.async<RawResponse, Error>((resume) => {
      const request = http.request(
        { host: "127.0.0.1", port: address.port, method, path, headers: options.headers ?? {}, timeout: options.timeoutMs ?? 10_000 },
        (response) => {
          const chunks: Array<Buffer> = []
          response.on("data", (chunk: Buffer) => chunks.push(chunk))
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8")
            let body: unknown = text
            try {
              body = text === "" ? undefined : JSON.parse(text)
            } catch {
              // not JSON: keep the text
            }
            resume(Effect.succeed({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body,
              bytes: text.length,
              ms: performance.now() - started
            }))
          })
        }
      )
      request.on("timeout", () => request.destroy(new Error(`no answer to ${method} ${path} within the client timeout`)))
      request.on("error", (error) => resume(Effect.fail(error)))
      request.end(options.body)
    })
  })
