import { aggregate, element, type OfxElement } from "./codec/ofx-element.js";
import type { OfxAccountRef } from "./ofx-account.js";
import { formatOfxDateTime } from "./ofx-dates.js";

/** What a SONRQ carries (OFX 2.1.1 §2.5.1.2), in the order the specification lists it. */
export interface SignonFields {
  now: Date;
  userId: string;
  password: string;
  org: string;
  fid: string;
  appId: string;
  appVer: string;
  clientUid?: string;
  userCred1?: string;
  userCred2?: string;
  authToken?: string;
  accessKey?: string;
  mfaAnswers?: ReadonlyArray<{ phraseId: string; answer: string }>;
}

/** Profile requests sign on anonymously (§7.1.5): the bank's rules are read before its user's credentials are sent. */
export const ANONYMOUS_USER = "anonymous00000000000000000000000";

/** The signon message set; `mfaChallengeTrnUid` adds the MFACHALLENGERQ that fetches the challenges (§2.5.4.1). */
export function signonMessages(fields: SignonFields, mfaChallengeTrnUid?: string): OfxElement {
  const sonrq = aggregate(
    "SONRQ",
    element("DTCLIENT", formatOfxDateTime(fields.now)),
    element("USERID", fields.userId),
    element("USERPASS", fields.password),
    element("LANGUAGE", "ENG"),
    aggregate("FI", element("ORG", fields.org), element("FID", fields.fid)),
    element("APPID", fields.appId),
    element("APPVER", fields.appVer),
    element("CLIENTUID", fields.clientUid),
    element("USERCRED1", fields.userCred1),
    element("USERCRED2", fields.userCred2),
    element("AUTHTOKEN", fields.authToken),
    element("ACCESSKEY", fields.accessKey),
    ...(fields.mfaAnswers ?? []).map((a) =>
      aggregate("MFACHALLENGEA", element("MFAPHRASEID", a.phraseId), element("MFAPHRASEA", a.answer)),
    ),
  );
  const challenge =
    mfaChallengeTrnUid === undefined
      ? undefined
      : aggregate(
          "MFACHALLENGETRNRQ",
          element("TRNUID", mfaChallengeTrnUid),
          aggregate("MFACHALLENGERQ", element("DTCLIENT", formatOfxDateTime(fields.now))),
        );
  return aggregate("SIGNONMSGSRQV1", sonrq, challenge);
}

export function profileMessages(trnUid: string): OfxElement {
  return aggregate(
    "PROFMSGSRQV1",
    aggregate(
      "PROFTRNRQ",
      element("TRNUID", trnUid),
      aggregate("PROFRQ", element("CLIENTROUTING", "NONE"), element("DTPROFUP", "19900101")),
    ),
  );
}

/** ACCTINFORQ since 1990: every account, whatever the client knew before (§8.5.3). */
export function accountInfoMessages(trnUid: string): OfxElement {
  return aggregate(
    "SIGNUPMSGSRQV1",
    aggregate("ACCTINFOTRNRQ", element("TRNUID", trnUid), aggregate("ACCTINFORQ", element("DTACCTUP", "19900101"))),
  );
}

/** A statement for one date window, transactions included (§11.4.2.1 bank, §11.4.3.1 card). */
export function statementMessages(ref: OfxAccountRef, window: { start: Date; end: Date }, trnUid: string): OfxElement {
  const inctran = aggregate(
    "INCTRAN",
    element("DTSTART", formatOfxDateTime(window.start)),
    element("DTEND", formatOfxDateTime(window.end)),
    element("INCLUDE", "Y"),
  );
  if (ref.kind === "card") {
    return aggregate(
      "CREDITCARDMSGSRQV1",
      aggregate("CCSTMTTRNRQ", element("TRNUID", trnUid), aggregate("CCSTMTRQ", cardAccount("CCACCTFROM", ref), inctran)),
    );
  }
  return aggregate("BANKMSGSRQV1", aggregate("STMTTRNRQ", element("TRNUID", trnUid), aggregate("STMTRQ", bankAccount(ref), inctran)));
}

/** Closing information for the statement periods that ended in the window (§11.5.1, §11.5.3). */
export function closingMessages(ref: OfxAccountRef, window: { start: Date; end: Date }, trnUid: string): OfxElement {
  const range = [element("DTSTART", formatOfxDateTime(window.start)), element("DTEND", formatOfxDateTime(window.end))];
  if (ref.kind === "card") {
    return aggregate(
      "CREDITCARDMSGSRQV1",
      aggregate("CCSTMTENDTRNRQ", element("TRNUID", trnUid), aggregate("CCSTMTENDRQ", cardAccount("CCACCTFROM", ref), ...range)),
    );
  }
  return aggregate(
    "BANKMSGSRQV1",
    aggregate("STMTENDTRNRQ", element("TRNUID", trnUid), aggregate("STMTENDRQ", bankAccount(ref), ...range)),
  );
}

function bankAccount(ref: Extract<OfxAccountRef, { kind: "bank" }>): OfxElement {
  return aggregate(
    "BANKACCTFROM",
    element("BANKID", ref.bankId),
    element("BRANCHID", ref.branchId),
    element("ACCTID", ref.acctId),
    element("ACCTTYPE", ref.acctType),
  );
}

function cardAccount(name: string, ref: Extract<OfxAccountRef, { kind: "card" }>): OfxElement {
  return aggregate(name, element("ACCTID", ref.acctId));
}
