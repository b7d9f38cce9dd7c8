/**
 * The domain's settings. A `Context.Reference`: an embedder that provides nothing gets the
 * defaults below; the service provides the values it reads from STARMILE_* environment
 * variables (`DomainConfigFromEnv` in src/AppConfig.ts). The domain never reads the environment.
 */
import { Context, Duration, Layer } from "effect"

/** Settings of the domain services (token lifetime, resolver cadence and batch size). */
export interface DomainSettings {
  /** Seconds an access token lives (60–86400). */
  readonly tokenTtlSeconds: number
  /** How often the scheduled resolver runs (`JobsLive`). */
  readonly resolverInterval: Duration.Duration
  /** Orders the resolver updates per transaction. */
  readonly resolverBatchSize: number
}

/** The defaults an embedder gets when it provides no `DomainConfig`. */
export const defaultDomainSettings: DomainSettings = {
  tokenTtlSeconds: 3600,
  resolverInterval: Duration.seconds(30),
  resolverBatchSize: 5000
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
