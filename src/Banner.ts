/** The start-up banner of the embedded demo mode: how to make the first call. */
import type { DemoCredentials } from "./DemoSeed.js"

export const demoBanner = (options: { port: number; operatorToken: string; demo: DemoCredentials }): string => {
  const base = `http://127.0.0.1:${options.port}`
  return [
    "",
    "Starmile hub is running (embedded PostgreSQL, demo workspace).",
    `  API docs        ${base}/docs`,
    `  Operator token  ${options.operatorToken}`,
    `  Client id       ${options.demo.client_id}`,
    `  Client secret   ${options.demo.client_secret}`,
    "",
    "First call (token, then the demo services):",
    `  TOKEN=$(curl -s -X POST ${base}/api/v1/oauth/token -H 'Content-Type: application/json' \\`,
    `    -d '{"grant_type":"client_credentials","client_id":"${options.demo.client_id}","client_secret":"${options.demo.client_secret}"}' \\`,
    `    | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `  curl -s ${base}/api/v1/services -H "Authorization: Bearer $TOKEN"`,
    ""
  ].join("\n")
}
