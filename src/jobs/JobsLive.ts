/**
 * The scheduled jobs the service runs. The pending-mapping resolver (issue 4) registers here.
 */
import { Layer } from "effect"

export const JobsLive = Layer.empty
