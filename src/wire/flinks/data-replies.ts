import type { ConnectorRegistry } from "../../connectors/registry.js";
import { LruCache } from "../../lib/lru-cache.js";
import type { CardData } from "../../records/card-data.js";
import {
  type AccountView,
  accountsFilterFor,
  type Disclosure,
  selectAccounts,
  wireDetailAccount,
  wireSummaryAccount,
} from "./wire-accounts.js";
import { link, wireLogin } from "./wire-format.js";

/** The fields after the payload of every data answer (and of the webhooks that carry one). */
export function dataEnvelope(connectors: ConnectorRegistry, data: CardData) {
  const institution = connectors.find(data.session.institution);
  return {
    InstitutionName: institution?.name ?? data.session.institution,
    Login: wireLogin(data.login, data.username),
    InstitutionId: institution?.institutionId ?? null,
    Institution: data.session.institution,
    RequestId: data.session.requestId,
    ...(data.session.tag !== null ? { Tag: data.session.tag } : {}),
  };
}

/**
 * 202 while the aggregation runs, pointing at the *Async endpoint to poll. A result, not an
 * error: the data is on its way (DISPATCHED once a synchronous call has waited its limit).
 */
export function dataPendingBody(requestId: string, dispatched: boolean, asyncOperation: string) {
  return {
    FlinksCode: dispatched ? "OPERATION_DISPATCHED" : "OPERATION_PENDING",
    Links: [link(asyncOperation, `/${asyncOperation}`, `/${asyncOperation}/${requestId}`)],
    HttpStatusCode: 202,
    Message: dispatched
      ? "Your operation was dispatched to a background process; poll the link for its result."
      : "Your operation is still processing.",
    RequestId: requestId,
  };
}

/** What every /GetAccountsDetail body starts with, before the accounts. */
const DETAIL_HEAD = Buffer.from('{"HttpStatusCode":200,"Accounts":');

/** Whole /GetAccountsDetail answers kept: ~22–90 KB each for a default sandbox card. */
const WHOLE_ANSWERS_KEPT = 64;

/**
 * The /GetAccountsDetail and /GetAccountsSummary answers. Snapshots never change once
 * written, so each (snapshot, view) of the accounts is serialized once, kept as UTF-8 bytes,
 * and spliced between the small per-session parts: no JSON.stringify and no encoding of the
 * big part per request (22-90 KB; the encoding alone was ~17 µs per 22 KB).
 */
export class AccountsReplies {
  readonly #accountsJson = new LruCache<string, Buffer>(256);
  /**
   * An answer asked for a second time is kept whole, keyed by everything it is made of: sent
   * again, it costs no join of its parts and no stream (a join of 22 KB and a stream of 90 KB
   * were ~10% of a busy server's answer: docs/performance.md). The first time it is sent in
   * parts, so answers read once each (a new session per call) are never copied to be kept.
   */
  readonly #wholeAnswers = new LruCache<string, Buffer | "asked once">(WHOLE_ANSWERS_KEPT);

  constructor(private readonly connectors: ConnectorRegistry) {}

  /**
   * The 200 body of /GetAccountsDetail as UTF-8 JSON bytes, in parts to be sent one after
   * the other: the big middle one is the cached bytes themselves, never copied per request;
   * or, asked for before, the one kept whole answer.
   */
  detail(data: CardData, view: AccountView): Buffer[] {
    const accountsKey = `${data.snapshotId}|${viewKey(view)}`;
    const tail = `,${JSON.stringify(dataEnvelope(this.connectors, data)).slice(1)}`;
    const answerKey = `${accountsKey}|${tail}`;
    const kept = this.#wholeAnswers.get(answerKey);
    if (kept instanceof Buffer) return [kept];
    const parts = [DETAIL_HEAD, this.#accounts(accountsKey, data, view), Buffer.from(tail)];
    if (kept === undefined) {
      this.#wholeAnswers.set(answerKey, "asked once");
      return parts;
    }
    const whole = Buffer.concat(parts);
    this.#wholeAnswers.set(answerKey, whole);
    return [whole];
  }

  #accounts(key: string, data: CardData, view: AccountView): Buffer {
    const { snapshot } = data;
    let accounts = this.#accountsJson.get(key);
    if (accounts === undefined) {
      const shown = selectAccounts(snapshot, view.accountsFilter);
      accounts = Buffer.from(JSON.stringify(shown.map((a) => wireDetailAccount(a, snapshot.holder, snapshot.loginType, view))));
      this.#accountsJson.set(key, accounts);
    }
    return accounts;
  }

  /** The 200 body of /GetAccountsSummary, keys in the order of Flinks' example (`Tag` right after `Links`). */
  summary(data: CardData, disclosure: Disclosure) {
    const { snapshot } = data;
    const { Tag, ...envelope } = dataEnvelope(this.connectors, data);
    return {
      HttpStatusCode: 200,
      Accounts: selectAccounts(snapshot, accountsFilterFor(null, data.login.selectedAccountIds)).map((a) =>
        wireSummaryAccount(a, snapshot.holder, snapshot.loginType, disclosure),
      ),
      Links: [link("AccountsDetail", "/GetAccountsDetail"), link("Statements", "/GetStatements")],
      ...(Tag !== undefined ? { Tag } : {}),
      ...envelope,
    };
  }
}

function viewKey(view: AccountView): string {
  return JSON.stringify([
    view.withAccountIdentity,
    view.withKyc,
    view.withTransactions,
    view.withBalance,
    view.dateFrom,
    view.dateTo,
    view.accountsFilter && [...view.accountsFilter].sort(),
    [...view.refreshDelta].sort(),
  ]);
}
