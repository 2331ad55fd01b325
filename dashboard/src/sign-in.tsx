import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiFailure, type DashboardApi, type Viewer } from "./api";
import type { Strings } from "./i18n";

/** The sign-in form: customerId and secret key, posted once; the server answers with an HttpOnly cookie. */
export function SignIn(props: { api: DashboardApi; t: Strings; onSignedIn(viewer: Viewer): void; children: ComponentChildren }) {
  const { api, t } = props;
  const [customerId, setCustomerId] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      props.onSignedIn(await api.send<Viewer>("POST", "/sign-in", { customerId: customerId.trim(), secretKey }));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : t.error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="content" class="sign-in" data-screen="sign-in">
      <div class="corner">{props.children}</div>
      <h1>{t.signInTitle}</h1>
      <p class="muted">{t.signInIntro}</p>
      <form onSubmit={submit} aria-describedby={error ? "sign-in-error" : undefined}>
        <label for="customer-id">{t.customerId}</label>
        <input
          id="customer-id"
          name="customerId"
          autoComplete="username"
          required
          value={customerId}
          onInput={(e) => setCustomerId(e.currentTarget.value)}
        />
        <label for="secret-key">{t.secretKey}</label>
        <input
          id="secret-key"
          name="secretKey"
          type="password"
          autoComplete="current-password"
          required
          value={secretKey}
          onInput={(e) => setSecretKey(e.currentTarget.value)}
        />
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t.signIn}
        </button>
      </form>
    </main>
  );
}
