/**
 * A webhook receiver on 127.0.0.1 for tests: keeps every request (raw body bytes and
 * headers) and answers the status codes it is told to, in order, then 200.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The status this receiver answered. */
  status: number;
}

export class WebhookReceiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly received: ReceivedWebhook[],
    private readonly statuses: number[],
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const received: ReceivedWebhook[] = [];
    const statuses: number[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const status = statuses.shift() ?? 200;
        received.push({ headers: request.headers, rawBody: Buffer.concat(chunks), status });
        response.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks`, received, statuses);
  }

  /** The next requests get these statuses, in order; later ones 200. */
  answer(...statuses: number[]): void {
    this.statuses.push(...statuses);
  }

  /** Requests answered 200, with their parsed bodies. */
  accepted(): Array<ReceivedWebhook & { body: Record<string, unknown> }> {
    return this.received.filter((r) => r.status === 200).map((r) => ({ ...r, body: JSON.parse(r.rawBody.toString("utf8")) }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
