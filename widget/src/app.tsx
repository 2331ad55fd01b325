import { useLayoutEffect, useState } from "preact/hooks";
import type { Flow, Screen } from "./flow";
import type { Strings } from "./i18n";
import { MfaScreen } from "./mfa";
import { Panel } from "./panel";
import { AccountsScreen, ConsentScreen, CredentialsScreen, InstitutionsScreen } from "./screens";
import type { Params } from "./settings";
import { SetupTokenScreen } from "./token-form";

interface AppProps {
  flow: Flow;
  params: Params;
  strings: Strings;
  customerName: string | null;
  onReady(show: (screen: Screen) => void): void;
}

export function App({ flow, params, strings: t, customerName, onReady }: AppProps) {
  const [screen, setScreen] = useState<Screen>({ kind: "loading", message: "loading" });
  // Registered before the flow starts (main.tsx), so no screen is ever missed.
  useLayoutEffect(() => onReady(setScreen), []);
  return (
    <div class="shell">
      {params.headerEnable && (
        <header class="header">
          {params.headerImgEnable && <LockIcon />}
          <span class="header-title">{t.secure}</span>
          {params.closeEnable && (
            <button type="button" class="icon-button" aria-label={t.close} onClick={() => flow.close()}>
              ×
            </button>
          )}
        </header>
      )}
      {!params.headerEnable && params.closeEnable && (
        <button type="button" class="icon-button floating" aria-label={t.close} onClick={() => flow.close()}>
          ×
        </button>
      )}
      <main class="content" data-screen={screen.kind}>
        <ScreenView screen={screen} flow={flow} params={params} t={t} customerName={customerName} />
      </main>
    </div>
  );
}

function ScreenView({
  screen,
  flow,
  params,
  t,
  customerName,
}: {
  screen: Screen;
  flow: Flow;
  params: Params;
  t: Strings;
  customerName: string | null;
}) {
  switch (screen.kind) {
    case "loading":
      return (
        <div class="loading" role="status" aria-live="polite">
          <span class="spinner" aria-hidden="true" />
          <p>{t[screen.message]}</p>
        </div>
      );
    case "consent":
      return <ConsentScreen flow={flow} params={params} t={t} customerName={customerName ?? t.anApp} />;
    case "institutions":
      return <InstitutionsScreen flow={flow} params={params} t={t} institutions={screen.institutions} />;
    case "credentials": {
      const Form = screen.institution.loginForm?.username === "derived" ? SetupTokenScreen : CredentialsScreen;
      return <Form key={`${screen.institution.id}-${screen.error}`} flow={flow} params={params} t={t} screen={screen} />;
    }
    case "mfa":
      return <MfaScreen key={screen.challenges.map((c) => c.prompt).join("|") + screen.error} flow={flow} t={t} screen={screen} />;
    case "accounts":
      return <AccountsScreen flow={flow} params={params} t={t} screen={screen} />;
    case "success":
      return (
        <Panel title={t.successTitle} icon={<CheckIcon />}>
          <p>{t.successBody(screen.institution)}</p>
          {screen.url && screen.navigating && <p class="muted">{t.redirecting}</p>}
          {screen.url && !screen.navigating && !params.jsRedirect && (
            <a class="button primary" href={screen.url} target={params.innerRedirect ? "_self" : "_top"} rel="noreferrer">
              {t.continueLink}
            </a>
          )}
        </Panel>
      );
    case "error":
      return (
        <Panel title={t.errorTitle} icon={<AlertIcon />}>
          <p role="alert">{t.errors[screen.error]}</p>
          {screen.restart && (
            <button type="button" class="button primary" onClick={() => flow.restart()}>
              {t.startAgain}
            </button>
          )}
        </Panel>
      );
    case "closed":
      return (
        <Panel title={t.title}>
          <p>{t.consentDenied}</p>
        </Panel>
      );
  }
}

function LockIcon() {
  return (
    <svg class="lock" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
      <path
        fill="currentColor"
        d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5Zm-3 8V7a3 3 0 0 1 6 0v3H9Z"
      />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
      <circle cx="12" cy="12" r="11" fill="var(--ok)" />
      <path d="m7 12.5 3.2 3.2L17 9" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

function AlertIcon() {
  return (
    <svg viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
      <circle cx="12" cy="12" r="11" fill="var(--danger)" />
      <path d="M12 6.5v7M12 17v.5" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" />
    </svg>
  );
}
