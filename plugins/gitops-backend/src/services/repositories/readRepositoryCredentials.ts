import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { GitAuth, GitRepoCredentials } from '@driftless/gitops-engine';

/** How a `token` of `gitops.repositories` is sent; see {@link readRepositoryCredentials}. */
export const TOKEN_TYPES = [
  'github',
  'gitlab',
  'bitbucketCloud',
  'bitbucketServer',
  'azureDevOps',
  'bearer',
] as const;

export type RepositoryTokenType = (typeof TOKEN_TYPES)[number];

/**
 * One entry of `gitops.repositories`: credentials for every repository whose
 * URL starts with `url` (Argo CD's repository credential templates).
 */
export interface RepositoryCredentialEntry {
  /** Position in `gitops.repositories`, for messages. */
  index: number;
  /** A repository URL or a prefix of several (`https://github.com/acme/`). */
  url: string;
  /** Everything but a token whose sending depends on the host. */
  credentials: GitRepoCredentials;
  /** A token whose form (user name, header) depends on the host; resolved per repository. */
  token?: { value: string; type?: RepositoryTokenType };
}

function optionalSecret(
  config: Config,
  key: string,
  where: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value !== undefined && value.trim() === '') {
    throw new InputError(`${where}.${key} is empty; set it or remove it`);
  }
  return value;
}

function readEntry(config: Config, index: number): RepositoryCredentialEntry {
  const where = `gitops.repositories[${index}]`;
  const url = config.getOptionalString('url');
  if (!url) {
    throw new InputError(
      `${where}: 'url' is required (a repository URL or a prefix such as https://github.com/acme/)`,
    );
  }
  const username = config.getOptionalString('username');
  const password = optionalSecret(config, 'password', where);
  const token = optionalSecret(config, 'token', where);
  const sshPrivateKey = optionalSecret(config, 'sshPrivateKey', where);
  const tokenType = config.getOptionalString('tokenType') as
    | RepositoryTokenType
    | undefined;
  if (tokenType !== undefined && !TOKEN_TYPES.includes(tokenType)) {
    throw new InputError(
      `${where}.tokenType '${tokenType}' is unknown; use one of ${TOKEN_TYPES.join(
        ', ',
      )}`,
    );
  }
  const kinds = [
    password !== undefined && 'password',
    token !== undefined && 'token',
    sshPrivateKey !== undefined && 'sshPrivateKey',
  ].filter(Boolean);
  if (kinds.length > 1) {
    throw new InputError(
      `${where} sets ${kinds.join(
        ' and ',
      )}; set one way to authenticate per entry`,
    );
  }
  if (password !== undefined && !username) {
    throw new InputError(`${where}: 'username' is required with 'password'`);
  }

  let auth: GitAuth | undefined;
  if (password !== undefined) {
    auth = { type: 'basic', username: username!, password };
  } else if (token !== undefined && username) {
    // A user name given with a token: plain basic authentication, as most Git servers take it.
    auth = { type: 'basic', username, password: token };
  } else if (sshPrivateKey !== undefined) {
    auth = {
      type: 'sshKey',
      privateKey: sshPrivateKey,
      ...(username ? { username } : {}),
    };
  }

  const insecure = config.getOptionalBoolean('insecure') ?? false;
  const credentials: GitRepoCredentials = {
    ...(auth ? { auth } : {}),
    ...(config.getOptionalString('knownHosts')
      ? { knownHosts: config.getString('knownHosts') }
      : {}),
    ...(config.getOptionalString('caData')
      ? { caData: config.getString('caData') }
      : {}),
    ...(insecure
      ? { insecureSkipTLSVerify: true, insecureIgnoreHostKey: true }
      : {}),
  };
  return {
    index,
    url,
    credentials,
    ...(token !== undefined && !username
      ? { token: { value: token, ...(tokenType ? { type: tokenType } : {}) } }
      : {}),
  };
}

/**
 * Reads `gitops.repositories`. Each entry authenticates in one way:
 * `username` + `password`; `token` (sent as the host expects it: the
 * `tokenType`, else the kind of the Backstage integration for the host, else
 * a bearer header; with `username`, as basic authentication); or
 * `sshPrivateKey` with optional `knownHosts`. Errors name the entry, never a
 * value.
 */
export function readRepositoryCredentials(
  config: Config,
): RepositoryCredentialEntry[] {
  return (config.getOptionalConfigArray('gitops.repositories') ?? []).map(
    readEntry,
  );
}
