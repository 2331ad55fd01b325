/** All arithmetic is in integer cents, so running balances never drift; dollars appear only in the output. */
export function toDollars(cents: number): number {
  return cents / 100;
}
