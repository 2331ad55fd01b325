import { useState } from "preact/hooks";
import { ApiFailure } from "./api";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { href } from "./route";
import type { CardDetailData } from "./types";

/** Each account's monthly statements, each a link that opens the PDF in a new tab (the cookie goes along: same path). */
export function Statements({ loginId }: { loginId: string }) {
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

/** DeleteCard, and in the sandbox the bank's two levers. */
export function CardActions({ card }: { card: CardDetailData }) {
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
