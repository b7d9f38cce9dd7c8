import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decideMove } from "../src/domain/ParcelFlow.js"

const steps = ["created", "received", "sorted", "delivered"]
const at = (status: string, stepIndex: number) => ({ tracking: "SP000000345AZ", status, stepIndex })

describe("decideMove (the forward-only rule)", () => {
  it("moves forward one step or several", () => {
    expect(decideMove(steps, at("created", 0), "received")).toEqual(
      Either.right({ _tag: "Advance", from: "created", to: "received", toIndex: 1 })
    )
    expect(decideMove(steps, at("created", 0), "delivered")).toEqual(
      Either.right({ _tag: "Advance", from: "created", to: "delivered", toIndex: 3 })
    )
  })

  it("the current status again is a no-op", () => {
    expect(decideMove(steps, at("sorted", 2), "sorted")).toEqual(Either.right({ _tag: "Unchanged" }))
  })

  it("refuses going back, a status outside the flow, and any move of a cancelled parcel", () => {
    const tag = (result: ReturnType<typeof decideMove>) => Either.isLeft(result) ? result.left._tag : "moved"
    expect(tag(decideMove(steps, at("sorted", 2), "received"))).toBe("BackwardMove")
    expect(tag(decideMove(steps, at("created", 0), "teleported"))).toBe("StatusNotInFlow")
    expect(tag(decideMove(steps, at("created", 0), "cancelled"))).toBe("StatusNotInFlow")
    expect(tag(decideMove(steps, at("cancelled", 0), "received"))).toBe("ParcelCancelled")
    expect(tag(decideMove(steps, at("cancelled", 0), "cancelled"))).toBe("ParcelCancelled")
  })
})
