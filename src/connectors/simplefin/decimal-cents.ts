const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * A SimpleFIN numeric string ("-33293.43", "100", "+5.5", ".25") in integer cents, rounded half
 * away from zero past the second decimal; null for anything else (exponents, empty, too large to
 * be exact). Money stays in integers from here on, so sums never drift.
 */
export function decimalToCents(text: string): number | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, sign, whole = "", fraction = ""] = match;
  if (whole.length === 0 && fraction.length === 0) return null;
  const wholeCents = Number(whole || "0") * 100;
  const fractionCents = Number(fraction.slice(0, 2).padEnd(2, "0"));
  const roundUp = Number(fraction[2] ?? "0") >= 5 ? 1 : 0;
  const cents = wholeCents + fractionCents + roundUp;
  if (!Number.isSafeInteger(cents)) return null;
  return sign === "-" && cents !== 0 ? -cents : cents;
}

/** Cents as the dollars the Flinks wire carries (two decimals at most). */
export function centsToDollars(cents: number): number {
  return cents / 100;
}
