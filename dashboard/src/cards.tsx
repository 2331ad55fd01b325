import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { formatTime } from "./i18n";
import { href } from "./route";
import type { CardSummary } from "./types";

/** Every card of the customer, newest first. */
export function Cards() {
  const { api, t, language, signedOut } = useDashboard();
  const { data, error } = usePoll(() => api.get<{ cards: CardSummary[] }>("/cards"), "cards", signedOut);
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  if (data.cards.length === 0) return <p>{t.noCards}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{t.cards}</caption>
        <thead>
          <tr>
            <th scope="col">{t.loginId}</th>
            <th scope="col">{t.institution}</th>
            <th scope="col">{t.username}</th>
            <th scope="col">{t.lastRefresh}</th>
            <th scope="col">{t.outcome}</th>
            <th scope="col">{t.scheduledRefresh}</th>
          </tr>
        </thead>
        <tbody>
          {data.cards.map((card) => (
            <tr key={card.loginId} data-login-id={card.loginId}>
              <td>
                <a class="mono" href={href("cards", card.loginId)}>
                  {card.loginId}
                </a>
              </td>
              <td>{card.institution}</td>
              <td class="mono">{card.maskedUsername}</td>
              <td>{card.lastRefreshAt ? formatTime(card.lastRefreshAt, language) : t.never}</td>
              <td>
                <Outcome card={card} />
              </td>
              <td>{card.scheduledRefresh ? t.yes : t.no}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Outcome({ card }: { card: CardSummary }) {
  const { t } = useDashboard();
  if (card.lastRefreshError) return <span class="pill bad">{card.lastRefreshError}</span>;
  if (card.lastRefreshAt) return <span class="pill good">{card.refreshState ?? t.ok}</span>;
  return <span class="muted">—</span>;
}

export function ErrorNote({ message }: { message: string }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}
