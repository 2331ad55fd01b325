import { formatMoney } from "../../ui-shared/format-money";
import { CardActions, Statements } from "./card-actions";
import { ErrorNote, Outcome } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { formatTime } from "./i18n";
import { href } from "./route";
import { Transactions } from "./transactions";
import type { CardDetailData } from "./types";

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
