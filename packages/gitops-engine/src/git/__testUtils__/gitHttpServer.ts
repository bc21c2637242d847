import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request the server answered, for counting what git did. */
export interface GitHttpRequestRecord {
  method: string;
  path: string;
  service?: string;
  auth: 'accepted' | 'rejected' | 'missing';
}

/** A real HTTPS Git server: `git http-backend` behind Node's https server, with basic and bearer authentication. */
export interface GitHttpServer {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** The self-signed certificate the server presents, which is also its CA. */
  caPem: string;
  requests: GitHttpRequestRecord[];
  close(): Promise<void>;
}

/** Makes a self-signed certificate for 127.0.0.1 with the openssl binary. */
export function makeSelfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'driftless-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkAuthorization(
  header: string | undefined,
  users: Record<string, string>,
  bearerTokens: string[],
): GitHttpRequestRecord['auth'] {
  if (!header) {
    return 'missing';
  }
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme === 'Bearer') {
    return bearerTokens.includes(value) ? 'accepted' : 'rejected';
  }
  if (scheme === 'Basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    return colon > 0 && users[user] === decoded.slice(colon + 1)
      ? 'accepted'
      : 'rejected';
  }
  return 'rejected';
}

/** Runs `git http-backend` as a CGI program for one request. */
function serveWithHttpBackend(
  projectRoot: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: url.pathname,
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_USER: 'test',
  };
  if (req.headers['content-length']) {
    env.CONTENT_LENGTH = req.headers['content-length'];
  }
  if (req.headers['content-encoding']) {
    env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  }
  if (req.headers['git-protocol']) {
    env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  }
  const child = spawn('git', ['http-backend'], { env });
  const output: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.resume();
  req.pipe(child.stdin);
  child.on('close', () => {
    const raw = Buffer.concat(output);
    let split = raw.indexOf('\r\n\r\n');
    let separatorLength = 4;
    if (split < 0) {
      split = raw.indexOf('\n\n');
      separatorLength = 2;
    }
    const head = raw.subarray(0, Math.max(split, 0)).toString('utf8');
    const body =
      split < 0 ? Buffer.alloc(0) : raw.subarray(split + separatorLength);
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') {
        status = parseInt(value, 10);
      } else {
        headers[name] = value;
      }
    }
    res.writeHead(status, headers);
    res.end(body);
  });
}

/**
 * Starts an HTTPS Git server on 127.0.0.1 serving the bare repositories under
 * `projectRoot`. Every request must authenticate, with basic credentials from
 * `users` or a bearer token from `bearerTokens`.
 */
export async function startGitHttpServer(options: {
  projectRoot: string;
  users?: Record<string, string>;
  bearerTokens?: string[];
}): Promise<GitHttpServer> {
  const { cert, key } = makeSelfSignedCertificate();
  const requests: GitHttpRequestRecord[] = [];
  const server = createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const auth = checkAuthorization(
      req.headers.authorization,
      options.users ?? {},
      options.bearerTokens ?? [],
    );
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      service: url.searchParams.get('service') ?? undefined,
      auth,
    });
    if (auth !== 'accepted') {
      req.resume();
      res.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="driftless-test"',
      });
      res.end('authentication required\n');
      return;
    }
    serveWithHttpBackend(options.projectRoot, req, res, url);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    caPem: cert,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
