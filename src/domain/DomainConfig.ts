/**
 * The domain's settings. A `Context.Reference`: an embedder that provides nothing gets the
 * defaults below; the service provides the values it reads from STARMILE_* environment
 * variables (`DomainConfigFromEnv` in src/AppConfig.ts). The domain never reads the environment.
 */
import { Context, Duration, Layer } from "effect"

/** Settings of the domain services (token lifetime, resolver cadence and batch size, create queue). */
export interface DomainSettings {
  /** Seconds an access token lives (60–86400). */
  readonly tokenTtlSeconds: number
  /** How often the scheduled resolver runs (`JobsLive`). */
  readonly resolverInterval: Duration.Duration
  /** Orders the resolver updates per transaction. */
  readonly resolverBatchSize: number
  /**
   * How long a create may wait for one of the writers that batch creates before it fails as a
   * database that cannot be reached (the service uses its pool's acquire timeout).
   */
  readonly createQueueWait: Duration.Duration
}

/** The defaults an embedder gets when it provides no `DomainConfig`. */
export const defaultDomainSettings: DomainSettings = {
  tokenTtlSeconds: 3600,
  resolverInterval: Duration.seconds(30),
  resolverBatchSize: 5000,
  createQueueWait: Duration.seconds(2)
}

/** The domain's settings; defaults when not provided. */
export class DomainConfig extends Context.Reference<DomainConfig>()("starmile/DomainConfig", {
  defaultValue: (): DomainSettings => defaultDomainSettings
}) {
  /** A layer with some settings overridden (the rest keep their defaults). */
  static layer(settings: Partial<DomainSettings>): Layer.Layer<DomainConfig> {
    return Layer.succeed(DomainConfig, { ...defaultDomainSettings, ...settings })
  }
}
