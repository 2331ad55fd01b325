/**
 * `import { connectInWidget } from "bankgate/playwright"`: drives the Connect widget in an
 * integrator's own Playwright tests (docs/playwright.md). playwright-core is a peer: this
 * module only calls the Frame and Page it is given.
 */
export { type ConnectInWidgetOptions, connectInWidget } from "./connect-in-widget.js";
export type { WidgetEvent } from "./widget-events.js";
export type { Answer, Answers } from "./widget-forms.js";
