import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signWebhook } from "../webhooks/sign-webhook.js";
import { EVENT_TYPE_HEADER, SIGNATURE_HEADER } from "../webhooks/webhook-event.js";

/** A webhook the inbox accepted: its signature matched the secret. */
export interface ReceivedWebhook {
  /** `ResponseType` of the body: "KYC", "GetAccountsDetail", "RefreshFailed". */
  type: string;
  body: Record<string, unknown>;
  /** The exact bytes received, as the signature covers them. */
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Bounds what one inbox keeps, so a chatty test cannot grow it without end. */
const MAX_KEPT = 10_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A webhook receiver on 127.0.0.1 that checks each delivery's `flinks-authenticity-key`
 * (base64 HMAC-SHA256 of the raw body) as an integrator's receiver must: a good one is
 * recorded and answered 200, a bad one is counted in `rejected` and answered 401 (bankgate
 * then retries it, as it would against a real receiver).
 */
export class WebhookInbox {
  readonly events: ReceivedWebhook[] = [];
  rejected = 0;
  readonly #waiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(secret: string): Promise<WebhookInbox> {
    const holder: { inbox?: WebhookInbox } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      request.on("end", () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        const accepted = holder.inbox?.receive(rawBody, request.headers, secret) ?? false;
        response.writeHead(accepted ? 200 : 401, { "content-type": "text/plain" }).end(accepted ? "ok" : "bad signature");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    holder.inbox = new WebhookInbox(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`);
    return holder.inbox;
  }

  /** The first event (already received or still to come) that `matches`; rejects after `timeoutMs`. */
  waitFor(matches: (event: ReceivedWebhook) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedWebhook> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(matches);
        if (!found) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `no matching webhook within ${timeoutMs} ms (received: ${this.events.map((event) => event.type).join(", ") || "none"})`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(rawBody: string, headers: ReceivedWebhook["headers"], secret: string): boolean {
    const presented = Buffer.from(String(headers[SIGNATURE_HEADER] ?? ""), "utf8");
    const expected = Buffer.from(signWebhook(secret, rawBody), "utf8");
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      this.rejected++;
      return false;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      this.rejected++;
      return false;
    }
    if (this.events.length < MAX_KEPT) {
      this.events.push({ type: String(body.ResponseType ?? headers[EVENT_TYPE_HEADER] ?? ""), body, rawBody, headers });
    }
    for (const waiter of [...this.#waiters]) waiter();
    return true;
  }
}
