import { useState } from "preact/hooks";
import type { Institution } from "./api";
import type { Flow, Screen } from "./flow";
import { HelpLink } from "./help-link";
import { formatMoney, type Strings } from "./i18n";
import { Panel } from "./panel";
import type { Params } from "./settings";

interface Common {
  flow: Flow;
  params: Params;
  t: Strings;
}

export function ConsentScreen({ flow, params, t, customerName }: Common & { customerName: string }) {
  const [terms, setTerms] = useState(false);
  const [missing, setMissing] = useState(false);
  const accept = () => {
    if (params.termsUrl && !terms) return setMissing(true);
    void flow.acceptConsent();
  };
  const toggleTerms = (checked: boolean) => {
    setTerms(checked);
    setMissing(false);
    flow.consentTerms(checked);
  };
  return (
    <Panel title={t.consentTitle}>
      <p>{t.consentBody(customerName)}</p>
      {params.termsUrl && (
        <div class="terms">
          <label class="check">
            <input
              type="checkbox"
              checked={terms}
              onChange={(e) => toggleTerms(e.currentTarget.checked)}
              aria-describedby={missing ? "terms-error" : undefined}
            />
            <span>{t.termsLabel}</span>
          </label>
          <a href={params.termsUrl} target="_blank" rel="noreferrer noopener" onClick={() => flow.termsClicked()}>
            {t.termsLink}
          </a>
          {missing && (
            <p id="terms-error" class="error" role="alert">
              {t.termsRequired}
            </p>
          )}
        </div>
      )}
      <div class="actions">
        <button type="button" class="button primary" onClick={accept}>
          {t.consentAccept}
        </button>
        <button type="button" class="button" onClick={() => flow.denyConsent()}>
          {t.consentDeny}
        </button>
      </div>
    </Panel>
  );
}

export function InstitutionsScreen({ flow, params, t, institutions }: Common & { institutions: Institution[] }) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const shown = needle
    ? institutions.filter((i) => i.name.toLowerCase().includes(needle) || i.id.toLowerCase().includes(needle))
    : institutions;
  return (
    <Panel title={t.institutionsTitle}>
      {params.institutionFilterEnable && (
        <div class="field">
          <label for="institution-search">{t.search}</label>
          <input
            id="institution-search"
            type="search"
            autocomplete="off"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </div>
      )}
      {shown.length === 0 ? (
        <p class="muted" role="status">
          {institutions.length === 0 && !params.demo ? t.noInstitutionsDemo : t.noInstitutions}
        </p>
      ) : (
        <ul class="institutions">
          {shown.map((institution) => (
            <li key={institution.id}>
              <button type="button" class="institution" onClick={() => flow.selectInstitution(institution)}>
                {institution.logoUrl ? (
                  <img class="avatar" src={institution.logoUrl} alt="" width={36} height={36} />
                ) : (
                  <span class="avatar" aria-hidden="true">
                    {institution.name.slice(0, 1).toUpperCase()}
                  </span>
                )}
                <span>{institution.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export function CredentialsScreen({ flow, params, t, screen }: Common & { screen: Extract<Screen, { kind: "credentials" }> }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [reveal, setReveal] = useState(false);
  const errorId = screen.error ? "credentials-error" : undefined;
  // An institution may name its credentials its own way (loginForm, from the server).
  const form = screen.institution.loginForm;
  const usernameLabel = form?.usernameLabel?.[params.language] ?? t.username;
  const passwordLabel = form?.passwordLabel?.[params.language] ?? t.password;
  return (
    <Panel title={t.credentialsTitle(screen.institution.name)}>
      <form
        class="form"
        autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          // Credentials leave only in the /Authorize body: never the URL, storage or an event.
          if (username.trim() && password) void flow.submitCredentials(username.trim(), password);
        }}
      >
        <p class="muted">{t.credentialsHelp}</p>
        {screen.error && (
          <p id={errorId} class="error" role="alert">
            {t.errors[screen.error]}
          </p>
        )}
        <div class="field">
          <label for="username">{usernameLabel}</label>
          <input
            id="username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            aria-describedby={errorId}
            aria-invalid={screen.error === "INVALID_USERNAME" || undefined}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password">{passwordLabel}</label>
          <input
            id="password"
            name="password"
            type={(reveal ? "text" : "password") as "password"}
            autocomplete="current-password"
            required
            aria-describedby={errorId}
            aria-invalid={screen.error === "INVALID_PASSWORD" || undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <label class="check small">
            <input type="checkbox" checked={reveal} onChange={(e) => setReveal(e.currentTarget.checked)} />
            <span>{t.showPassword}</span>
          </label>
        </div>
        <HelpLink url={form?.helpUrl} text={t.credentialsHelpLink} t={t} />
        <div class="actions">
          <button type="submit" class="button primary">
            {t.signIn}
          </button>
          {params.backEnable && (
            <button type="button" class="button" onClick={() => void flow.showInstitutions()}>
              {t.back}
            </button>
          )}
        </div>
      </form>
    </Panel>
  );
}

export function AccountsScreen({ flow, params, t, screen }: Common & { screen: Extract<Screen, { kind: "accounts" }> }) {
  const multiple = params.accountSelectorMultiple;
  const [chosen, setChosen] = useState<string[]>(multiple ? screen.preselected : screen.preselected.slice(0, 1));
  const [missing, setMissing] = useState(false);
  const toggle = (id: string, checked: boolean) => {
    setMissing(false);
    setChosen((current) => (multiple ? (checked ? [...current, id] : current.filter((c) => c !== id)) : [id]));
  };
  const title = multiple ? t.accountsTitleMultiple : t.accountsTitle;
  return (
    <Panel title={title}>
      {screen.accounts.length === 0 ? (
        <p class="muted">{t.noAccounts}</p>
      ) : (
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen.length === 0) return setMissing(true);
            void flow.selectAccounts(
              screen,
              screen.accounts.filter((a) => chosen.includes(a.id)).map((a) => a.id),
            );
          }}
        >
          <fieldset class="choices" aria-describedby={missing ? "accounts-error" : undefined}>
            <legend class="visually-hidden">{title}</legend>
            {screen.accounts.map((account) => (
              <label key={account.id} class="choice account">
                <input
                  type={multiple ? "checkbox" : "radio"}
                  name="account"
                  value={account.id}
                  checked={chosen.includes(account.id)}
                  onChange={(e) => toggle(account.id, e.currentTarget.checked)}
                />
                <span class="account-text">
                  <span class="account-title">{account.title}</span>
                  <span class="muted">
                    •••• {account.lastFourDigits} · {account.currency}
                  </span>
                </span>
                <span class="account-balance">
                  <span class="visually-hidden">{t.balance} </span>
                  {formatMoney(account.balance.current, account.currency, params.language)}
                </span>
              </label>
            ))}
          </fieldset>
          {missing && (
            <p id="accounts-error" class="error" role="alert">
              {t.selectAtLeastOne}
            </p>
          )}
          <div class="actions">
            <button type="submit" class="button primary">
              {t.shareAccounts}
            </button>
          </div>
        </form>
      )}
    </Panel>
  );
}
