/**
 * Starmile tracking numbers in the UPU S10 layout: 2-letter prefix, 8-digit serial, check
 * digit, 2-letter country of the warehouse (`SO000000120AZ`). Serials come from database
 * sequences, so instances never collide; this module only formats and checks.
 */
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const

export type TrackingPrefix = "SO" | "SP"
export const ORDER_PREFIX: TrackingPrefix = "SO"
export const PARCEL_PREFIX: TrackingPrefix = "SP"

/** S10 check digit: 11 − (Σ digit × weight mod 11); 10 → 0, 11 → 5. */
export const checkDigit = (serial8: string): number => {
  let sum = 0
  for (let i = 0; i < 8; i++) sum += Number(serial8[i]) * WEIGHTS[i]!
  const check = 11 - (sum % 11)
  return check === 10 ? 0 : check === 11 ? 5 : check
}

export const formatTracking = (prefix: TrackingPrefix, serial: number, country: string): string => {
  const serial8 = String(serial).padStart(8, "0")
  return `${prefix}${serial8}${checkDigit(serial8)}${country}`
}

const S10 = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/

export const isValidTracking = (value: string): boolean => {
  const match = S10.exec(value)
  return match !== null && checkDigit(match[2]!) === Number(match[3])
}
