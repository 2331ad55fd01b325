/**
 * An OFX amount in integer cents: `-12.34`, `+5`, `.5`, or with a decimal comma (`12,34`, which
 * the specification allows). Undefined for anything else, so a garbled amount is never a zero.
 */
export function parseOfxAmountCents(text: string | undefined): number | undefined {
  const raw = text?.trim().replace(/^\+/, "");
  if (!raw) return undefined;
  const normalized = raw.includes(".") ? raw.replace(/,/g, "") : raw.replace(",", ".");
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(normalized);
  if (!match || (match[2] === "" && !match[3])) return undefined;
  const [, sign, whole = "", fraction = ""] = match;
  const cents = Number(whole || "0") * 100 + Math.round(Number(`0.${fraction || "0"}`) * 100);
  if (!Number.isSafeInteger(cents)) return undefined;
  return sign === "-" ? -cents : cents;
}

export function formatOfxAmount(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
