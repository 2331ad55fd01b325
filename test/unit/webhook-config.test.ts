import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.js";

describe("webhook configuration from the environment", () => {
  it("defaults to Flinks' policy: 10 attempts, 30 minutes apart; no receiver", () => {
    expect(loadConfig({}).webhooks).toMatchObject({ url: null, secret: null, maxAttempts: 10, retrySeconds: 1800 });
  });

  it("takes a receiver with its secret", () => {
    const config = loadConfig({ BANKGATE_WEBHOOK_URL: "http://localhost:4000/hooks", BANKGATE_WEBHOOK_SECRET: "0123456789abcdef" });
    expect(config.webhooks).toMatchObject({ url: "http://localhost:4000/hooks", secret: "0123456789abcdef" });
  });

  it.each([
    ["a non-http URL", { BANKGATE_WEBHOOK_URL: "ftp://example.com/", BANKGATE_WEBHOOK_SECRET: "0123456789abcdef" }],
    ["a URL with credentials", { BANKGATE_WEBHOOK_URL: "https://u:p@example.com/", BANKGATE_WEBHOOK_SECRET: "0123456789abcdef" }],
    ["no secret", { BANKGATE_WEBHOOK_URL: "https://example.com/" }],
    ["a short secret", { BANKGATE_WEBHOOK_URL: "https://example.com/", BANKGATE_WEBHOOK_SECRET: "short" }],
    ["zero attempts", { BANKGATE_WEBHOOK_MAX_ATTEMPTS: "0" }],
  ])("refuses %s", (_name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
  });
});
