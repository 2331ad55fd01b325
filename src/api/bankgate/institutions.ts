import { Type } from "typebox";
import type { ConnectorRegistry } from "../../connectors/registry.js";
import { ApiError } from "../../errors/api-error.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { LoginFormSchema, loginFormView } from "./institution-login-form.js";

const Query = Type.Object({
  search: Type.Optional(
    Type.String({
      maxLength: 200,
      description: "Case-insensitive text to find in the institution's id or name; absent or empty lists all.",
      examples: ["capital"],
    }),
  ),
});

const Institution = Type.Object({
  id: Type.String({ description: "The code to send as `Institution` to /Authorize.", examples: ["FlinksCapital"] }),
  name: Type.String({ description: "Display name.", examples: ["FlinksCapital"] }),
  institutionId: Type.Integer({ description: "Flinks' numeric institution id.", examples: [14] }),
  sandbox: Type.Boolean({ description: "A test institution: the Connect widget shows it only with demo=true.", examples: [true] }),
  logoUrl: Type.Union([Type.String(), Type.Null()], {
    description: "The bundled logo (SVG), relative to this server; null when the institution has none.",
    examples: ["/bankgate/v1/institutions/FlinksCapital/logo"],
  }),
  loginForm: Type.Optional(LoginFormSchema),
});

const LogoParams = Type.Object({ id: Type.String({ maxLength: 64, description: "The institution's code.", examples: ["FlinksCapital"] }) });

export const InstitutionList = Type.Object(
  { institutions: Type.Array(Institution, { description: "Sorted by name." }) },
  {
    examples: [
      {
        institutions: [
          {
            id: "FlinksCapital",
            name: "FlinksCapital",
            institutionId: 14,
            sandbox: true,
            logoUrl: "/bankgate/v1/institutions/FlinksCapital/logo",
          },
        ],
      },
    ],
  },
);

/**
 * GET /bankgate/v1/institutions?search=…: the institutions this server can reach. Public (no
 * credentials): the connect widget lists them before anyone has logged in.
 */
export function registerInstitutions(app: TypedApp, { connectors }: ApiServices): void {
  app.get(
    "/bankgate/v1/institutions",
    {
      schema: {
        tags: ["Institutions"],
        summary: "List the institutions this server can reach",
        description: "Public: no credentials needed. Filters by `search`, case-insensitively, on id and name.",
        security: [],
        querystring: Query,
        response: { 200: InstitutionList },
      },
      config: { auth: "public" },
    },
    async function listInstitutionsRoute(request) {
      return { institutions: listInstitutions(connectors, request.query.search ?? "") };
    },
  );

  app.get(
    "/bankgate/v1/institutions/:id/logo",
    {
      schema: {
        tags: ["Institutions"],
        summary: "An institution's logo (SVG)",
        description: "Public, cacheable for a day. 404 NOT_FOUND for unknown institutions and those without a logo.",
        security: [],
        params: LogoParams,
        produces: ["image/svg+xml"],
      },
      config: { auth: "public" },
    },
    async function institutionLogo(request, reply) {
      const logo = connectors.find(request.params.id)?.logoSvg;
      if (!logo) throw new ApiError("NOT_FOUND");
      // An SVG opened directly must not run anything: no scripts, no external loads.
      return reply
        .header("content-type", "image/svg+xml")
        .header("cache-control", "public, max-age=86400")
        .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
        .header("x-content-type-options", "nosniff")
        .send(logo);
    },
  );
}

/** The institutions whose id or name contains `search` (case-insensitive; empty: all), sorted by name. */
export function listInstitutions(connectors: ConnectorRegistry, search: string) {
  const needle = search.trim().toLowerCase();
  return connectors
    .list()
    .filter((c) => needle === "" || c.id.toLowerCase().includes(needle) || c.name.toLowerCase().includes(needle))
    .map((c) => ({
      id: c.id,
      name: c.name,
      institutionId: c.institutionId,
      sandbox: c.sandbox === true,
      logoUrl: c.logoSvg ? `/bankgate/v1/institutions/${encodeURIComponent(c.id)}/logo` : null,
      ...(c.loginForm ? { loginForm: loginFormView(c.loginForm) } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "en") || a.id.localeCompare(b.id, "en"));
}
