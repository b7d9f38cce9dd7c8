import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import {
  billableWeightGrams,
  chargeableKg,
  chargeFor,
  isBillable,
  isDue,
  mostSpecificRate,
  rateMatches
} from "../src/domain/Billing.js"
import { decideMove } from "../src/domain/ParcelFlow.js"

const STEPS = ["created", "received", "sorted", "delivered"]
const at = (status: string, stepIndex = STEPS.indexOf(status)) => ({ tracking: "SP000000011AZ", status, stepIndex })

describe("decideMove (forward-only flow)", () => {
  it("moves forward one step", () => {
    expect(decideMove(STEPS, at("created"), "received")).toEqual(
      Either.right({ _tag: "Advance", from: "created", to: "received", toIndex: 1 })
    )
  })

  it("may skip steps", () => {
    expect(decideMove(STEPS, at("created"), "delivered")).toEqual(
      Either.right({ _tag: "Advance", from: "created", to: "delivered", toIndex: 3 })
    )
  })

  it("the current status again is a no-op", () => {
    expect(decideMove(STEPS, at("sorted"), "sorted")).toEqual(Either.right({ _tag: "Unchanged" }))
    expect(decideMove(STEPS, at("created"), "created")).toEqual(Either.right({ _tag: "Unchanged" }))
  })

  it("refuses to go backwards", () => {
    const result = decideMove(STEPS, at("sorted"), "received")
    expect(Either.isLeft(result) && result.left._tag).toBe("BackwardMove")
    const toFirst = decideMove(STEPS, at("delivered"), "created")
    expect(Either.isLeft(toFirst) && toFirst.left._tag).toBe("BackwardMove")
  })

  it("refuses a status that is not a step of the flow, whatever its case or spelling", () => {
    for (const status of ["lost", "Received", "received ", "cancelled", ""]) {
      const result = decideMove(STEPS, at("created"), status)
      expect(Either.isLeft(result) && result.left._tag).toBe("StatusNotInFlow")
    }
  })

  it("refuses any move of a cancelled parcel, even to a valid step", () => {
    for (const status of ["created", "received", "delivered", "cancelled", "lost"]) {
      const result = decideMove(STEPS, { tracking: "SP000000011AZ", status: "cancelled", stepIndex: 0 }, status)
      expect(Either.isLeft(result) && result.left._tag).toBe("ParcelCancelled")
    }
  })

  it("property: a move succeeds exactly when the target is a step at or after the current one", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: STEPS.length - 1 }),
      fc.integer({ min: 0, max: STEPS.length - 1 }),
      (from, to) => {
        const result = decideMove(STEPS, at(STEPS[from]!, from), STEPS[to]!)
        if (to > from) return Either.isRight(result) && result.right._tag === "Advance"
        if (to === from) return Either.isRight(result) && result.right._tag === "Unchanged"
        return Either.isLeft(result) && result.left._tag === "BackwardMove"
      }
    ))
  })
})

describe("rate specificity", () => {
  const order = { partnerId: 7, pricingTier: "tier_1" }
  const partnerTier = { id: 1, partner_id: 7, pricing_tier: "tier_1" }
  const partnerAny = { id: 2, partner_id: 7, pricing_tier: null }
  const defaultTier = { id: 3, partner_id: null, pricing_tier: "tier_1" }
  const defaultAny = { id: 4, partner_id: null, pricing_tier: null }
  const otherPartner = { id: 5, partner_id: 8, pricing_tier: "tier_1" }
  const otherTier = { id: 6, partner_id: 7, pricing_tier: "tier_2" }

  it("partner + exact tier beats everything", () => {
    expect(mostSpecificRate([defaultAny, defaultTier, partnerAny, partnerTier], order)?.id).toBe(1)
  })

  it("partner-specific beats default even when the default has the exact tier", () => {
    expect(mostSpecificRate([defaultAny, defaultTier, partnerAny], order)?.id).toBe(2)
  })

  it("exact tier beats any tier among defaults", () => {
    expect(mostSpecificRate([defaultAny, defaultTier], order)?.id).toBe(3)
  })

  it("the default any-tier rate is the fallback", () => {
    expect(mostSpecificRate([defaultAny, otherPartner, otherTier], order)?.id).toBe(4)
  })

  it("rates of other partners or other tiers never apply", () => {
    expect(mostSpecificRate([otherPartner, otherTier], order)).toBeUndefined()
    expect(rateMatches(otherPartner, order)).toBe(false)
    expect(rateMatches(otherTier, order)).toBe(false)
  })

  it("an order without a tier (not_applicable) only matches any-tier rates", () => {
    const noTier = { partnerId: 7, pricingTier: null }
    expect(mostSpecificRate([partnerTier, defaultTier, defaultAny], noTier)?.id).toBe(4)
    expect(mostSpecificRate([partnerTier, defaultTier], noTier)).toBeUndefined()
    expect(mostSpecificRate([defaultAny, partnerAny], noTier)?.id).toBe(2)
  })

  it("the order of the candidates does not matter", () => {
    const all = [partnerTier, partnerAny, defaultTier, defaultAny, otherPartner, otherTier]
    fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: 1 }), (rates) => {
      const expected = [1, 2, 3, 4].find((id) => rates.some((r) => r.id === id))
      return mostSpecificRate(rates, order)?.id === expected
    }))
  })
})

