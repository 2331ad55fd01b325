import { createServer, type Server, type Socket } from "node:net";
import type { AddressPolicy } from "../../../src/connectors/http/address-policy.js";
import { GuardedHttpClient } from "../../../src/connectors/http/guarded-http-client.js";
import { createSimpleFinConnector, type SimpleFinConnectorOptions } from "../../../src/connectors/simplefin/simplefin-connector.js";
import type { Credentials, Json } from "../../../src/connectors/types.js";
import type { ConnectorKit } from "../connector-kit.js";
import { startSimpleFinKit } from "./simplefin-kit.js";

/** Enough fresh setup tokens for every login of a new card the suite makes (it makes two). */
const TOKENS = 8;
const OPTIONS: SimpleFinConnectorOptions = { requestTimeoutSeconds: 5 };

const base64 = (url: string) => Buffer.from(url, "utf8").toString("base64");
const as = (username: string, password: string): Credentials => ({ username, password, language: "en" });

/**
 * The SimpleFIN connector for the contract suite: its simulator on 127.0.0.1:0 (on the real
 * clock, which the suite's contexts read), and a server that accepts connections and never
 * answers, for the hanging institution. SimpleFIN has no MFA: its one 203 asks a card whose
 * access was revoked for a new setup token, which a fresh login never meets — so the kit has
 * no MFA users.
 */
export const simpleFinContractKit: ConnectorKit = {
  name: "SimpleFIN (simulator)",
  setUp: async () => {
    const sim = await startSimpleFinKit(new Date());
    const hanging = await startSilentServer();
    const policy: AddressPolicy = { allowHttp: true, allowPrivateAddresses: false, trustedOrigins: [sim.origin, hanging.origin] };

    // A setup token is spent by its claim: each login of a new card gets a fresh one.
    const tokens = await Promise.all(Array.from({ length: TOKENS }, () => sim.setupToken("ok")));
    let logins = 0;
    const spent = await sim.setupToken("ok");
    const claim = await fetch(Buffer.from(spent, "base64").toString(), { method: "POST" });
    if (claim.status !== 200) throw new Error(`could not spend a token: ${claim.status}`);

    return {
      connector: createSimpleFinConnector(OPTIONS),
      factory: {
        module: "connectors/simplefin/simplefin-connector.js",
        exportName: "createSimpleFinConnector",
        args: [OPTIONS as Json],
      },
      http: new GuardedHttpClient(policy),
      httpPolicy: policy as unknown as Json,
      users: {
        get noMfa(): Credentials {
          const token = tokens[logins];
          if (!token) throw new Error(`the SimpleFIN kit made only ${TOKENS} setup tokens`);
          return as(`contract card ${logins++}`, token);
        },
        refused: [
          { credentials: as("garbage token", "%%% not a setup token %%%"), code: "SETUP_TOKEN_INVALID" },
          { credentials: as("not a url", base64("my bank password")), code: "SETUP_TOKEN_INVALID" },
          { credentials: as("no claim there", base64(`${sim.origin}/nothing/here`)), code: "SETUP_TOKEN_INVALID" },
          { credentials: as("spent token", spent), code: "SETUP_TOKEN_ALREADY_USED" },
          { credentials: as("private network", base64("http://10.0.0.1/simplefin/claim/abc")), code: "INSTITUTION_URL_REFUSED" },
          { credentials: as("metadata", base64("http://169.254.169.254/latest/meta-data/")), code: "INSTITUTION_URL_REFUSED" },
        ],
        hanging: as("hanging server", base64(`${hanging.origin}/simplefin/claim/abc`)),
      },
      tearDown: async () => {
        await hanging.close();
        await sim.close();
      },
    };
  },
};

/** A TCP server on 127.0.0.1:0 that accepts every connection and never says a word. */
async function startSilentServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
