/**
 * Writes the partner and operator OpenAPI documents to a directory (default `openapi/`), for the
 * linters (`npm run lint:openapi`) and for tools that read a file: `tsx scripts/openapi-documents.ts DIR`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { operatorOpenApi, partnerOpenApi } from "../src/http/Api.js"

const dir = path.resolve(process.argv[2] ?? "openapi")
fs.mkdirSync(dir, { recursive: true })
fs.writeFileSync(path.join(dir, "partner.json"), JSON.stringify(partnerOpenApi(), null, 2) + "\n")
fs.writeFileSync(path.join(dir, "operator.json"), JSON.stringify(operatorOpenApi(), null, 2) + "\n")
console.log(`wrote ${dir}/partner.json and ${dir}/operator.json`)
