import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { JobRegistry, UnknownJob } from "../jobs/Jobs.js"
import { StarmileApi } from "./Api.js"

export const JobsHttpLive = HttpApiBuilder.group(StarmileApi, "jobs", (handlers) =>
  Effect.map(JobRegistry, (registry) =>
    handlers
      .handle("listJobs", () => registry.status.pipe(Effect.orDie, Effect.map((data) => ({ data, next_cursor: null }))))
      .handle("runJob", ({ path }) =>
        registry.run(path.name, "http").pipe(
          // an unknown name is the caller's mistake; anything else is ours (503/500 envelope)
          Effect.catchAll((e) => e instanceof UnknownJob ? Effect.fail(e) : Effect.die(e)),
          Effect.map((data) => ({ data }))
        ))))
