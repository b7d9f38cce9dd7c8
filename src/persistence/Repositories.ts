/**
 * Every repository of domain/repositories/ implemented over a `SqlClient` (any configuration:
 * rows are decoded, names are used without transforms), plus the transaction helper.
 */
import { Layer } from "effect"
import { CacheInvalidation } from "./CacheInvalidation.js"
import { CatalogueRepoLive } from "./CatalogueRepo.js"
import { CredentialsRepoLive } from "./CredentialsRepo.js"
import { InvoicesRepoLive } from "./InvoicesRepo.js"
import { JobRunsRepoLive } from "./JobRunsRepo.js"
import { OrdersRepoLive } from "./OrdersRepo.js"
import { ParcelsRepoLive } from "./ParcelsRepo.js"
import { RegionMappingsRepoLive } from "./RegionMappingsRepo.js"
import { TransactionLive } from "./SqlErrors.js"
import { StatusPoolRepoLive } from "./StatusPoolRepo.js"

/**
 * The repositories, the transaction helper and the cache invalidation they share; needs a
 * `SqlClient` (and uses a `PgClient` for LISTEN/NOTIFY when there is one).
 */
export const RepositoriesLive = Layer.mergeAll(
  CatalogueRepoLive,
  CredentialsRepoLive,
  InvoicesRepoLive,
  JobRunsRepoLive,
  OrdersRepoLive,
  ParcelsRepoLive,
  RegionMappingsRepoLive,
  StatusPoolRepoLive,
  TransactionLive
).pipe(Layer.provideMerge(CacheInvalidation.Default))
