import { render } from "preact";
import { ConnectApi } from "./api";
import { App } from "./app";
import { createEmitter } from "./emitter";
import { Flow, type Screen } from "./flow";
import { stringsFor } from "./i18n";
import { readParams, readServerSettings } from "./settings";
import "./styles.css";

const params = readParams(window.location.search);
const server = readServerSettings(document);
const strings = stringsFor(params.language);
document.documentElement.lang = params.language;
document.title = strings.title;
applyTheme(params);

const emit = createEmitter({ parentOrigins: server.parentOrigins, stringify: params.stringify, tag: params.tag });
const api = new ConnectApi(server.customerId, params.authorizeToken);
let show: (screen: Screen) => void = () => {};
const flow = new Flow({
  params,
  server,
  api,
  emit,
  show: (screen) => show(screen),
  navigate(url, inner) {
    try {
      // A cross-origin top window exposes only the href setter and replace(), not assign().
      (inner ? window : (window.top ?? window)).location.href = url;
      return true;
    } catch {
      return false; // a browser refusing top navigation: the success screen offers a link instead
    }
  },
  rememberInUrl(requestId, token) {
    const url = new URL(window.location.href);
    if (requestId) url.searchParams.set("requestId", requestId);
    else url.searchParams.delete("requestId");
    if (token) url.searchParams.set("authorizeToken", token);
    window.history.replaceState(null, "", url.href);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

window.addEventListener("online", () => emit("APP_ONLINE"));
window.addEventListener("offline", () => emit("APP_OFFLINE"));

const root = document.getElementById("app") as HTMLElement;
render(
  <App
    flow={flow}
    params={params}
    strings={strings}
    customerName={params.customerName ?? server.customerName}
    onReady={(set) => (show = set)}
  />,
  root,
);
void flow.start();

/** theme, backgroundColor, foregroundColor1 (text) and foregroundColor2 (buttons, accents) as CSS custom properties. */
function applyTheme(p: typeof params): void {
  const style = document.documentElement.style;
  document.documentElement.dataset.theme = p.theme;
  if (p.backgroundColor) style.setProperty("--bg", p.backgroundColor);
  if (p.foregroundColor1) style.setProperty("--fg", p.foregroundColor1);
  if (p.foregroundColor2) style.setProperty("--accent", p.foregroundColor2);
}
