import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { CardDataService } from "../card-data/card-data-service.js";
import type { ConnectorRegistry } from "../connectors/registry.js";
import type { AuthorizeTokenIssuer } from "../customers/authorize-token-issuer.js";
import type { CallerAuth } from "../customers/caller-auth.js";
import type { CustomerDirectory } from "../customers/customer-directory.js";
import type { CustomerSettings } from "../customers/customer-settings.js";
import type { UsageReport } from "../customers/usage-report.js";
import type { VirtualTimeControl } from "../lib/virtual-clock.js";
import type { SandboxControls } from "../logins/sandbox-controls.js";
import type { CardRefreshService } from "../refresh/card-refresh-service.js";
import type { AuthorizeService } from "../sessions/authorize-service.js";
import type { SessionInspector } from "../sessions/session-inspector.js";
import type { TokenRenewal } from "../sessions/token-renewal.js";
import type { CreatedSetupToken } from "../sim/simplefin/setup-tokens.js";
import type { WebhookLog } from "../webhooks/webhook-log.js";
import type { WebhookSettings } from "../webhooks/webhook-settings.js";
import type { WidgetFiles } from "./connect/widget-files.js";
import type { DashboardServices } from "./dashboard/dashboard-services.js";

/** A Fastify instance whose route schemas are TypeBox: what every route plugin receives. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Everything the route plugins call: one shape for every plugin, built by deps.ts. */
export interface ApiServices {
  callerAuth: CallerAuth;
  customers: CustomerDirectory;
  /** The customer's own switches (operator API). */
  customerSettings: CustomerSettings;
  tokenIssuer: AuthorizeTokenIssuer;
  tokenRenewal: TokenRenewal;
  authorize: AuthorizeService;
  sessionInspector: SessionInspector;
  cardData: CardDataService;
  cardRefresh: CardRefreshService;
  connectors: ConnectorRegistry;
  /** Server-Timing on the routes that call an institution inline. */
  usage: UsageReport;
  webhookSettings: WebhookSettings;
  webhookLog: WebhookLog;
  /** The built Connect widget (null until built); read on each request so a rebuild needs no restart. */
  widget(): WidgetFiles | null;
  /** The sandbox control plane, when BANKGATE_SANDBOX_CONTROL is on. */
  sandbox: {
    clock: VirtualTimeControl;
    controls: SandboxControls;
    /** A setup token of the built-in SimpleFIN simulator, when the simulators are on. */
    simpleFinSetupToken: ((scenario?: string) => Promise<CreatedSetupToken>) | null;
  } | null;
  /** The dashboard at /dashboard/, when BANKGATE_DASHBOARD is on or read-only (docs/dashboard.md). */
  dashboard: DashboardServices | null;
  /** The development customer, whose sandbox-scope tokens the demo page hands out, when the demo is on. */
  demoCustomerId: string | null;
  /**
   * Set in a development deployment (docs/configuration.md): the widget then names a missing or
   * refused URL parameter instead of a neutral message, and `/connect/` leads to the development
   * customer's widget. Null otherwise.
   */
  development: { customerId: string | null } | null;
}

/** The options every route plugin takes. */
export interface ApiPluginOptions {
  services: ApiServices;
}
