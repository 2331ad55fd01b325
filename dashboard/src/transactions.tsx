import { useState } from "preact/hooks";
import { formatMoney } from "../../ui-shared/format-money";
import { ErrorNote } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import type { CardDetailData, Transaction } from "./types";

/** The latest snapshot's transactions, newest first, narrowed by a search, an account and dates (the server filters). */
export function Transactions({ card, currency }: { card: CardDetailData; currency: string }) {
  const { api, t, language, signedOut } = useDashboard();
  const [filter, setFilter] = useState({ search: "", accountId: "", from: "", to: "" });
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== "")).toString();
  const path = `/cards/${encodeURIComponent(card.loginId)}/transactions${query ? `?${query}` : ""}`;
  const { data, error } = usePoll(() => api.get<{ total: number; transactions: Transaction[] }>(path), path, signedOut, 0);
  const set = (name: keyof typeof filter) => (event: Event) =>
    setFilter({ ...filter, [name]: (event.currentTarget as HTMLInputElement).value });
  const titles = new Map(card.accounts.map((a) => [a.accountId, a.title]));
  return (
    <section aria-labelledby="transactions">
      <h2 id="transactions">{t.transactions}</h2>
      <form class="filters" aria-labelledby="transactions" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.search}
          <input type="search" value={filter.search} onInput={set("search")} />
        </label>
        <label>
          {t.account}
          <select value={filter.accountId} onChange={set("accountId")}>
            <option value="">{t.allAccounts}</option>
            {card.accounts.map((a) => (
              <option key={a.accountId} value={a.accountId}>
                {a.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.from}
          <input type="date" value={filter.from} onInput={set("from")} />
        </label>
        <label>
          {t.to}
          <input type="date" value={filter.to} onInput={set("to")} />
        </label>
      </form>
      {error && <ErrorNote message={error.message} />}
      {data && (
        <>
          <p class="muted small" aria-live="polite">
            {t.shownOf(data.transactions.length, data.total)}
          </p>
          {data.transactions.length === 0 ? (
            <p>{t.noTransactions}</p>
          ) : (
            <div class="table-wrap tall">
              <table class="transactions">
                <thead>
                  <tr>
                    <th scope="col">{t.date}</th>
                    <th scope="col">{t.description}</th>
                    <th scope="col">{t.account}</th>
                    <th scope="col" class="num">
                      {t.debit}
                    </th>
                    <th scope="col" class="num">
                      {t.credit}
                    </th>
                    <th scope="col" class="num">
                      {t.balance}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.transactions.map((tx) => (
                    <tr key={tx.transactionId}>
                      <td class="nowrap">{tx.date}</td>
                      <td>{tx.description}</td>
                      <td>{titles.get(tx.accountId)}</td>
                      <td class="num">{tx.debit === null ? "" : formatMoney(tx.debit, currency, language)}</td>
                      <td class="num">{tx.credit === null ? "" : formatMoney(tx.credit, currency, language)}</td>
                      <td class="num">{formatMoney(tx.balance, currency, language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
