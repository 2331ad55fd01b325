import { type ConnectEvent, parseConnectEvent } from "../events";
import "./demo.css";

/**
 * The demo parent app (/demo): embeds the widget, lists its events live, and after REDIRECT
 * fetches the card's accounts through the Flinks API (cached /Authorize + /GetAccountsDetail)
 * with authorize tokens from the demo-only token endpoint (development customer, sandbox on).
 */
interface DemoToken {
  customerId: string;
  token: string;
}

const frame = document.getElementById("connect") as HTMLIFrameElement;
const eventList = document.getElementById("events") as HTMLOListElement;
const accountsBox = document.getElementById("accounts") as HTMLDivElement;
const options = document.getElementById("options") as HTMLFormElement;
const resumeButton = document.getElementById("resume") as HTMLButtonElement;
const reconnectButton = document.getElementById("reconnect") as HTMLButtonElement;
const setupTokenButton = document.getElementById("simplefin-token") as HTMLButtonElement;
const setupTokenField = document.getElementById("simplefin-token-value") as HTMLTextAreaElement;

let customerId = "";
let pendingRequestId: string | null = null;
let loginId: string | null = null;
let selectedAccounts: string[] | null = null;

async function newToken(): Promise<DemoToken> {
  const response = await fetch("/demo/api/token", { method: "POST" });
  if (!response.ok) throw new Error("The demo needs the sandbox control plane (BANKGATE_SANDBOX_CONTROL=on) and a development customer.");
  const token = (await response.json()) as DemoToken;
  customerId = token.customerId;
  return token;
}

function widgetUrl(token: DemoToken, extra: Record<string, string> = {}): string {
  const form = new FormData(options);
  const query = new URLSearchParams({
    authorizeToken: token.token,
    demo: "true",
    language: String(form.get("language") ?? "en"),
    theme: String(form.get("theme") ?? "light"),
    accountSelectorEnable: String(form.has("accountSelectorEnable")),
    accountSelectorMultiple: String(form.has("accountSelectorMultiple")),
    consentEnable: String(form.has("consentEnable")),
    institutionFilterEnable: "true",
    customerName: "Demo app",
    redirectUrl: `${window.location.origin}/demo`,
    jsRedirect: "true",
    tag: "demo",
    ...extra,
  });
  return `/connect/${token.customerId}/?${query}`;
}

async function flinks(operation: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`/v3/${customerId}/BankingServices/${operation}`, {
    method: "POST",
    headers: { "content-type": "application/json", "flinks-auth-key": token },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function start(extra: Record<string, string> = {}): Promise<void> {
  frame.src = widgetUrl(await newToken(), extra);
}

window.addEventListener("message", (message: MessageEvent) => {
  if (message.origin !== window.location.origin || message.source !== frame.contentWindow) return;
  const event = parseConnectEvent(message.data);
  if (!event) return;
  showEvent(event);
  if (event.step === "COMPONENT_LOAD_MFA" || event.step === "COMPONENT_LOAD_MFA_RETRY") pendingRequestId = event.requestId;
  if (event.step === "REDIRECT") {
    pendingRequestId = null;
    loginId = event.loginId;
    selectedAccounts = event.accountIds ?? null;
    void showAccounts(event.loginId);
  }
  resumeButton.disabled = pendingRequestId === null;
  reconnectButton.disabled = loginId === null;
});

function showEvent(event: ConnectEvent): void {
  const item = document.createElement("li");
  const { step, schemaVersion: _version, ...fields } = event;
  const name = document.createElement("strong");
  name.textContent = step;
  item.append(name);
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join(" · ");
  if (details) item.append(` ${details}`);
  eventList.append(item);
  item.scrollIntoView({ block: "nearest" });
}

function say(text: string): void {
  accountsBox.textContent = text;
}

async function showAccounts(forLogin: string): Promise<void> {
  accountsBox.textContent = "Loading accounts…";
  const { token } = await newToken();
  const session = await flinks("Authorize", token, { LoginId: forLogin, MostRecentCached: true });
  if (session.status !== 200) return say(`Authorize: ${session.body.FlinksCode}`);
  let detail = await flinks("GetAccountsDetail", token, { RequestId: session.body.RequestId });
  for (let poll = 0; detail.status === 202 && poll < 60; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    detail = await flinks("GetAccountsDetail", token, { RequestId: session.body.RequestId });
  }
  if (detail.status !== 200) return say(`GetAccountsDetail: ${detail.body.FlinksCode}`);
  const accounts = detail.body.Accounts as Array<{
    Id: string;
    Title: string;
    Currency: string;
    Balance: { Current: number | null };
    Transactions: unknown[];
  }>;
  const table = document.createElement("table");
  table.innerHTML = "<thead><tr><th>Account</th><th>Balance</th><th>Transactions (90 days)</th></tr></thead>";
  const rows = document.createElement("tbody");
  for (const account of accounts) {
    const row = rows.insertRow();
    row.insertCell().textContent = account.Title;
    row.insertCell().textContent = `${account.Balance.Current ?? "—"} ${account.Currency}`;
    row.insertCell().textContent = String(account.Transactions.length);
  }
  table.append(rows);
  const note = document.createElement("p");
  note.className = "muted";
  note.textContent = `LoginId ${forLogin} · RequestId ${session.body.RequestId}`;
  accountsBox.replaceChildren(table, note);
}

options.addEventListener("submit", (e) => {
  e.preventDefault();
  pendingRequestId = null;
  resumeButton.disabled = true;
  void start();
});

// Resume: a new page load of the widget with the session's RequestId and a fresh token.
resumeButton.addEventListener("click", () => {
  if (pendingRequestId) void start({ requestId: pendingRequestId });
});

// Mid-Session Reconnect: a live refresh of the saved card; its 203 is answered in the widget.
reconnectButton.addEventListener("click", async () => {
  if (!loginId) return;
  const token = await newToken();
  const refresh = await flinks("Authorize", token.token, { LoginId: loginId, MostRecentCached: false, Save: true });
  if (refresh.status === 200) return void showAccounts(loginId);
  if (refresh.status !== 203) return say(`Reconnect: ${refresh.body.FlinksCode}`);
  const extra: Record<string, string> = { requestId: String(refresh.body.RequestId) };
  if (selectedAccounts) extra.resumeSelectedAccounts = selectedAccounts.join(",");
  frame.src = widgetUrl(token, extra);
});

// A SimpleFIN setup token of the built-in simulator, to paste into the widget (demo-only endpoint).
setupTokenButton.addEventListener("click", async () => {
  const response = await fetch("/demo/api/simplefin-token", { method: "POST" });
  if (!response.ok) {
    setupTokenField.value = "";
    setupTokenField.placeholder = "The SimpleFIN simulator is off (BANKGATE_SIMULATORS).";
    return;
  }
  setupTokenField.value = ((await response.json()) as { setupToken: string }).setupToken;
  setupTokenField.select();
});
setupTokenField.addEventListener("focus", () => setupTokenField.select());

void start().catch((error: unknown) => say(error instanceof Error ? error.message : String(error)));
