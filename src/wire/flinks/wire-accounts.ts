import type { Holder } from "../../connectors/types.js";
import type { Snapshot, SnapshotAccount, SnapshotTransaction } from "../../records/snapshot.js";

/**
 * What a data answer discloses of each account — one rule for /GetAccountsDetail,
 * /GetAccountsSummary, their polls and the webhook bodies, as Flinks documents the flags on
 * /GetAccountsDetail (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail):
 * `WithAccountIdentity` is "the transit number, institution number and account number",
 * `WithKYC` "customer information" (the Holder). Omitted flags mean "include".
 */
export interface Disclosure {
  withAccountIdentity: boolean;
  withKyc: boolean;
  withBalance: boolean;
}

/** The disclosure a request's flags ask for (each omitted flag: include). */
export function disclosureOf(flags: { WithAccountIdentity?: boolean; WithKYC?: boolean; WithBalance?: boolean }): Disclosure {
  return { withAccountIdentity: flags.WithAccountIdentity ?? true, withKyc: flags.WithKYC ?? true, withBalance: flags.WithBalance ?? true };
}

/** What a call without flags sees (the polls, the webhooks): everything. */
export const FULL_DISCLOSURE: Disclosure = disclosureOf({});

/**
 * What the caller asked to see of /GetAccountsDetail; omitted flags default to "include"
 * (docs/flinks-compatibility.md#getaccountsdetail-and-its-poll).
 */
export interface AccountView extends Disclosure {
  withTransactions: boolean;
  /** Inclusive YYYY-MM-DD bounds of the transaction window. */
  dateFrom: string;
  dateTo: string | null;
  accountsFilter: ReadonlySet<string> | null;
  /** AccountId → the newest TransactionId the caller already has. */
  refreshDelta: ReadonlyMap<string, string>;
}

/**
 * The accounts a data call may show: the caller's AccountsFilter, within the accounts the end
 * user selected in the Connect widget for this card (account selector or
 * `resumeSelectedAccounts`, of which Flinks' Reconnect page says Connect "applies the filter on
 * the backend": https://docs.flinks.com/guides/connect/resume-and-reconnect).
 */
export function accountsFilterFor(requested: ReadonlySet<string> | null, selected: readonly string[] | null): ReadonlySet<string> | null {
  if (!selected) return requested;
  const chosen = new Set(selected);
  return requested ? new Set([...requested].filter((id) => chosen.has(id))) : chosen;
}

export function selectAccounts(snapshot: Snapshot, filter: ReadonlySet<string> | null): SnapshotAccount[] {
  return filter ? snapshot.accounts.filter((a) => filter.has(a.id)) : snapshot.accounts;
}

export function wireDetailAccount(account: SnapshotAccount, holder: Holder, loginType: string, view: AccountView) {
  return {
    Transactions: view.withTransactions ? transactionsInView(account, view).map(wireTransaction) : [],
    TransitNumber: view.withAccountIdentity ? account.transitNumber : null,
    InstitutionNumber: view.withAccountIdentity ? account.institutionNumber : null,
    OverdraftLimit: account.overdraftLimit,
    Title: account.title,
    AccountNumber: view.withAccountIdentity ? account.accountNumber : null,
    LastFourDigits: lastFourDigits(account),
    Balance: wireBalance(account, view.withBalance),
    Category: account.category,
    Type: account.type,
    Currency: account.currency,
    Holder: view.withKyc ? wireHolder(holder) : null,
    AccountType: loginType,
    Id: account.id,
  };
}

export function wireSummaryAccount(account: SnapshotAccount, holder: Holder, loginType: string, disclosure: Disclosure) {
  // Operations accounts carry the numbers an EFT or e-Transfer needs; credit products do not,
  // nor does an account whose institution gave no number (SimpleFIN shares none).
  const eftEligible = account.category === "Operations" && account.accountNumber !== "" ? 1 : 0;
  return {
    EftEligibleRatio: eftEligible,
    ETransferEligibleRatio: eftEligible,
    Title: account.title,
    AccountNumber: disclosure.withAccountIdentity ? account.accountNumber : null,
    LastFourDigits: lastFourDigits(account),
    Balance: wireBalance(account, disclosure.withBalance),
    Category: account.category,
    Type: account.type,
    Currency: account.currency,
    Holder: disclosure.withKyc ? wireHolder(holder) : null,
    AccountType: loginType,
    Id: account.id,
  };
}

function transactionsInView(account: SnapshotAccount, view: AccountView): SnapshotTransaction[] {
  const knownNewest = view.refreshDelta.get(account.id);
  const newestFirst = account.transactions.filter((t) => t.date >= view.dateFrom && (view.dateTo === null || t.date <= view.dateTo));
  if (knownNewest === undefined) return newestFirst;
  const known = newestFirst.findIndex((t) => t.id === knownNewest);
  return known === -1 ? newestFirst : newestFirst.slice(0, known);
}

function wireTransaction(t: SnapshotTransaction) {
  return { Date: t.date, Code: null, Description: t.description, Debit: t.debit, Credit: t.credit, Balance: t.balance, Id: t.id };
}

function wireBalance(account: SnapshotAccount, withBalance: boolean) {
  if (!withBalance) return { Available: null, Current: null, Limit: null };
  return { Available: account.balance.available, Current: account.balance.current, Limit: account.balance.limit };
}

/**
 * A card's last four digits are shown whatever WithAccountIdentity says: they tell cards apart
 * and cannot be used to pay, so they are not the "account number" the flag hides.
 */
function lastFourDigits(account: SnapshotAccount): string | null {
  return account.category === "Credits" && account.type === "CreditCard" ? account.accountNumber.slice(-4) : null;
}

export function wireHolder(holder: Holder) {
  const { address } = holder;
  return {
    Name: holder.name,
    Address: {
      CivicAddress: address.civicAddress,
      City: address.city,
      Province: address.province,
      PostalCode: address.postalCode,
      POBox: address.poBox,
      Country: address.country,
    },
    Email: holder.email,
    PhoneNumber: holder.phoneNumber,
  };
}
