/**
 * Where this very server can be reached from itself: the built-in simulators (mounted under
 * /sim/) are institutions bankgate reaches over real HTTP, at its own address. Known from the
 * configuration when the port is fixed, and set again once the server listens (a port 0 is
 * only known then).
 */
export class SelfAddress {
  #origin: string | null;

  constructor(server: { host: string; port: number }) {
    this.#origin = server.port === 0 ? null : originOf(server.host, server.port);
  }

  /** After listen: the address the server really took. */
  listening(host: string, port: number): void {
    this.#origin = originOf(host, port);
  }

  /** `http://127.0.0.1:3000`; throws while a port-0 server has not listened yet. */
  origin(): string {
    if (this.#origin === null) throw new Error("the server's own address is not known before it listens");
    return this.#origin;
  }
}

/** A wildcard listen address is reached through loopback. */
function originOf(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, "");
  const reachable = bare === "0.0.0.0" || bare === "" ? "127.0.0.1" : bare === "::" ? "[::1]" : bare.includes(":") ? `[${bare}]` : bare;
  return `http://${reachable}:${port}`;
}
