import type { ApiServices, TypedApp } from "../api-services.js";

/** Nothing runs, loads or frames this page: it is text and two links. */
const INDEX_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>bankgate Connect</title>
</head>
<body>
<h1>bankgate Connect</h1>
<p>The Connect widget lives at <code>/connect/{customerId}/</code>, with Flinks Connect's URL parameters:</p>
<pre>/connect/{customerId}/?authorizeToken={token}&amp;demo=true&amp;redirectUrl={an allow-listed URL}</pre>
<ol>
<li>Your server gets a single-use <code>authorizeToken</code> from
<code>POST /v3/{customerId}/BankingServices/GenerateAuthorizeToken</code> with the secret key in
<code>flinks-auth-key</code>; generate one for each page load.</li>
<li>Load the widget in an iframe of a page whose origin the customer allows, with that token.
To resume a session at its MFA prompt, or reconnect a card, add <code>requestId={RequestId}</code>:
the token is still required.</li>
</ol>
<p>The API reference is at <a href="/docs">/docs</a>; the institutions this server reaches are at
<a href="/bankgate/v1/institutions">/bankgate/v1/institutions</a>.</p>
</body>
</html>
`;

/**
 * GET /connect/ (no customer id): in a development deployment, the development customer's
 * widget with the sandbox institutions; anywhere else, a page that says what the widget's URL
 * looks like, rather than a bare 404.
 */
export function registerConnectIndex(app: TypedApp, services: ApiServices): void {
  app.get("/connect", { schema: { hide: true }, config: { auth: "public" } }, async function connectIndex(_request, reply) {
    const customerId = services.development?.customerId;
    if (customerId) return reply.redirect(`/connect/${customerId}/?demo=true`, 302);
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", INDEX_CSP)
      .header("x-content-type-options", "nosniff")
      .send(PAGE);
  });
}
