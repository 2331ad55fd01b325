/**
 * The Content-Security-Policy of /docs (Swagger UI, served by @fastify/swagger-ui). Its page
 * loads only its own scripts (no inline script), but the UI sets inline `style` attributes
 * as it renders, hence `'unsafe-inline'` for styles only; its icons are `data:` images, and it
 * fetches the OpenAPI document and "Try it out" calls from this origin. Nothing may frame it.
 * test/e2e/docs-page.test.ts renders it in Chromium under this policy.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
