import { ANONYMOUS_USER } from "../../connectors/ofx/build-requests.js";
import { aggregate, childOf, childrenOf, type OfxElement, pathOf, textAt } from "../../connectors/ofx/codec/ofx-element.js";
import { hasSignonExtensions } from "../../connectors/ofx/codec/ofx-versions.js";
import { parseOfx } from "../../connectors/ofx/codec/parse-ofx.js";
import { serializeOfx } from "../../connectors/ofx/codec/serialize-ofx.js";
import type { OfxAccountRef } from "../../connectors/ofx/ofx-account.js";
import { dayOfOfxDate } from "../../connectors/ofx/ofx-dates.js";
import type { Clock } from "../../lib/clock.js";
import { findSimAccount, type SimAccount, type SimBankData } from "./sim-bank-data.js";
import { type OfxSimInstitution, withoutSignonExtensions } from "./sim-institutions.js";
import type { OfxSimMemory } from "./sim-memory.js";
import { accountInfoReply, profileReply, signonReply, transactionReply } from "./sim-responses.js";
import { simSignon } from "./sim-signon.js";
import { closingReply, statementReply } from "./sim-statements.js";
import { type SimUser, simUserOf } from "./sim-users.js";

export type SimAnswer =
  | { kind: "ofx"; body: Buffer; syntax: "sgml" | "xml" }
  | { kind: "html-page" }
  | { kind: "http-error"; status: number }
  | { kind: "hang" }
  | { kind: "bad-request"; message: string };

export interface SimContext {
  institution: OfxSimInstitution;
  /** The URL the bank is served at, for its profile. */
  url: string;
  clock: Clock;
  memory: OfxSimMemory;
  bankData: SimBankData;
  /** Users of the embedding app's own, by lower-case name, before the catalogue's. */
  users: Readonly<Record<string, SimUser>>;
  /** Waits the slow user's delay on the clock (or until the server closes). */
  waitSlow(): Promise<void>;
}

/**
 * One OFX request to a simulated bank, answered in the request's own version and syntax:
 * the signon first, then (only when it passed) every transaction of the message sets the
 * simulator serves — profile, account list, bank and card statements and closings.
 */
export async function answerOfxRequest(bytes: Buffer, sim: SimContext): Promise<SimAnswer> {
  let request: ReturnType<typeof parseOfx>;
  try {
    request = parseOfx(bytes);
  } catch (error) {
    return { kind: "bad-request", message: `not an OFX request: ${(error as Error).message}` };
  }
  const sonrq = pathOf(request.root, "SIGNONMSGSRQV1/SONRQ");
  if (!sonrq) return { kind: "bad-request", message: "an OFX request starts with SIGNONMSGSRQV1/SONRQ" };
  const userId = textAt(sonrq, "USERID") ?? "";
  const user = simUserOf(userId, sim.users);
  const behaviour = user?.login.kind;
  if (behaviour === "html-page" || behaviour === "hang") return { kind: behaviour };
  if (user?.login.kind === "http-error") return { kind: "http-error", status: user.login.status };
  if (behaviour === "slow") await sim.waitSlow();

  const now = sim.clock.now();
  const challengeRequest = pathOf(request.root, "SIGNONMSGSRQV1/MFACHALLENGETRNRQ");
  const anonymous = userId === ANONYMOUS_USER && textAt(sonrq, "USERPASS") === ANONYMOUS_USER;
  const onlyProfile = request.root.children.every((set) => set.name === "SIGNONMSGSRQV1" || set.name === "PROFMSGSRQV1");
  // A bank answers in the request's version: without the 2006 signon extensions to a 1.0.2 or 2.0.0–2.0.2 client.
  const extensions = hasSignonExtensions(request.version);
  const bank: SimContext = extensions ? sim : { ...sim, institution: withoutSignonExtensions(sim.institution) };
  const signon =
    anonymous && onlyProfile
      ? { code: 0, message: "Success" }
      : simSignon({ institution: bank.institution, sonrq, user, asksChallenges: !!challengeRequest, memory: sim.memory });
  const replies: OfxElement[] = [signonReply(bank.institution, signon, now, challengeRequest)];
  if (signon.code === 0 && !signon.challenges) {
    const firstSeen = () => sim.memory.firstSeen(`${sim.institution.id}|${userId.toLowerCase()}`, now.getTime());
    const accounts = () => (user ? sim.bankData.accountsOf(userId, user, now, firstSeen()) : []);
    replies.push(...dataReplies(request.root, bank, now, accounts, extensions));
  }
  const body = serializeOfx(aggregate("OFX", ...replies), { version: request.version, newFileUid: request.header.NEWFILEUID ?? "NONE" });
  return { kind: "ofx", body, syntax: request.syntax };
}

