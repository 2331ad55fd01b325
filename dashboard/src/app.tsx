import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiFailure, DashboardApi, type Viewer } from "./api";
import { CardDetail } from "./card-detail";
import { Cards } from "./cards";
import { ClockScreen } from "./clock";
import { Dashboard, type DashboardContext } from "./context";
import { initialLanguage, type Language, saveLanguage, stringsFor } from "./i18n";
import { Jobs } from "./jobs";
import { href, SECTIONS, useRoute } from "./route";
import { Scripts } from "./scripts";
import { SessionDetail, Sessions } from "./sessions";
import { SignIn } from "./sign-in";
import { Usage } from "./usage";
import { Webhooks } from "./webhooks";

/** The page: sign-in, or the signed-in shell (banner, navigation, the current screen, a live region). */
export function App() {
  const api = useMemo(() => new DashboardApi(), []);
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [viewer, setViewer] = useState<Viewer | null | "loading">("loading");
  const [message, setMessage] = useState("");
  const t = stringsFor(language);
  const route = useRoute();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t.title;
  }, [language, t.title]);

  const accept = useCallback(
    (next: Viewer) => {
      api.useToken(next.csrfToken);
      setViewer(next);
    },
    [api],
  );
  useEffect(() => {
    api
      .get<Viewer>("/session")
      .then(accept)
      .catch(() => setViewer(null));
  }, [api, accept]);

  // A new screen: its heading takes the focus, so keyboard and screen-reader users start there.
  useEffect(() => {
    heading.current?.focus();
  }, [route.section, route.id]);

  const signedOut = useCallback(() => setViewer(null), []);
  const toggleLanguage = () => {
    const next = language === "en" ? "fr" : "en";
    saveLanguage(next);
    setLanguage(next);
  };
  const languageButton = (
    <button type="button" class="link" lang={language === "en" ? "fr" : "en"} aria-label={t.languageLabel} onClick={toggleLanguage}>
      {t.language}
    </button>
  );

  if (viewer === "loading") return <p class="loading">{t.loading}</p>;
  if (viewer === null)
    return (
      <SignIn api={api} t={t} onSignedIn={accept}>
        {languageButton}
      </SignIn>
    );

  const context: DashboardContext = { api, viewer, t, language, signedOut, announce: setMessage };
  const signOut = async () => {
    try {
      await api.send("POST", "/sign-out");
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
    }
    setViewer(null);
  };
  const title = route.id && route.section === "cards" ? t.cards : t[route.section];

  return (
    <Dashboard.Provider value={context}>
      <a class="skip" href="#content">
        {t.skip}
      </a>
      <header class="banner">
        <strong class="brand">{t.title}</strong>
        <span class="who">
          {t.signedInAs(viewer.customerId)}
          {viewer.mode === "read-only" && <span class="badge">{t.readOnly}</span>}
        </span>
        {languageButton}
        <button type="button" onClick={signOut}>
          {t.signOut}
        </button>
      </header>
      <nav aria-label={t.sections}>
        <ul>
          {SECTIONS.map((section) => (
            <li key={section}>
              <a href={href(section)} aria-current={route.section === section ? "page" : undefined}>
                {t[section]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" data-screen={route.section}>
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {route.section === "cards" && (route.id ? <CardDetail loginId={route.id} /> : <Cards />)}
        {route.section === "sessions" && (route.id ? <SessionDetail requestId={route.id} /> : <Sessions />)}
        {route.section === "clock" && <ClockScreen />}
        {route.section === "webhooks" && <Webhooks />}
        {route.section === "jobs" && <Jobs />}
        {route.section === "usage" && <Usage />}
        {route.section === "scripts" && <Scripts />}
      </main>
      <p class="visually-hidden" role="status" aria-live="polite">
        {message}
      </p>
    </Dashboard.Provider>
  );
}
