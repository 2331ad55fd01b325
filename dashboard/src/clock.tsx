import { useState } from "preact/hooks";
import { ApiFailure } from "./api";
import { ErrorNote, Outcome } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { formatTime } from "./i18n";
import { href } from "./route";
import type { CardSummary, ClockView } from "./types";

/** The virtual clock (advance, freeze, unfreeze), the nightly run, and the cards' last outcomes. */
export function ClockScreen() {
  const { api, t, language, viewer, signedOut, announce } = useDashboard();
  const clock = usePoll(() => api.get<ClockView>("/clock"), "clock", signedOut);
  const cards = usePoll(() => api.get<{ cards: CardSummary[] }>("/cards"), "clock-cards", signedOut);
  const [seconds, setSeconds] = useState("60");
  const [problem, setProblem] = useState("");
  const readOnly = viewer.mode === "read-only";

  const act = async (path: string, body?: unknown) => {
    setProblem("");
    try {
      const next = await api.send<ClockView>("POST", path, body);
      announce(`${t.virtualTime}: ${formatTime(next.now, language)}`);
      clock.reload();
      cards.reload();
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : t.error);
    }
  };
  if (clock.error) return <ErrorNote message={clock.error.message} />;
  const view = clock.data;
  if (!view) return <p class="loading">{t.loading}</p>;
  const disabled = readOnly || !view.sandbox;

  return (
    <>
      <section aria-labelledby="virtual-time">
        <h2 id="virtual-time">{t.virtualTime}</h2>
        <p class="big mono" data-testid="clock-now">
          {formatTime(view.now, language)} UTC
        </p>
        <p>
          {t.offset}: <span class="mono">{Math.round(view.offsetSeconds)} s</span> ·{" "}
          <span class={`pill ${view.frozen ? "wait" : "good"}`}>{view.frozen ? t.frozen : t.running}</span>
        </p>
        {!view.sandbox && <p class="muted">{t.noSandbox}</p>}
        <fieldset class="actions" disabled={disabled}>
          <legend>{t.advanceBy}</legend>
          {t.presets.map(([amount, label]) => (
            <button type="button" key={amount} onClick={() => act("/clock/advance", { seconds: amount })}>
              +{label}
            </button>
          ))}
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              act("/clock/advance", { seconds: Number(seconds) });
            }}
          >
            <label for="advance-seconds">{t.advanceSeconds}</label>
            <input
              id="advance-seconds"
              type="number"
              min={1}
              max={31536000}
              required
              value={seconds}
              onInput={(e) => setSeconds(e.currentTarget.value)}
            />
            <button type="submit">{t.advance}</button>
          </form>
          <button type="button" onClick={() => act(view.frozen ? "/clock/unfreeze" : "/clock/freeze")}>
            {view.frozen ? t.unfreeze : t.freeze}
          </button>
        </fieldset>
        {problem && <ErrorNote message={problem} />}
      </section>
      <section aria-labelledby="nightly">
        <h2 id="nightly">{t.nightly}</h2>
        {view.nightly.enabled ? (
          <p>
            {t.nextRun}: {formatTime(view.nightly.nextRunAt, language)} UTC
          </p>
        ) : (
          <p class="muted">{t.nightlyOff}</p>
        )}
        <button type="button" class="primary" disabled={disabled || !view.nightly.enabled} onClick={() => act("/clock/run-nightly")}>
          {t.runNightly}
        </button>
        <h3>{t.lastNight}</h3>
        {cards.data && cards.data.cards.length > 0 ? (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.loginId}</th>
                  <th scope="col">{t.night}</th>
                  <th scope="col">{t.lastRefresh}</th>
                  <th scope="col">{t.outcome}</th>
                </tr>
              </thead>
              <tbody>
                {cards.data.cards.map((card) => (
                  <tr key={card.loginId}>
                    <td>
                      <a class="mono" href={href("cards", card.loginId)}>
                        {card.loginId.slice(0, 8)}…
                      </a>
                    </td>
                    <td>{card.nightlyNight ?? "—"}</td>
                    <td>{formatTime(card.refreshAttemptedAt ?? card.lastRefreshAt, language)}</td>
                    <td>
                      <Outcome card={card} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.noCards}</p>
        )}
      </section>
    </>
  );
}
