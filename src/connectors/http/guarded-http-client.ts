import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { type AddressPolicy, isAllowedAddress, isTrustedOrigin } from "./address-policy.js";
import { type HttpClient, HttpError, type HttpRequest, type HttpResponse } from "./http-client.js";

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * An HttpClient that refuses server-side request forgery: the scheme and every address the
 * host resolves to are checked against `policy` when the socket connects — after DNS, so a
 * name pointing at 127.0.0.1 or the metadata service is caught, and on the address actually
 * dialled, so a second DNS answer cannot swap it (rebinding) — and again at every redirect.
 * Credentials in a URL (`https://user:pass@host/`) become a Basic header and are not sent
 * on to another origin.
 */
export class GuardedHttpClient implements HttpClient {
  constructor(
    private readonly policy: AddressPolicy,
    /** Test seam: the system resolver by default. */
    private readonly resolve: LookupFunction = dnsLookup as LookupFunction,
  ) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), (request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
    try {
      return await this.#follow(request, deadline.signal);
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (deadline.signal.aborted) throw new HttpError("timeout", "the institution did not answer in time");
      throw new HttpError("network", error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async #follow(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    let url = this.#checkedUrl(request.url);
    const origin = url.origin;
    let { method, body } = request;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers = withBasicAuth({ ...request.headers }, url, url.origin === origin);
      const response = await this.#send(url, method, headers, body, signal);
      const location = response.headers.location;
      if (!isRedirect(response.statusCode) || !location) {
        return { ...(await readBody(response, request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES)), url: stripUserInfo(url) };
      }
      response.resume();
      url = this.#checkedUrl(new URL(location, url).href);
      if (response.statusCode !== 307 && response.statusCode !== 308) {
        method = "GET";
        body = undefined;
      }
    }
    throw new HttpError("too-many-redirects", `more than ${MAX_REDIRECTS} redirects`);
  }

  #checkedUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new HttpError("bad-url", "not an absolute URL");
    }
    if (isTrustedOrigin(url, this.policy)) return url;
    const secure = url.protocol === "https:";
    if (!secure && !(url.protocol === "http:" && this.policy.allowHttp)) {
      throw new HttpError("bad-url", `${url.protocol.replace(":", "")} URLs are not allowed here; use https`);
    }
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(literal) && !isAllowedAddress(literal, this.policy)) throw refused(literal);
    return url;
  }

  #send(url: URL, method: string, headers: Record<string, string>, body: string | Buffer | undefined, signal: AbortSignal) {
    const transport = url.protocol === "https:" ? https : http;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const lookup = isTrustedOrigin(url, this.policy) ? undefined : this.#guardedLookup;
      const outgoing = transport.request(url, { method, headers, signal, lookup, agent: false }, resolve);
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  /** Node calls this for every host name it dials: the only addresses it may connect to are allowed ones. */
  readonly #guardedLookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (error, resolved) => {
      if (error) return callback(error, "", 0);
      const addresses = resolved as unknown as LookupAddress[];
      const refusedOne = addresses.find((a) => !isAllowedAddress(a.address, this.policy));
      // One private answer taints the name: a resolver that mixes them is the rebinding trick.
      if (refusedOne || addresses.length === 0) return callback(refused(refusedOne?.address ?? hostname), "", 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function refused(address: string): HttpError {
  return new HttpError("refused-address", `${address} is not a public address`);
}

function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withBasicAuth(headers: Record<string, string>, url: URL, sameOrigin: boolean): Record<string, string> {
  if (!sameOrigin) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === "authorization") delete headers[name];
  }
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
  }
  return headers;
}

function stripUserInfo(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

async function readBody(response: IncomingMessage, maxBytes: number): Promise<Omit<HttpResponse, "url">> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw new HttpError("too-large", `the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) };
}
