import type { Strings } from "./i18n";

/**
 * A link to where a person gets a credential (`loginForm.helpUrl`), in a new tab so the flow
 * stays where it is. Only http(s) addresses and paths on this server are drawn: the URL comes
 * from the server's configuration, but a `javascript:` one must still never become a link.
 */
export function HelpLink({ url, text, t }: { url: string | undefined; text: string; t: Strings }) {
  const href = url && isSafeHelpUrl(url) ? url : null;
  if (!href) return null;
  return (
    <p class="help-link">
      <a href={href} target="_blank" rel="noreferrer noopener">
        {text}
        <span class="visually-hidden"> {t.opensInNewTab}</span>
      </a>
    </p>
  );
}

export function isSafeHelpUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url) || /^\/(?![/\\])[^\s]*$/.test(url);
}
