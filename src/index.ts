/**
 * Embeddable layers: another Effect app provides a SqlClient/PgClient (e.g. `pgClientLayer`)
 * and gets the domain services, without HTTP.
 */
import { Layer } from "effect"
import { CatalogueService } from "./domain/CatalogueService.js"
import { Billing } from "./domain/Billing.js"
import { Credentials } from "./domain/Credentials.js"
import { Orders } from "./domain/Orders.js"
import { ParcelFlow } from "./domain/ParcelFlow.js"
import { StatusPool } from "./domain/StatusPool.js"
import { RegionMappings } from "./domain/RegionMappings.js"
import { JobRegistry } from "./jobs/Jobs.js"
import { CacheInvalidation } from "./persistence/CacheInvalidation.js"

export * from "./domain/Catalogue.js"
export * from "./domain/Errors.js"
export { CatalogueService } from "./domain/CatalogueService.js"
export { Credentials } from "./domain/Credentials.js"
export {
  Clearance,
  CrossDocking,
  Destination,
  destinationFor,
  DestinationInvalid,
  DestinationView,
  HomeDelivery,
  PudoDelivery,
  RegionStatus
} from "./domain/Destination.js"
export {
  CancelledOrder,
  CancelRequest,
  ConsolidationNotEnabled,
  CreatedOrder,
  CreateOrderRequest,
  DuplicateReference,
  OrderNotModifiable,
  OrderView,
  PackageType,
  ParcelPatch,
  ParcelView,
  ServiceUnavailableForPartner
} from "./domain/Order.js"
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type OrderActor, type OrderPage, Orders } from "./domain/Orders.js"
export { Billing } from "./domain/Billing.js"
export { ParcelFlow } from "./domain/ParcelFlow.js"
export { StatusPool } from "./domain/StatusPool.js"
export { RegionMappings } from "./domain/RegionMappings.js"
export { JobRegistry, RESOLVE_PENDING_MAPPINGS } from "./jobs/Jobs.js"
export { JobsLive } from "./jobs/JobsLive.js"
export { PendingMappingResolver } from "./jobs/PendingMappingResolver.js"
export { CacheInvalidation } from "./persistence/CacheInvalidation.js"
export { DatabaseLive, pgClientLayer } from "./persistence/Database.js"
export { runMigrations } from "./persistence/Migrations.js"

/** Every domain service, needing only a SqlClient (and config for token lifetime). */
export const DomainLive = Layer.mergeAll(
  CacheInvalidation.Default,
  CatalogueService.Default,
  Credentials.Default,
  Orders.Default,
  RegionMappings.Default,
  JobRegistry.Default,
  ParcelFlow.Default,
  StatusPool.Default,
  Billing.Default
)
