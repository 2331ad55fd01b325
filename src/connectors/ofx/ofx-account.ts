/** An account as OFX addresses it (BANKACCTFROM or CCACCTFROM). */
export type OfxAccountRef =
  | { kind: "bank"; bankId: string; branchId?: string; acctId: string; acctType: string }
  | { kind: "card"; acctId: string };

/** An account the bank listed in its ACCTINFORS, with its own description. */
export interface OfxAccountInfo {
  ref: OfxAccountRef;
  description?: string;
}

/** The account's stable key: (FID, BANKID, ACCTID, ACCTTYPE), as bankgate derives AccountIds from it. */
export function accountKeyOf(fid: string, ref: OfxAccountRef): string {
  return ref.kind === "bank"
    ? ["bank", fid, ref.bankId, ref.acctId, ref.acctType].join("|")
    : ["card", fid, "", ref.acctId, "CREDITCARD"].join("|");
}
