import type { GeneratorRun, ScmCredentials } from '../context';
import { GeneratorError } from '../errors';

/** How an SCM API authenticates a request. */
export type ScmAuthStyle = 'bearer' | 'gitlab' | 'gitea' | 'basic';

export interface ScmResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** An SCM API answered with a status the generator cannot use. */
export class ScmHttpError extends Error {
  constructor(readonly url: string, readonly status: number, detail: string) {
    super(`GET ${url} answered ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'ScmHttpError';
  }
}

function authorization(
  credentials: ScmCredentials | undefined,
  style: ScmAuthStyle,
): Record<string, string> {
  if (!credentials) return {};
  if ('username' in credentials) {
    const basic = Buffer.from(
      `${credentials.username}:${credentials.password}`,
    ).toString('base64');
    return { Authorization: `Basic ${basic}` };
  }
  switch (style) {
    case 'gitlab':
      return { 'PRIVATE-TOKEN': credentials.token };
    case 'gitea':
      return { Authorization: `token ${credentials.token}` };
    default:
      return { Authorization: `Bearer ${credentials.token}` };
  }
}

/** A URL safe to show: no user info, no query values that could carry secrets. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

function detailOf(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const message =
      (body as { message?: unknown; error?: unknown; errors?: unknown })
        .message ?? (body as { error?: { message?: unknown } | unknown }).error;
    if (typeof message === 'string') return message.slice(0, 200);
    if (
      typeof message === 'object' &&
      message !== null &&
      typeof (message as { message?: unknown }).message === 'string'
    ) {
      return (message as { message: string }).message.slice(0, 200);
    }
  }
  return typeof body === 'string' ? body.slice(0, 200) : '';
}

/** A JSON client for one generator run: authenticated, with a timeout, errors naming the URL and status. */
export class ScmClient {
  constructor(
    private readonly run: GeneratorRun,
    private readonly credentials: ScmCredentials | undefined,
    private readonly style: ScmAuthStyle,
  ) {}

  /** GET a URL; statuses in `accept` are returned, others throw {@link ScmHttpError}. */
  async get(url: string, accept: number[] = []): Promise<ScmResponse> {
    const fetchFn = this.run.context.fetch ?? globalThis.fetch;
    const timeoutMs = this.run.context.scmRequestTimeoutMs ?? 30_000;
    let response: Response;
    try {
      response = await fetchFn(url, {
        headers: {
          Accept: 'application/json',
          ...authorization(this.credentials, this.style),
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs / 1000} s`
          : (error as Error).message;
      throw new GeneratorError(
        this.run.path,
        `GET ${displayUrl(url)} failed: ${reason}`,
      );
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (
      (response.status >= 200 && response.status < 300) ||
      accept.includes(response.status)
    ) {
      return { status: response.status, headers: response.headers, body };
    }
    throw new ScmHttpError(displayUrl(url), response.status, detailOf(body));
  }

  /** GET a URL that must answer a JSON array or object. */
  async json<T>(url: string): Promise<{ body: T; headers: Headers }> {
    const { body, headers } = await this.get(url);
    return { body: body as T, headers };
  }
}

/** The `rel="next"` URL of a Link header (GitHub, Gitea). */
export function nextLink(headers: Headers): string | undefined {
  const link = headers.get('link');
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}

/** A URL with query parameters added. */
export function withQuery(
  base: string,
  query: Record<string, string | number | boolean | undefined>,
): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** Joins an API base URL and a path without doubling slashes. */
export function apiUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** go-github's WithEnterpriseURLs: `/api/v3/` is appended unless the host is an API host. */
export function githubApiBase(api: string | undefined): string {
  if (!api) return 'https://api.github.com/';
  const url = new URL(api);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (
    !url.pathname.endsWith('/api/v3/') &&
    !url.hostname.startsWith('api.') &&
    !url.hostname.includes('.api.')
  ) {
    url.pathname += 'api/v3/';
  }
  return url.toString();
}

/** GitLab's client: `api/v4/` is appended to the base URL unless present. */
export function gitlabApiBase(api: string | undefined): string {
  const url = new URL(api || 'https://gitlab.com/');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (!url.pathname.endsWith('/api/v4/')) url.pathname += 'api/v4/';
  return url.toString();
}

/** Gitea's SDK: `/api/v1` under the server URL. */
export function giteaApiBase(api: string): string {
  return apiUrl(api, 'api/v1/');
}

/** Argo CD's NormalizeBitbucketBasePath, then the REST API version. */
export function bitbucketServerApiBase(api: string): string {
  let base = api.replace(/\/+$/, '');
  if (!base.endsWith('/rest')) base += '/rest';
  return `${base}/api/1.0/`;
}

export const BITBUCKET_CLOUD_API = 'https://api.bitbucket.org/2.0/';
