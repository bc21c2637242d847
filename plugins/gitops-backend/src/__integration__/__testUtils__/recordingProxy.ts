import http from 'node:http';
import https from 'node:https';

/** One request a backend sent to the cluster through a {@link RecordingProxy}. */
export interface RecordedRequest {
  /** The proxy it came through: one per backend process. */
  via: string;
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** When the proxy received it (ms since the epoch). */
  at: number;
  status?: number;
}

/**
 * A plain-HTTP forwarding proxy in front of kube-sim's HTTPS port. Each
 * backend process gets its own, so the test knows which process sent which
 * request to the cluster (all of them apply as field manager `driftless`
 * with the same user agent). Watches stream through unchanged.
 */
export class RecordingProxy {
  private constructor(
    readonly name: string,
    /** Every request so far, in the order they arrived. */
    readonly requests: RecordedRequest[],
    private readonly server: http.Server,
    private readonly agent: https.Agent,
  ) {}

  static async start(options: {
    name: string;
    /** kube-sim's https URL. */
    target: string;
    ca: string;
  }): Promise<RecordingProxy> {
    const target = new URL(options.target);
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      ca: options.ca,
    });
    const requests: RecordedRequest[] = [];
    const server = http.createServer((incoming, outgoing) => {
      const entry: RecordedRequest = {
        via: options.name,
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        at: Date.now(),
      };
      requests.push(entry);
      const upstream = https.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        response => {
          entry.status = response.statusCode;
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      upstream.on('error', error => {
        if (!outgoing.headersSent) {
          outgoing.writeHead(502, { 'Content-Type': 'text/plain' });
        }
        outgoing.end(`proxy: ${error.message}`);
      });
      // A watch the backend closes ends upstream too.
      outgoing.on('close', () => upstream.destroy());
      incoming.pipe(upstream);
    });
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    return new RecordingProxy(options.name, requests, server, agent);
  }

  get url(): string {
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
    this.agent.destroy();
  }
}
