/** An amount in its currency, as a Canadian reader of that language writes it; "—" when unknown. Shared by the widget and the dashboard. */
export function formatMoney(amount: number | null, currency: string, language: "en" | "fr"): string {
  if (amount === null) return "—";
  return new Intl.NumberFormat(language === "fr" ? "fr-CA" : "en-CA", { style: "currency", currency }).format(amount);
}
