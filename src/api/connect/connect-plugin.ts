import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ApiPluginOptions } from "../api-services.js";
import { installRouteAuth } from "../plumbing/route-auth.js";
import { registerConnectIndex } from "./connect-index.js";
import { registerConnectPage } from "./connect-page.js";
import { registerConnectSessions } from "./connect-sessions.js";

/** The Connect widget: its page and assets, and the endpoints it needs beyond the Flinks surface. */
export const connectApi: FastifyPluginAsyncTypebox<ApiPluginOptions> = async (app, { services }) => {
  installRouteAuth(app, services.callerAuth);
  registerConnectIndex(app, services);
  registerConnectPage(app, services);
  registerConnectSessions(app, services);
};
