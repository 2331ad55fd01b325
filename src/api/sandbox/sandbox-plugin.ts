import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ApiPluginOptions } from "../api-services.js";
import { installRouteAuth } from "../plumbing/route-auth.js";
import { registerSandboxCards } from "./sandbox-cards.js";
import { registerSandboxClock } from "./sandbox-clock.js";
import { registerSandboxScripts } from "./sandbox-scripts.js";
import { registerSandboxSessions } from "./sandbox-sessions.js";
import { registerSandboxSimpleFin } from "./sandbox-simplefin.js";

/** The sandbox control plane under /sandbox/v1 (registered only while it is on: absent routes answer 404 NOT_FOUND). */
export const sandboxApi: FastifyPluginAsyncTypebox<ApiPluginOptions> = async (app, { services }) => {
  if (!services.sandbox) return;
  installRouteAuth(app, services.callerAuth);
  registerSandboxClock(app, services.sandbox.clock);
  registerSandboxCards(app, services.sandbox.controls);
  registerSandboxScripts(app, services.sandbox.controls);
  registerSandboxSessions(app, services);
  if (services.sandbox.simpleFinSetupToken) registerSandboxSimpleFin(app, services.sandbox.simpleFinSetupToken);
};
