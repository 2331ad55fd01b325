import { aggregate, element, type OfxElement } from "../../connectors/ofx/codec/ofx-element.js";
import type { OfxAccountRef } from "../../connectors/ofx/ofx-account.js";
import { formatOfxAmount } from "../../connectors/ofx/ofx-amount.js";
import { formatOfxDateTime } from "../../connectors/ofx/ofx-dates.js";
import type { SimAccount } from "./sim-bank-data.js";
import type { OfxSimInstitution } from "./sim-institutions.js";
import type { SimSignonReply } from "./sim-signon.js";

/** STATUS (§3.1.4): 0 INFO, anything else ERROR. */
export function status(code: number, message?: string): OfxElement {
  return aggregate("STATUS", element("CODE", code), element("SEVERITY", code === 0 ? "INFO" : "ERROR"), element("MESSAGE", message));
}

/** A transaction wrapper (§2.4.6): the request's TRNUID and CLTCOOKIE echoed, a status, the body. */
export function transactionReply(name: string, request: OfxElement, code: number, body?: OfxElement): OfxElement {
  const trnUid = request.children.find((c) => c.name === "TRNUID")?.text ?? "0";
  const cookie = request.children.find((c) => c.name === "CLTCOOKIE")?.text;
  return aggregate(name, element("TRNUID", trnUid), status(code), element("CLTCOOKIE", cookie), body);
}

export function signonReply(
  institution: OfxSimInstitution,
  reply: SimSignonReply,
  now: Date,
  challengeRequest: OfxElement | undefined,
): OfxElement {
  const sonrs = aggregate(
    "SONRS",
    status(reply.code, reply.message),
    element("DTSERVER", formatOfxDateTime(now)),
    element("LANGUAGE", "ENG"),
    aggregate("FI", element("ORG", institution.org), element("FID", institution.fid)),
    element("ACCESSKEY", reply.accessKey),
  );
  const challenges =
    reply.challenges && challengeRequest
      ? transactionReply(
          "MFACHALLENGETRNRS",
          challengeRequest,
          0,
          aggregate(
            "MFACHALLENGERS",
            ...reply.challenges.map((p) =>
              aggregate("MFACHALLENGE", element("MFAPHRASEID", p.phraseId), element("MFAPHRASELABEL", p.label)),
            ),
          ),
        )
      : undefined;
  return aggregate("SIGNONMSGSRSV1", sonrs, challenges);
}

/** PROFRS (§7.2): what the bank supports, and how its users sign on. */
export function profileReply(institution: OfxSimInstitution, url: string, now: Date, extensions: boolean): OfxElement {
  const yn = (value: boolean) => (value ? "Y" : "N");
  const core = aggregate(
    "MSGSETCORE",
    element("VER", 1),
    element("URL", url),
    element("OFXSEC", "NONE"),
    element("TRANSPSEC", "Y"),
    element("SIGNONREALM", "DEFAULT"),
    element("LANGUAGE", "ENG"),
    element("SYNCMODE", "LITE"),
    element("RESPFILEER", "N"),
  );
  const msgsets = aggregate(
    "MSGSETLIST",
    aggregate("SIGNONMSGSET", aggregate("SIGNONMSGSETV1", core)),
    aggregate(
      "SIGNUPMSGSET",
      aggregate(
        "SIGNUPMSGSETV1",
        core,
        aggregate("WEBENROLL", element("URL", url)),
        element("CHGUSERINFO", "N"),
        element("AVAILACCTS", "Y"),
        element("CLIENTACTREQ", "N"),
      ),
    ),
    aggregate(
      "BANKMSGSET",
      aggregate(
        "BANKMSGSETV1",
        core,
        element("CLOSINGAVAIL", yn(institution.closingAvailable)),
        aggregate("EMAILPROF", element("CANEMAIL", "N"), element("CANNOTIFY", "N")),
      ),
    ),
    aggregate("CREDITCARDMSGSET", aggregate("CREDITCARDMSGSETV1", core, element("CLOSINGAVAIL", yn(institution.closingAvailable)))),
    aggregate("PROFMSGSET", aggregate("PROFMSGSETV1", core)),
  );
  const signon = aggregate(
    "SIGNONINFO",
    element("SIGNONREALM", "DEFAULT"),
    element("MIN", 1),
    element("MAX", 32),
    element("CHARTYPE", "ALPHAORNUMERIC"),
    element("CASESEN", "N"),
    element("SPECIAL", "Y"),
    element("SPACES", "N"),
    element("PINCH", "N"),
    element("CHGPINFIRST", "N"),
    element("USERCRED1LABEL", institution.userCred1?.label),
    // The 2006 extensions: absent from 1.0.2 and 2.0.0–2.0.2 answers, whose readers do not know them.
    ...(extensions
      ? [
          element("CLIENTUIDREQ", yn(institution.clientUidRequired)),
          element("AUTHTOKENFIRST", institution.authToken ? "Y" : undefined),
          element("AUTHTOKENLABEL", institution.authToken?.label),
          element("MFACHALLENGESUPT", yn(institution.mfaSupported)),
          element("MFACHALLENGEFIRST", "N"),
        ]
      : []),
  );
  return aggregate(
    "PROFRS",
    msgsets,
    aggregate("SIGNONINFOLIST", signon),
    element("DTPROFUP", formatOfxDateTime(new Date(Date.UTC(now.getUTCFullYear(), 0, 1)))),
    element("FINAME", institution.name.slice(0, 32)),
    element("ADDR1", "1 Simulator Way"),
    element("CITY", "Springfield"),
    element("STATE", "IL"),
    element("POSTALCODE", "62701"),
    element("COUNTRY", "USA"),
  );
}

export function accountInfoReply(accounts: SimAccount[], now: Date): OfxElement {
  return aggregate(
    "ACCTINFORS",
    element("DTACCTUP", formatOfxDateTime(now)),
    ...accounts.map(({ ref, account }) => {
      const usage = [element("SUPTXDL", "Y"), element("XFERSRC", "N"), element("XFERDEST", "N"), element("SVCSTATUS", "ACTIVE")];
      const info =
        ref.kind === "card" ? aggregate("CCACCTINFO", accountFrom(ref), ...usage) : aggregate("BANKACCTINFO", accountFrom(ref), ...usage);
      return aggregate("ACCTINFO", element("DESC", account.title.slice(0, 80)), info);
    }),
  );
}

export function accountFrom(ref: OfxAccountRef): OfxElement {
  if (ref.kind === "card") return aggregate("CCACCTFROM", element("ACCTID", ref.acctId));
  return aggregate("BANKACCTFROM", element("BANKID", ref.bankId), element("ACCTID", ref.acctId), element("ACCTTYPE", ref.acctType));
}

/** Amounts as OFX signs them: from the holder's side, so what a credit account owes is negative. */
export function ofxBalance(sim: SimAccount, dollars: number): string {
  return formatOfxAmount(Math.round((sim.credit ? -dollars : dollars) * 100));
}
