import { ErrorNote } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";
import { formatTime } from "./i18n";
import { href } from "./route";

interface JobRow {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  updatedAt: string;
  lastError: string | null;
  subject: string | null;
}

const ORDER = ["running", "queued", "failed", "done"];

/** Background jobs of the customer's cards and webhook events: queued, running, failed and done, by kind. */
export function Jobs() {
  const { api, t, language, signedOut } = useDashboard();
  const { data, error } = usePoll(() => api.get<{ now: string; jobs: JobRow[] }>("/jobs"), "jobs", signedOut);
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  if (data.jobs.length === 0) return <p>{t.noJobs}</p>;
  const kinds = [...new Set(data.jobs.map((job) => job.kind))].sort();
  return (
    <>
      <div class="table-wrap narrow">
        <table>
          <caption class="visually-hidden">{t.jobs}</caption>
          <thead>
            <tr>
              <th scope="col">{t.kind}</th>
              {ORDER.map((state) => (
                <th scope="col" class="num" key={state}>
                  {t.jobState[state]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kinds.map((kind) => (
              <tr key={kind}>
                <th scope="row">{kind}</th>
                {ORDER.map((state) => (
                  <td class="num" key={state}>
                    {data.jobs.filter((job) => job.kind === kind && job.state === state).length}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t.eachJob}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.kind}</th>
              <th scope="col">{t.state}</th>
              <th scope="col" class="num">
                {t.attempts}
              </th>
              <th scope="col">{t.nextRunAt}</th>
              <th scope="col">{t.subject}</th>
              <th scope="col">{t.lastError}</th>
            </tr>
          </thead>
          <tbody>
            {data.jobs.map((job) => (
              <tr key={job.id} data-kind={job.kind} data-state={job.state}>
                <td>{job.kind}</td>
                <td>
                  <span class={`pill ${job.state === "done" ? "good" : job.state === "failed" ? "bad" : "wait"}`}>
                    {t.jobState[job.state] ?? job.state}
                  </span>
                </td>
                <td class="num">
                  {job.attempts}/{job.maxAttempts}
                </td>
                <td>{job.state === "queued" ? formatTime(job.runAt, language) : "—"}</td>
                <td class="mono">
                  {job.subject && job.kind !== "webhook-delivery" ? (
                    <a href={href("cards", job.subject)}>{job.subject.slice(0, 8)}…</a>
                  ) : (
                    (job.subject?.slice(0, 8) ?? "—")
                  )}
                </td>
                <td class="small">{job.lastError ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
