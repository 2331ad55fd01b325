import { useState } from "preact/hooks";
import type { Flow, Screen } from "./flow";
import { HelpLink } from "./help-link";
import type { Strings } from "./i18n";
import { Panel } from "./panel";
import type { Params } from "./settings";

/**
 * The one-field login of institutions whose username is derived (`loginForm.username:
 * "derived"`, SimpleFIN): paste a setup token, with a link to where one is made. The username
 * is derived from the token in Flow.submitSetupToken; nothing else is asked.
 */
export function SetupTokenScreen({
  flow,
  params,
  t,
  screen,
}: {
  flow: Flow;
  params: Params;
  t: Strings;
  screen: Extract<Screen, { kind: "credentials" }>;
}) {
  const [token, setToken] = useState("");
  const { institution } = screen;
  const form = institution.loginForm;
  const label = form?.passwordLabel?.[params.language] ?? t.tokenLabel;
  const errorId = screen.error ? "credentials-error" : undefined;
  return (
    <Panel title={t.tokenTitle(institution.name)}>
      <form
        class="form"
        autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          // The token leaves only in the /Authorize body: never the URL, storage or an event.
          if (token.trim()) void flow.submitSetupToken(token);
        }}
      >
        <p class="muted">{t.tokenHelp(institution.name)}</p>
        {screen.error && (
          <p id={errorId} class="error" role="alert">
            {t.errors[screen.error]}
          </p>
        )}
        <div class="field">
          <label for="setup-token">{label}</label>
          <textarea
            id="setup-token"
            name="setup-token"
            rows={4}
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            required
            aria-describedby={errorId}
            aria-invalid={screen.error !== null || undefined}
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </div>
        <HelpLink url={form?.helpUrl} text={t.tokenHelpLink} t={t} />
        <div class="actions">
          <button type="submit" class="button primary">
            {t.connect}
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
