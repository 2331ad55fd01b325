import { useState } from "preact/hooks";
import { ApiFailure } from "./api";
import { ErrorNote } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { formatTime } from "./i18n";
import type { Delivery } from "./types";

/** The receiver and the delivery log, with a replay button per event. */
export function Webhooks() {
  const { api, t, language, viewer, signedOut, announce } = useDashboard();
  const { data, error, reload } = usePoll(
    () => api.get<{ receiver: { url: string; updatedAt: string } | null; deliveries: Delivery[] }>("/webhooks"),
    "webhooks",
    signedOut,
  );
  const [url, setUrl] = useState<string | null>(null);
  const [note, setNote] = useState<{ text: string; bad: boolean } | null>(null);
  const readOnly = viewer.mode === "read-only";
  const run = async (action: () => Promise<string>) => {
    try {
      const text = await action();
      setNote({ text, bad: false });
      announce(text);
      reload();
    } catch (failure) {
      setNote({ text: failure instanceof ApiFailure ? failure.message : t.error, bad: true });
    }
  };
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  const shownUrl = url ?? data.receiver?.url ?? "";

  return (
    <>
      <section aria-labelledby="receiver">
        <h2 id="receiver">{t.receiver}</h2>
        {!data.receiver && <p class="muted">{t.noReceiver}</p>}
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            run(async () => {
              const saved = await api.send<{ url: string; generatedSecret: string | null }>("PUT", "/webhooks/receiver", { url: shownUrl });
              setUrl(null);
              return saved.generatedSecret ? t.newSecret(saved.generatedSecret) : t.save;
            });
          }}
        >
          <label for="receiver-url">{t.receiverUrl}</label>
          <input
            id="receiver-url"
            type="url"
            required
            class="wide"
            value={shownUrl}
            disabled={readOnly}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
          <button type="submit" disabled={readOnly}>
            {t.save}
          </button>
        </form>
        {note && (
          <p class={note.bad ? "error" : "ok"} role={note.bad ? "alert" : undefined}>
            {note.text}
          </p>
        )}
      </section>
      <section aria-labelledby="deliveries">
        <h2 id="deliveries">{t.deliveries}</h2>
        {data.deliveries.length === 0 ? (
          <p>{t.noDeliveries}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.event}</th>
                  <th scope="col">{t.date}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col" class="num">
                    {t.responseCode}
                  </th>
                  <th scope="col" class="num">
                    {t.latency}
                  </th>
                  <th scope="col" class="num">
                    {t.attempts}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t.actions}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.deliveries.map((delivery) => {
                  const last = delivery.attempts.at(-1);
                  return (
                    <tr key={delivery.eventId} data-event-id={delivery.eventId} data-state={delivery.state}>
                      <td>{delivery.type}</td>
                      <td>{formatTime(delivery.createdAt, language)}</td>
                      <td>
                        <span class={`pill ${delivery.state === "delivered" ? "good" : delivery.state === "failed" ? "bad" : "wait"}`}>
                          {delivery.state}
                        </span>
                      </td>
                      <td class="num mono">{last ? (last.statusCode ?? last.error ?? "—") : "—"}</td>
                      <td class="num mono">{last ? `${last.durationMs} ms` : "—"}</td>
                      <td class="num">{delivery.attempts.length}</td>
                      <td>
                        <button
                          type="button"
                          disabled={readOnly}
                          aria-label={`${t.replay} ${delivery.type} ${delivery.eventId}`}
                          onClick={() =>
                            run(async () => {
                              await api.send("POST", `/webhooks/${delivery.eventId}/replay`);
                              return t.replayed;
                            })
                          }
                        >
                          {t.replay}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
