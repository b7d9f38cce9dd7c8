/**
 * Generates TypeScript types from the partner OpenAPI document with openapi-typescript, into
 * test/generated/partner-api.ts (checked in; test/typed-client.test.ts fails when it is stale).
 * `tsx scripts/openapi-types.ts` rewrites it.
 */
import * as fs from "node:fs"
import { partnerTypes, PARTNER_TYPES_FILE } from "../test/support/PartnerTypes.js"

fs.writeFileSync(PARTNER_TYPES_FILE, await partnerTypes())
console.log(`wrote ${PARTNER_TYPES_FILE}`)
