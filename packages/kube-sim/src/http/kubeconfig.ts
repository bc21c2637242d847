import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  token: string;
  caCertificate?: string;
  /** Context, cluster and user name; `kube-sim` by default. */
  name?: string;
  namespace?: string;
}

/** A kubeconfig for one cluster with a bearer token, as kubectl and client-node read it. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.name ?? 'kube-sim';
  const cluster: Record<string, unknown> = { server: input.server };
  if (input.caCertificate) {
    cluster['certificate-authority-data'] = Buffer.from(
      input.caCertificate,
    ).toString('base64');
  } else if (input.server.startsWith('http:')) {
    // @kubernetes/client-node refuses plain HTTP unless TLS verification is
    // switched off explicitly; kubectl ignores the flag for http servers.
    cluster['insecure-skip-tls-verify'] = true;
  }
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: { token: input.token } }],
    contexts: [
      {
        name,
        context: {
          cluster: name,
          user: name,
          namespace: input.namespace ?? 'default',
        },
      },
    ],
    'current-context': name,
    preferences: {},
  });
}
