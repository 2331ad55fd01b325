import { childOf, childrenOf, type OfxElement, pathOf, textAt } from "./codec/ofx-element.js";
import { statusCodeAt } from "./read-signon.js";

/** What a bank's profile (PROFRS, OFX 2.1.1 §7.2) says about how to sign on and what it serves. */
export interface ProfileSummary {
  clientUidRequired: boolean;
  mfaSupported: boolean;
  /** Ask for the challenges with the first signon instead of waiting for a 3000. */
  mfaFirst: boolean;
  userCred1Label?: string;
  userCred2Label?: string;
  authTokenFirst: boolean;
  authTokenLabel?: string;
  /** STMTENDRQ / CCSTMTENDRQ are served (CLOSINGAVAIL). */
  bankClosing: boolean;
  cardClosing: boolean;
}

/** What is assumed of a bank whose profile cannot be read: nothing extra, no closing information. */
export const DEFAULT_PROFILE: ProfileSummary = {
  clientUidRequired: false,
  mfaSupported: true,
  mfaFirst: false,
  authTokenFirst: false,
  bankClosing: false,
  cardClosing: false,
};

export function readProfile(root: OfxElement): ProfileSummary | undefined {
  const trnrs = pathOf(root, "PROFMSGSRSV1/PROFTRNRS");
  const profrs = childOf(trnrs, "PROFRS");
  if (!profrs || statusCodeAt(trnrs) !== 0) return undefined;
  const bankSet = pathOf(profrs, "MSGSETLIST/BANKMSGSET/BANKMSGSETV1");
  const cardSet = pathOf(profrs, "MSGSETLIST/CREDITCARDMSGSET/CREDITCARDMSGSETV1");
  const realm = textAt(bankSet, "MSGSETCORE/SIGNONREALM") ?? textAt(cardSet, "MSGSETCORE/SIGNONREALM");
  const infos = childrenOf(childOf(profrs, "SIGNONINFOLIST"), "SIGNONINFO");
  const info = infos.find((i) => textAt(i, "SIGNONREALM") === realm) ?? infos[0];
  return {
    clientUidRequired: yes(info, "CLIENTUIDREQ"),
    mfaSupported: yes(info, "MFACHALLENGESUPT"),
    mfaFirst: yes(info, "MFACHALLENGEFIRST"),
    userCred1Label: textAt(info, "USERCRED1LABEL"),
    userCred2Label: textAt(info, "USERCRED2LABEL"),
    authTokenFirst: yes(info, "AUTHTOKENFIRST"),
    authTokenLabel: textAt(info, "AUTHTOKENLABEL"),
    bankClosing: yes(bankSet, "CLOSINGAVAIL"),
    cardClosing: yes(cardSet, "CLOSINGAVAIL"),
  };
}

function yes(parent: OfxElement | undefined, name: string): boolean {
  return textAt(parent, name)?.toUpperCase() === "Y";
}
