import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ApiPluginOptions } from "../api-services.js";
import { installRouteAuth } from "../plumbing/route-auth.js";
import { registerCustomerSettings } from "./customer-settings.js";
import { registerInstitutions } from "./institutions.js";
import { registerSessionIntrospection } from "./session-introspection.js";
import { registerUsage } from "./usage.js";
import { registerWebhookRoutes } from "./webhooks.js";

/** bankgate's own API under /bankgate/v1: the institution list, and operator endpoints (sessions, usage, webhooks, settings). */
export const bankgateApi: FastifyPluginAsyncTypebox<ApiPluginOptions> = async (app, { services }) => {
  installRouteAuth(app, services.callerAuth);
  registerInstitutions(app, services);
  registerSessionIntrospection(app, services);
  registerUsage(app, services);
  registerWebhookRoutes(app, services);
  registerCustomerSettings(app, services);
};