function dataReplies(root: OfxElement, sim: SimContext, now: Date, accountsOf: () => SimAccount[], extensions: boolean): OfxElement[] {
  const replies: OfxElement[] = [];
  const profile = childrenOf(childOf(root, "PROFMSGSRQV1"), "PROFTRNRQ");
  if (profile.length > 0)
    replies.push(
      aggregate(
        "PROFMSGSRSV1",
        ...profile.map((rq) => transactionReply("PROFTRNRS", rq, 0, profileReply(sim.institution, sim.url, now, extensions))),
      ),
    );
  const accountInfo = childrenOf(childOf(root, "SIGNUPMSGSRQV1"), "ACCTINFOTRNRQ");
  if (accountInfo.length > 0)
    replies.push(
      aggregate(
        "SIGNUPMSGSRSV1",
        ...accountInfo.map((rq) => transactionReply("ACCTINFOTRNRS", rq, 0, accountInfoReply(accountsOf(), now))),
      ),
    );
  const statement: RangeReply = (account, range) => statementReply(account, range, now);
  for (const set of ACCOUNT_MESSAGE_SETS) {
    const requests = childOf(root, set.request);
    if (!requests) continue;
    const answers = set.transactions.flatMap(([trnrq, trnrs, rq, kind]) =>
      childrenOf(requests, trnrq).map((request) =>
        accountReply(trnrs, request, childOf(request, rq), accountsOf, kind === "statement" ? statement : closingOf(sim, now)),
      ),
    );
    replies.push(aggregate(set.response, ...answers));
  }
  return replies;
}

/** The bank and card message sets the simulator serves: [request wrapper, response wrapper, request, what it asks]. */
const ACCOUNT_MESSAGE_SETS: ReadonlyArray<{
  request: string;
  response: string;
  transactions: ReadonlyArray<readonly [string, string, string, "statement" | "closing"]>;
}> = [
  {
    request: "BANKMSGSRQV1",
    response: "BANKMSGSRSV1",
    transactions: [
      ["STMTTRNRQ", "STMTTRNRS", "STMTRQ", "statement"],
      ["STMTENDTRNRQ", "STMTENDTRNRS", "STMTENDRQ", "closing"],
    ],
  },
  {
    request: "CREDITCARDMSGSRQV1",
    response: "CREDITCARDMSGSRSV1",
    transactions: [
      ["CCSTMTTRNRQ", "CCSTMTTRNRS", "CCSTMTRQ", "statement"],
      ["CCSTMTENDTRNRQ", "CCSTMTENDTRNRS", "CCSTMTENDRQ", "closing"],
    ],
  },
];

type RangeReply = (account: SimAccount, range: { from?: string; to?: string }) => OfxElement | undefined;

/** Closings only where the profile says CLOSINGAVAIL (2028 otherwise: the element is not supported). */
function closingOf(sim: SimContext, now: Date): RangeReply {
  return (account, range) => (sim.institution.closingAvailable ? closingReply(account, range, now) : undefined);
}

/** One statement-like transaction: 2003 for an account the user does not have, 2028 for a service the bank lacks. */
function accountReply(
  name: string,
  trnrq: OfxElement,
  rq: OfxElement | undefined,
  accountsOf: () => SimAccount[],
  reply: RangeReply,
): OfxElement {
  const ref = refOf(rq);
  const account = ref && findSimAccount(accountsOf(), ref);
  if (!rq || !account) return transactionReply(name, trnrq, 2003);
  const window = childOf(rq, "INCTRAN") ?? rq;
  const body = reply(account, { from: dayOfOfxDate(textAt(window, "DTSTART")), to: dayOfOfxDate(textAt(window, "DTEND")) });
  return body ? transactionReply(name, trnrq, 0, body) : transactionReply(name, trnrq, 2028);
}

function refOf(rq: OfxElement | undefined): OfxAccountRef | undefined {
  const card = textAt(rq, "CCACCTFROM/ACCTID");
  if (card) return { kind: "card", acctId: card };
  const [bankId, acctId, acctType] = [
    textAt(rq, "BANKACCTFROM/BANKID"),
    textAt(rq, "BANKACCTFROM/ACCTID"),
    textAt(rq, "BANKACCTFROM/ACCTTYPE"),
  ];
  return acctId ? { kind: "bank", bankId: bankId ?? "", acctId, acctType: (acctType ?? "CHECKING").toUpperCase() } : undefined;
}
