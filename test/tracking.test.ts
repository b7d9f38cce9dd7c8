import { describe, expect, it } from "@effect/vitest"
import { checkDigit, formatTracking, isValidTracking } from "../src/domain/Tracking.js"

describe("S10 tracking numbers", () => {
  it("computes the check digit with weights 8 6 4 2 3 5 9 7, mapping 10 → 0 and 11 → 5", () => {
    // the contract's own examples: 1×9 + 2×7 = 23 → 11 − 1 = 10 → 0; 3×9 + 4×7 = 55 → 11 − 0 = 11 → 5
    expect(checkDigit("00000012")).toBe(0)
    expect(checkDigit("00000034")).toBe(5)
    // the UPU S10 example RR 47312482 9 GB
    expect(checkDigit("47312482")).toBe(9)
    // an ordinary case: 1×7 = 7 → 11 − 7 = 4
    expect(checkDigit("00000001")).toBe(4)
  })

  it("formats prefix, zero-padded serial, check digit and the warehouse country", () => {
    expect(formatTracking("SO", 12, "AZ")).toBe("SO000000120AZ")
    expect(formatTracking("SP", 34, "AZ")).toBe("SP000000345AZ")
    expect(formatTracking("SP", 99_999_999, "GE")).toMatch(/^SP99999999\dGE$/)
  })

  it("recognises valid numbers and refuses a wrong check digit or layout", () => {
    expect(isValidTracking("SO000000120AZ")).toBe(true)
    expect(isValidTracking("RR473124829GB")).toBe(true)
    expect(isValidTracking("SO000000121AZ")).toBe(false)
    expect(isValidTracking("SO00000012AZ")).toBe(false)
    expect(isValidTracking("so000000120az")).toBe(false)
  })
})
