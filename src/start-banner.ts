import type { Deps } from "./deps.js";

/**
 * What the person at the terminal needs after a start: where bankgate listens, which
 * development conveniences are on and how to change that, and — only when this start just
 * generated them — the development customer's keys. Written to stderr: the log stream
 * (stdout) never carries a key.
 */
export function startBanner(address: string, deps: Deps): string {
  const { developmentCustomer: customer } = deps;
  const { workers } = deps.config.server;
  const lines = [
    "",
    `bankgate is listening on ${address} (store: ${deps.storeKind}${workers > 1 ? `; ${workers} worker processes` : ""})`,
    `  API       ${address}/v3/{customerId}/BankingServices/{Operation}`,
    `  API docs  ${address}/docs`,
    ...(customer
      ? [`  Connect   ${address}/connect/${customer.keys.customerId}/?demo=true   (the widget; embed it in an allow-listed page)`]
      : []),
    ...(deps.api.demoCustomerId ? [`  Demo      ${address}/demo   (a parent app embedding the widget)`] : []),
    ...(deps.api.dashboard
      ? [
          `  Dashboard ${address}/dashboard/   (sign in with a customer's secret key${deps.api.dashboard.mode === "read-only" ? "; read-only" : ""})`,
        ]
      : []),
    "",
    ...modeLines(deps),
  ];
  if (customer?.justGenerated) {
    const { customerId, secretKey, apiKey } = customer.keys;
    lines.push(
      "",
      "A development customer was generated (shown this once; kept in the data directory, mode 0600):",
      `  customerId  ${customerId}`,
      `  secret key  ${secretKey}   (flinks-auth-key on /GenerateAuthorizeToken)`,
      `  API key     ${apiKey}   (x-api-key on the data endpoints)`,
      `  try: curl -s -X POST ${address}/v3/${customerId}/BankingServices/GenerateAuthorizeToken -H 'flinks-auth-key: ${secretKey}'`,
    );
  } else if (customer) {
    lines.push("", `Development customer: ${customer.keys.customerId} (its keys: data directory, dev-customer.json, or your environment)`);
  }
  return `${lines.join("\n")}\n\n`;
}

function modeLines({ profile, warnings, config }: Deps): string[] {
  const on = (flag: boolean) => (flag ? "on" : "off");
  const state = [
    `demo page ${on(profile.demo)} (BANKGATE_DEMO)`,
    `sandbox control plane ${on(profile.sandboxControl)} (BANKGATE_SANDBOX_CONTROL)`,
    `calls without credentials ${profile.openAuth ? "served for sandbox institutions" : "refused"} (BANKGATE_AUTH_MODE)`,
    `generated keys ${on(profile.generateKeys)} (BANKGATE_GENERATE_KEYS)`,
    `simulators ${on(profile.simulators)} (BANKGATE_SIMULATORS${profile.simulators || config.server.workers === 1 ? "" : "; one worker process only"})`,
  ];
  const mode =
    profile.notDevelopmentBecause.length === 0
      ? [
          "Development deployment (loopback only, sandbox institutions only): the conveniences are on by default.",
          "  Listening on another address, NODE_ENV=production or a real institution turns them off.",
        ]
      : [
          `Not a development deployment (${profile.notDevelopmentBecause.join("; ")}): the conveniences are off unless switched on by name.`,
        ];
  return [...mode, `  ${state.join("; ")}.`, ...warnings.map((warning) => `WARNING: ${warning}`)];
}
