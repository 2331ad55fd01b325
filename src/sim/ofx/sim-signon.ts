import { childrenOf, type OfxElement, textAt } from "../../connectors/ofx/codec/ofx-element.js";
import { normalizeAnswer } from "../../connectors/sandbox/scenarios.js";
import type { OfxSimInstitution } from "./sim-institutions.js";
import type { OfxSimMemory } from "./sim-memory.js";
import { SIM_PASSWORD, type SimPhrase, type SimUser } from "./sim-users.js";

/** What the bank answers a SONRQ: a STATUS code, the ACCESSKEY it issues, the challenges it lists. */
export interface SimSignonReply {
  code: number;
  message?: string;
  accessKey?: string;
  challenges?: SimPhrase[];
}

export interface SimSignonRequest {
  institution: OfxSimInstitution;
  sonrq: OfxElement;
  user: SimUser | undefined;
  /** The request holds an MFACHALLENGETRNRQ. */
  asksChallenges: boolean;
  memory: OfxSimMemory;
}

const OK: SimSignonReply = { code: 0, message: "Success" };

/**
 * The bank's signon rules, in the order a server checks them (OFX 2.1.1 §2.5.1, §2.5.4, §2.5.6):
 * credentials, CLIENTUID, extra credentials, then AUTHTOKEN and MFA unless a valid ACCESSKEY
 * vouches for this client. Users whose behaviour is not a signon (HTML, hangs) never get here.
 */
export function simSignon({ institution, sonrq, user, asksChallenges, memory }: SimSignonRequest): SimSignonReply {
  const userId = textAt(sonrq, "USERID") ?? "";
  if (!user || (textAt(sonrq, "USERPASS") ?? "").toLowerCase() !== SIM_PASSWORD)
    return { code: 15500, message: "Invalid user ID or password." };
  if (user.login.kind === "status") return { code: user.login.code, message: user.login.message };
  const clientUid = textAt(sonrq, "CLIENTUID");
  const client = `${institution.id}|${userId.toLowerCase()}|${clientUid ?? ""}`.toLowerCase();
  if (institution.clientUidRequired && !clientUid) return { code: 15510, message: "A CLIENTUID is required." };
  if (user.login.kind === "approve-client" && (!clientUid || !memory.approveOrRefuse(client))) {
    return { code: 15510, message: "Approve this application in online banking, then sign on again." };
  }
  if (institution.userCred1 && textAt(sonrq, "USERCRED1") !== institution.userCred1.value)
    return { code: 15500, message: "Invalid member number." };
  if (memory.accessKeyFits(textAt(sonrq, "ACCESSKEY"), client)) return OK;
  let vouched = false;
  if (institution.authToken) {
    const token = textAt(sonrq, "AUTHTOKEN");
    if (!token) return { code: 15512, message: "Please provide your authentication token." };
    if (token !== institution.authToken.value) return { code: 15513, message: "The authentication token is not valid." };
    vouched = true;
  }
  if (user.login.kind === "mfa" && institution.mfaSupported) {
    const mfa = mfaStep(user.login.rounds, sonrq, asksChallenges, client, memory);
    if (mfa) return mfa;
    vouched = true;
  }
  return vouched ? { ...OK, accessKey: memory.issueAccessKey(client) } : OK;
}

/** Undefined once every round is answered; otherwise the 3000, the challenges or the 3001. */
function mfaStep(
  rounds: SimPhrase[][],
  sonrq: OfxElement,
  asksChallenges: boolean,
  client: string,
  memory: OfxSimMemory,
): SimSignonReply | undefined {
  const answers = childrenOf(sonrq, "MFACHALLENGEA");
  const round = Math.min(memory.mfaRound(client), rounds.length - 1);
  const phrases = rounds[round] ?? [];
  if (answers.length === 0) {
    if (asksChallenges) return { ...OK, challenges: phrases };
    // A login's first signon starts the rounds over.
    memory.setMfaRound(client, 0);
    return { code: 3000, message: "Further information required." };
  }
  const given = new Map(answers.map((a) => [(textAt(a, "MFAPHRASEID") ?? "").toUpperCase(), textAt(a, "MFAPHRASEA") ?? ""]));
  if (!phrases.every((p) => answered(p, given.get(p.phraseId.toUpperCase()))))
    return { code: 3001, message: "The answers are not correct." };
  if (round + 1 < rounds.length) {
    memory.setMfaRound(client, round + 1);
    return { code: 3000, message: "Further information required." };
  }
  memory.setMfaRound(client, 0);
  return undefined;
}

function answered(phrase: SimPhrase, given: string | undefined): boolean {
  if (given === undefined || given.trim() === "") return false;
  if (phrase.phraseId.toUpperCase() === "MFA101") return /^\d{14}/.test(given);
  return phrase.answer === undefined || normalizeAnswer(given) === normalizeAnswer(phrase.answer);
}
