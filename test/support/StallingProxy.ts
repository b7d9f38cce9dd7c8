/**
 * A TCP proxy between the service and PostgreSQL that can stall: while stalled, it accepts
 * connections and bytes but forwards nothing (as a frozen server or a black-holed network
 * looks to the client); resumed, it forwards what it held back.
 */
import { Effect } from "effect"
import * as net from "node:net"

export interface StallingProxy {
  readonly port: number
  readonly stall: () => void
  readonly resume: () => void
}

export const stallingProxy = (target: { readonly host: string; readonly port: number }) =>
  Effect.acquireRelease(
    Effect.async<{ proxy: StallingProxy; server: net.Server; sockets: Set<net.Socket> }>((resume) => {
      let stalled = false
      const held: Array<() => void> = []
      const sockets = new Set<net.Socket>()
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on("data", (chunk) => {
          if (stalled) held.push(() => to.write(chunk))
          else to.write(chunk)
        })
      const server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host)
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.on("error", () => {})
          socket.on("close", () => {
            sockets.delete(socket)
            client.destroy()
            upstream.destroy()
          })
        }
        forward(client, upstream)
        forward(upstream, client)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo
        resume(Effect.succeed({
          server,
          sockets,
          proxy: {
            port: address.port,
            stall: () => {
              stalled = true
            },
            resume: () => {
              stalled = false
              for (const send of held.splice(0)) send()
            }
          }
        }))
      })
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))
