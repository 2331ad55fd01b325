import { SIM_SCENARIOS } from "./sim-scenarios.js";

/**
 * The `GET /create` page a person lands on (the protocol's "guide the user to create a
 * SimpleFIN Token"): pick a scenario and a user name, get a token to paste into the app.
 */
export function createPage(created: { token: string; user: string; scenario: string } | null): string {
  const options = Object.entries(SIM_SCENARIOS)
    .map(
      ([name, s]) =>
        `<option value="${name}"${name === created?.scenario ? " selected" : ""}>${name}: ${escapeHtml(s.description)}</option>`,
    )
    .join("");
  const result = created
    ? `<h2>Your setup token</h2><p>For user <code>${escapeHtml(created.user)}</code>, scenario <code>${escapeHtml(created.scenario)}</code>. It can be claimed once.</p>` +
      `<textarea readonly rows="4" cols="80">${escapeHtml(created.token)}</textarea>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SimpleFIN simulator</title></head><body>
<h1>SimpleFIN simulator: create a setup token</h1>
<form method="post"><label>Scenario <select name="scenario">${options}</select></label>
<label>User <input name="user" value="${escapeHtml(created?.user ?? "")}" placeholder="any name; the same name keeps the same accounts"></label>
<button type="submit">Create token</button></form>${result}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
