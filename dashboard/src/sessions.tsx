import { ErrorNote } from "./cards";
import { useDashboard } from "./context";
import { usePoll, useSecondTick } from "./hooks";
import { formatCountdown, formatTime } from "./i18n";
import { href } from "./route";
import type { SessionRow, Timeline } from "./types";

/**
 * Server time now, estimated between polls: the server's `now` when the answer came, plus the
 * page's own elapsed time (the virtual clock runs at real speed, ahead or not), none while frozen.
 */
function serverNow(serverIso: string, frozen: boolean, receivedAt: number, tick: number): number {
  return Date.parse(serverIso) + (frozen ? 0 : Math.max(0, tick - receivedAt));
}

/** Live and recent sessions, with countdowns to their idle expiry and their cap. */
export function Sessions() {
  const { api, t, signedOut } = useDashboard();
  const { data, error, receivedAt } = usePoll(
    () => api.get<{ now: string; frozen: boolean; sessions: SessionRow[] }>("/sessions"),
    "sessions",
    signedOut,
  );
  const tick = useSecondTick();
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  if (data.sessions.length === 0) return <p>{t.noSessions}</p>;
  const now = serverNow(data.now, data.frozen, receivedAt, tick);
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{t.sessions}</caption>
        <thead>
          <tr>
            <th scope="col">{t.requestId}</th>
            <th scope="col">{t.institution}</th>
            <th scope="col">{t.mode}</th>
            <th scope="col">{t.state}</th>
            <th scope="col">{t.pending}</th>
            <th scope="col">{t.idleExpiry}</th>
            <th scope="col">{t.capExpiry}</th>
          </tr>
        </thead>
        <tbody>
          {data.sessions.map((session) => {
            const expired = session.expired || now >= Date.parse(session.expiresAt);
            return (
              <tr key={session.requestId} data-request-id={session.requestId} data-state={expired ? "expired" : session.state}>
                <td>
                  <a class="mono" href={href("sessions", session.requestId)}>
                    {session.requestId.slice(0, 8)}…
                  </a>
                </td>
                <td>{session.institution}</td>
                <td>{session.mode}</td>
                <td>
                  <StatePill state={session.state} code={session.errorCode} expired={expired} />
                </td>
                <td>{session.pendingPrompts.join(" · ") || "—"}</td>
                <td class="num mono">{expired ? "—" : formatCountdown(Date.parse(session.expiresAt) - now)}</td>
                <td class="num mono">{expired ? "—" : formatCountdown(Date.parse(session.absoluteExpiresAt) - now)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function StatePill({ state, code, expired }: { state: string; code: string | null; expired: boolean }) {
  const { t } = useDashboard();
  if (expired) return <span class="pill bad">{t.expired}</span>;
  const tone = state === "authorized" ? "good" : state === "failed" ? "bad" : "wait";
  return (
    <span class={`pill ${tone}`}>
      {state}
      {state === "failed" && code ? ` · ${code}` : ""}
    </span>
  );
}

/** One session's timeline: each step with its time; prompts shown, answers never. */
export function SessionDetail({ requestId }: { requestId: string }) {
  const { api, t, language, signedOut } = useDashboard();
  const path = `/sessions/${encodeURIComponent(requestId)}`;
  const { data, error, receivedAt } = usePoll(() => api.get<Timeline>(path), path, signedOut);
  const tick = useSecondTick();
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  const now = serverNow(data.now, data.frozen, receivedAt, tick);
  const expired = data.expired || now >= Date.parse(data.expiresAt);
  return (
    <>
      <p>
        <a href={href("sessions")}>← {t.back}</a>
      </p>
      <dl class="facts">
        <dt>{t.requestId}</dt>
        <dd class="mono">{data.requestId}</dd>
        <dt>{t.institution}</dt>
        <dd>{data.institution}</dd>
        <dt>{t.state}</dt>
        <dd>
          <StatePill state={data.state} code={null} expired={expired} />
        </dd>
        {data.loginId && (
          <>
            <dt>{t.loginId}</dt>
            <dd>
              <a class="mono" href={href("cards", data.loginId)}>
                {data.loginId}
              </a>
            </dd>
          </>
        )}
        <dt>{t.idleExpiry}</dt>
        <dd class="mono">{expired ? "—" : formatCountdown(Date.parse(data.expiresAt) - now)}</dd>
        <dt>{t.capExpiry}</dt>
        <dd class="mono">{expired ? "—" : formatCountdown(Date.parse(data.absoluteExpiresAt) - now)}</dd>
      </dl>
      <h2>{t.timeline}</h2>
      <ol class="timeline">
        {data.steps.map((step, index) => (
          <li key={`${index}-${step.kind}`} data-kind={step.kind} class={`step ${step.kind}`}>
            <time dateTime={step.at}>{formatTime(step.at, language)}</time>
            <span class="what">
              {t.step[step.kind] ?? step.kind}
              {step.code && (step.kind === "challenge" ? ` (${t.wrongAnswer}: ${step.code})` : ` · ${step.code}`)}
            </span>
            {step.prompts.length > 0 && (
              <ul class="prompts">
                {step.prompts.map((prompt) => (
                  <li key={prompt}>{prompt}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
