/**
 * The Starmile domain as a library: schemas, typed errors, the domain services and their
 * layers. An Effect app provides a `SqlClient` for PostgreSQL (e.g. `PgClient.layer({ url })`
 * from @effect/sql-pg, any type parsers or name transforms), runs `runMigrations` and uses the
 * services; no HTTP, no environment variables (settings: `DomainConfig`, defaults when omitted),
 * no embedded database (that is the service's, src/main.ts).
 */
import { Layer } from "effect"
import { Billing } from "./domain/Billing.js"
import { CatalogueService } from "./domain/CatalogueService.js"
import { Credentials } from "./domain/Credentials.js"
import { Orders } from "./domain/Orders.js"
import { ParcelFlow } from "./domain/ParcelFlow.js"
import { PendingMappingResolver } from "./domain/PendingMappingResolver.js"
import { RegionMappings } from "./domain/RegionMappings.js"
import { StatusPool } from "./domain/StatusPool.js"
import { JobRegistry } from "./jobs/Jobs.js"
import { CacheInvalidation } from "./persistence/CacheInvalidation.js"
import { RepositoriesLive } from "./persistence/Repositories.js"

// ---------------------------------------------------------------- schemas and errors
export * from "./domain/Catalogue.js"
export * from "./domain/Errors.js"
export {
  type OAuthError,
  InvalidClient,
  InvalidRequest,
  InvalidScope,
  type PartnerPrincipal,
  UnsupportedGrantType
} from "./domain/Auth.js"
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
  ProductView,
  ServiceUnavailableForPartner
} from "./domain/Order.js"
export {
  AmbiguousParcelCode,
  BackwardMove,
  ParcelCancelled,
  ParcelScan,
  ScannedParcel,
  StatusNotInFlow
} from "./domain/ParcelFlow.js"
export { RateAlreadyExists, WarehouseCodeTaken } from "./domain/CatalogueService.js"
export { InvoiceLine, type InvoicePage, OperatorInvoiceLine } from "./domain/Billing.js"
export { AckRequest, AckResult, type PoolPage, StatusEvent } from "./domain/StatusPool.js"
export { isValidTracking } from "./domain/Tracking.js"
export { OrderId, ParcelId, PartnerId, ServiceId, WarehouseId } from "./domain/Ids.js"
export { JobRunResult, JobStatus, UnknownJob } from "./jobs/Jobs.js"

// ---------------------------------------------------------------- services
export { Billing } from "./domain/Billing.js"
export { CatalogueService } from "./domain/CatalogueService.js"
export { Credentials, type IssuedToken, type TokenRequest } from "./domain/Credentials.js"
export { DomainConfig, type DomainSettings, defaultDomainSettings } from "./domain/DomainConfig.js"
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type OrderActor, type OrderPage, Orders } from "./domain/Orders.js"
export { ParcelFlow } from "./domain/ParcelFlow.js"
export { PendingMappingResolver } from "./domain/PendingMappingResolver.js"
export { RegionMappings, type SavedMapping } from "./domain/RegionMappings.js"
export { StatusPool } from "./domain/StatusPool.js"
export { type JobDefinition, JobRegistry, type JobTrigger, RESOLVE_PENDING_MAPPINGS } from "./jobs/Jobs.js"

// ---------------------------------------------------------------- repositories (the domain's ports)
export { CatalogueRepo } from "./domain/repositories/CatalogueRepo.js"
export { CredentialsRepo } from "./domain/repositories/CredentialsRepo.js"
export { InvoicesRepo } from "./domain/repositories/InvoicesRepo.js"
export { JobRunsRepo } from "./domain/repositories/JobRunsRepo.js"
export { OrdersRepo } from "./domain/repositories/OrdersRepo.js"
export { ParcelsRepo } from "./domain/repositories/ParcelsRepo.js"
export { RegionMappingsRepo } from "./domain/repositories/RegionMappingsRepo.js"
export { StatusPoolRepo } from "./domain/repositories/StatusPoolRepo.js"
export { Transaction } from "./domain/repositories/Transaction.js"

// ---------------------------------------------------------------- layers
export { JobsLive } from "./jobs/JobsLive.js"
export { runMigrations } from "./persistence/Migrations.js"
export { RepositoriesLive } from "./persistence/Repositories.js"
/** The LISTEN/NOTIFY channel that keeps every instance's caches honest (README "The create path"). */
export { CacheInvalidation } from "./persistence/CacheInvalidation.js"

/**
 * Every domain service (CatalogueService, Credentials, Orders, RegionMappings,
 * PendingMappingResolver, JobRegistry, ParcelFlow, StatusPool, Billing) over the PostgreSQL
 * repositories; needs only a `SqlClient`. Settings: `DomainConfig` (defaults when omitted).
 */
export const DomainLive = Layer.mergeAll(
  // the same layer value as inside RepositoriesLive: one listener per build, visible to the embedder
  CacheInvalidation.Default,
  CatalogueService.Default,
  Credentials.Default,
  Orders.Default,
  RegionMappings.Default,
  PendingMappingResolver.Default,
  JobRegistry.Default,
  ParcelFlow.Default,
  StatusPool.Default,
  Billing.Default
).pipe(Layer.provide(RepositoriesLive))
