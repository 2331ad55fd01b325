import { ErrorNote } from "./cards";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";

interface UsageDays {
  from: string;
  to: string;
  total: number;
  days: Array<{ day: string; liveConnections: number }>;
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 36 };

/** Billable live connections per day, a plain SVG bar chart (no chart library: 31 bars need none) with the same figures as a table for screen readers. */
export function Usage() {
  const { api, t, signedOut } = useDashboard();
  const { data, error } = usePoll(() => api.get<UsageDays>("/usage"), "usage", signedOut, 10_000);
  if (error) return <ErrorNote message={error.message} />;
  if (!data) return <p class="loading">{t.loading}</p>;
  const max = Math.max(1, ...data.days.map((d) => d.liveConnections));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / data.days.length;
  const ticks = [...new Set([0, Math.ceil(max / 2), max])];
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">{t.usageTitle}</h2>
      <p>{t.total(data.total)}</p>
      <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="usage-title" aria-describedby="usage-table">
        <title>{t.usageTitle}</title>
        {ticks.map((tick) => {
          const y = PAD.top + plotH - (tick / max) * plotH;
          return (
            <g key={tick}>
              <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} class="grid" />
              <text x={PAD.left - 6} y={y + 4} class="axis" text-anchor="end">
                {tick}
              </text>
            </g>
          );
        })}
        {data.days.map((day, index) => {
          const h = (day.liveConnections / max) * plotH;
          const x = PAD.left + index * step + step * 0.15;
          return (
            <g key={day.day}>
              <rect
                x={x}
                y={PAD.top + plotH - h}
                width={step * 0.7}
                height={h}
                class="bar"
                data-day={day.day}
                data-value={day.liveConnections}
              >
                <title>{`${day.day}: ${day.liveConnections}`}</title>
              </rect>
              {index % 5 === 0 || index === data.days.length - 1 ? (
                <text x={x + step * 0.35} y={HEIGHT - 8} class="axis" text-anchor="middle">
                  {day.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div id="usage-table" class="visually-hidden">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.day}</th>
              <th scope="col">{t.connections}</th>
            </tr>
          </thead>
          <tbody>
            {data.days.map((day) => (
              <tr key={day.day}>
                <td>{day.day}</td>
                <td>{day.liveConnections}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
