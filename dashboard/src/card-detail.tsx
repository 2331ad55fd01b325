import { useState } from "preact/hooks";
import { formatMoney } from "../../ui-shared/format-money";
import { ApiFailure } from "./api";
import { ErrorNote, Outcome } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { formatTime } from "./i18n";
import { href } from "./route";
import type { CardDetailData, Transaction } from "./types";

/** One card: what it is, how its refreshes go, its accounts and transactions, and what can be done to it. */
export function CardDetail({ loginId }: { loginId: string }) {
  const { api, t, language, signedOut } = useDashboard();
  const path = `/cards/${encodeURIComponent(loginId)}`;
  const { data, error } = usePoll(() => api.get<CardDetailData>(path), path, signedOut);
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  const currency = data.accounts[0]?.currency ?? "CAD";
  return (
    <>
      <p>
        <a href={href("cards")}>← {t.back}</a>
      </p>
      <section aria-labelledby="card-summary">
        <h2 id="card-summary">{t.cardTitle(data.institution)}</h2>
        <dl class="facts">
          <dt>{t.loginId}</dt>
          <dd class="mono">{data.loginId}</dd>
          <dt>{t.username}</dt>
          <dd class="mono">{data.maskedUsername}</dd>
          <dt>{t.lastRefresh}</dt>
          <dd>{data.lastRefreshAt ? formatTime(data.lastRefreshAt, language) : t.never}</dd>
          <dt>{t.outcome}</dt>
          <dd>
            <Outcome card={data} />
          </dd>
          <dt>{t.scheduledRefresh}</dt>
          <dd>{data.scheduledRefresh ? t.yes : t.no}</dd>
        </dl>
      </section>
      <section aria-labelledby="questions">
        <h2 id="questions">{t.storedQuestions}</h2>
        {data.storedQuestions.length === 0 ? (
          <p class="muted">{t.none}</p>
        ) : (
          <ul>
            {data.storedQuestions.map((question) => (
              <li key={question}>{question}</li>
            ))}
          </ul>
        )}
        <p class="muted small">{t.storedQuestionsHelp}</p>
      </section>
      <section aria-labelledby="accounts">
        <h2 id="accounts">{t.accounts}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.account}</th>
                <th scope="col">{t.number}</th>
                <th scope="col" class="num">
                  {t.available}
                </th>
                <th scope="col" class="num">
                  {t.current}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.accounts.map((account) => (
                <tr key={account.accountId}>
                  <td>{account.title}</td>
                  <td class="mono">{account.maskedNumber}</td>
                  <td class="num">{formatMoney(account.balance.available, account.currency, language)}</td>
                  <td class="num">{formatMoney(account.balance.current, account.currency, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <Transactions card={data} currency={currency} />
      <Statements loginId={data.loginId} />
      <CardActions card={data} />
    </>
  );
}

function Transactions({ card, currency }: { card: CardDetailData; currency: string }) {
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

/** Each account's monthly statements, each a link that opens the PDF in a new tab (the cookie goes along: same path). */
function Statements({ loginId }: { loginId: string }) {
  const { api, t, signedOut } = useDashboard();
  const path = `/cards/${encodeURIComponent(loginId)}/statements`;
  const { data, error } = usePoll(
    () => api.get<{ statements: Array<{ accountId: string; title: string; months: string[] }> }>(path),
    path,
    signedOut,
    0,
  );
  return (
    <section aria-labelledby="statements">
      <h2 id="statements">{t.statements}</h2>
      {error && <p class="muted">{error.message}</p>}
      {data && (
        <ul class="statements">
          {data.statements.map((account) => (
            <li key={account.accountId}>
              <span class="statement-account">{account.title}</span>
              <span class="months">
                {account.months.map((month) => (
                  <a
                    key={month}
                    href={`/dashboard/api${path}/${encodeURIComponent(account.accountId)}/${month}`}
                    target="_blank"
                    rel="noopener"
                    aria-label={t.statementOf(account.title, month)}
                  >
                    {month}
                  </a>
                ))}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const OUTCOMES = ["authorized", "RETRY_LATER", "INVALID_PASSWORD", "DISABLED_LOGIN", "NEW_ACCOUNT", "INVALID_LOGIN", "UNAUTHORIZED"];

function CardActions({ card }: { card: CardDetailData }) {
  const { api, t, viewer, announce } = useDashboard();
  const [outcome, setOutcome] = useState("RETRY_LATER");
  const [note, setNote] = useState<{ text: string; bad: boolean } | null>(null);
  const readOnly = viewer.mode === "read-only";
  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setNote({ text: done, bad: false });
      announce(done);
    } catch (error) {
      setNote({ text: error instanceof ApiFailure ? error.message : t.error, bad: true });
    }
  };
  const remove = () => {
    if (!confirm(t.confirmDelete)) return;
    run(async () => {
      await api.send("DELETE", `/cards/${encodeURIComponent(card.loginId)}`);
      location.hash = href("cards");
    }, t.deleted);
  };
  const force = (event: Event) => {
    event.preventDefault();
    const body = outcome === "authorized" ? { outcome: "authorized" } : { outcome: "failed", code: outcome };
    run(() => api.send("PUT", `/cards/${encodeURIComponent(card.loginId)}/next-refresh`, body), t.forced);
  };
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">{t.actions}</h2>
      <div class="actions">
        <button type="button" class="danger" disabled={readOnly} onClick={remove}>
          {t.deleteCard}
        </button>
      </div>
      {viewer.sandbox && (
        <fieldset class="actions" disabled={readOnly}>
          <legend>{t.sandboxOnly}</legend>
          <button
            type="button"
            onClick={() => run(() => api.send("POST", `/cards/${encodeURIComponent(card.loginId)}/reset`), t.resetDone)}
          >
            {t.resetAtBank}
          </button>
          <form class="inline" onSubmit={force}>
            <label for="force-outcome">{t.forceOutcome}</label>
            <select id="force-outcome" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
            <button type="submit">{t.forceNext}</button>
          </form>
        </fieldset>
      )}
      {note && (
        <p class={note.bad ? "error" : "ok"} role={note.bad ? "alert" : undefined}>
          {note.text}
        </p>
      )}
    </section>
  );
}
