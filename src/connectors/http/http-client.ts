/**
 * The connectors' only way out to the network (ConnectorContext.http). Institutions' URLs are
 * chosen by whoever configures or types them (a SimpleFIN setup token is a URL), so the
 * implementation checks every address against the deployment's policy, also on redirects.
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface HttpRequest {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange, redirects included, must end within this time. */
  timeoutSeconds?: number;
  /** A bigger answer is refused (HttpError "too-large") instead of filling memory. */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

export type HttpErrorKind =
  /** Not an absolute http(s) URL, or plain HTTP where the policy wants HTTPS. */
  | "bad-url"
  /** The host resolves to an address the policy refuses (loopback, private, link-local, metadata…). */
  | "refused-address"
  | "timeout"
  | "too-large"
  | "too-many-redirects"
  /** DNS failure, connection refused or reset, TLS failure. */
  | "network";

/** A request that got no HTTP answer; an answer with any status is an HttpResponse, never this. */
export class HttpError extends Error {
  constructor(
    readonly kind: HttpErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}
