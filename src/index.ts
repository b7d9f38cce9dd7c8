/**
 * Embeddable layers: another Effect app provides a SqlClient/PgClient (e.g. `pgClientLayer`)
 * and gets the domain services, without HTTP.
 */
import { Layer } from "effect"
import { CatalogueService } from "./domain/CatalogueService.js"
import { Credentials } from "./domain/Credentials.js"

export * from "./domain/Catalogue.js"
export * from "./domain/Errors.js"
export { CatalogueService } from "./domain/CatalogueService.js"
export { Credentials } from "./domain/Credentials.js"
export { DatabaseLive, pgClientLayer } from "./persistence/Database.js"
export { runMigrations } from "./persistence/Migrations.js"

/** Every domain service, needing only a SqlClient (and config for token lifetime). */
export const DomainLive = Layer.mergeAll(CatalogueService.Default, Credentials.Default)