describe("charge computation", () => {
  it("amount + per_kg × started kilograms", () => {
    expect(chargeFor({ amount: 3.5, per_kg_amount: 1.2 }, 1400)).toBe(5.9)
    expect(chargeFor({ amount: 3.5, per_kg_amount: 1.2 }, 1000)).toBe(4.7)
    expect(chargeFor({ amount: 3.5, per_kg_amount: 1.2 }, 1001)).toBe(5.9)
    expect(chargeFor({ amount: 3.5, per_kg_amount: 1.2 }, 1)).toBe(4.7)
  })

  it("zero weight charges the amount only", () => {
    expect(chargeFor({ amount: 3.5, per_kg_amount: 1.2 }, 0)).toBe(3.5)
  })

  it("no per-kg amount charges the amount only", () => {
    expect(chargeFor({ amount: 7.25, per_kg_amount: null }, 25_000)).toBe(7.25)
  })

  it("is exact to the cent where floats are not", () => {
    expect(0.1 + 0.2 * 3).not.toBe(0.7)
    expect(chargeFor({ amount: 0.1, per_kg_amount: 0.2 }, 2500)).toBe(0.7)
    expect(chargeFor({ amount: 1_000_000_000, per_kg_amount: 1_000_000_000 }, 1_000_000)).toBe(1_001_000_000_000)
  })

  it("started kilograms", () => {
    expect([0, 1, 999, 1000, 1001, 2000, 1_000_000].map(chargeableKg)).toEqual([0, 1, 1, 1, 2, 2, 1000])
  })

  it("weight: measured, else declared, else 0", () => {
    expect(billableWeightGrams(1200, 900)).toBe(1200)
    expect(billableWeightGrams(0, 900)).toBe(0)
    expect(billableWeightGrams(null, 900)).toBe(900)
    expect(billableWeightGrams(undefined, null)).toBe(0)
  })
})

describe("when a parcel is due", () => {
  it("at or past the rate's bill_on_status", () => {
    expect(isDue(STEPS, { status: "created", stepIndex: 0 }, "received")).toBe(false)
    expect(isDue(STEPS, { status: "received", stepIndex: 1 }, "received")).toBe(true)
    expect(isDue(STEPS, { status: "delivered", stepIndex: 3 }, "received")).toBe(true)
    expect(isDue(STEPS, { status: "created", stepIndex: 0 }, "created")).toBe(true)
  })

  it("never when cancelled or when the rate bills on a status outside the flow", () => {
    expect(isDue(STEPS, { status: "cancelled", stepIndex: 0 }, "created")).toBe(false)
    expect(isDue(STEPS, { status: "delivered", stepIndex: 3 }, "lost")).toBe(false)
  })

  it("pending-mapping orders are not billable until resolved", () => {
    expect(isBillable({ regionStatus: "pending_mapping" })).toBe(false)
    expect(isBillable({ regionStatus: "mapped" })).toBe(true)
    expect(isBillable({ regionStatus: "not_applicable" })).toBe(true)
  })
})
