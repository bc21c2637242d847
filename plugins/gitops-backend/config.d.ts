export interface Config {
  /** Configuration of the Driftless GitOps backend plugin. */
  gitops?: {
    /**
     * Clusters Driftless deploys to (Argo CD's cluster secrets). Applications
     * name one in `spec.destination.name` or `spec.destination.server`.
     */
    clusters?: Array<{
      /**
       * Unique name. Optional only for `authProvider: inCluster`, where it
       * defaults to `in-cluster` as in Argo CD.
       */
      name?: string;
      /**
       * API server URL. Optional for `kubeconfig` (read from the context) and
       * `inCluster` (`https://kubernetes.default.svc`).
       */
      url?: string;
      /** Labels the ApplicationSet clusters generator selects on. */
      labels?: { [key: string]: string };
      /** How Driftless authenticates to the API server. */
      authProvider:
        | 'serviceAccount'
        | 'clientCertificate'
        | 'kubeconfig'
        | 'inCluster';
      /**
       * Bearer token, for `serviceAccount`.
       * @visibility secret
       */
      serviceAccountToken?: string;
      /**
       * PEM client certificate, for `clientCertificate`.
       * @visibility secret
       */
      clientCertData?: string;
      /**
       * PEM client key, for `clientCertificate`.
       * @visibility secret
       */
      clientKeyData?: string;
      /** Path of a kubeconfig file, for `kubeconfig`. */
      kubeconfigPath?: string;
      /** Context in that file; its current-context by default. */
      kubeconfigContext?: string;
      /** PEM CA bundle that signed the API server's certificate. */
      caData?: string;
      /** File holding that CA bundle, read at startup. */
      caFile?: string;
      /** Accept any server certificate. Only for throwaway clusters. */
      skipTLSVerify?: boolean;
    }>;
    /**
     * The binaries rendering shells out to. Each is looked up on PATH unless
     * a command (a name or a path) is given.
     */
    tools?: {
      kubectl?: { command?: string };
      kustomize?: { command?: string };
      helm?: { command?: string };
    };
    /**
     * Git push webhooks (`POST /api/gitops/webhook`). A provider with no
     * secret is refused unless its `allowUnauthenticated` is true.
     */
    webhooks?: {
      github?: {
        /**
         * The webhook's secret; requests must carry X-Hub-Signature-256.
         * @visibility secret
         */
        secret?: string;
        /** Accept unsigned requests while no secret is set. */
        allowUnauthenticated?: boolean;
      };
      gitlab?: {
        /**
         * The webhook's secret token, sent as X-Gitlab-Token.
         * @visibility secret
         */
        secret?: string;
        /** Accept requests without a token while no secret is set. */
        allowUnauthenticated?: boolean;
      };
      gitea?: {
        /**
         * The webhook's secret; requests must carry X-Gitea-Signature.
         * @visibility secret
         */
        secret?: string;
        /** Accept unsigned requests while no secret is set. */
        allowUnauthenticated?: boolean;
      };
      /** Bitbucket Cloud. */
      bitbucket?: {
        /**
         * The webhook's secret; requests must carry X-Hub-Signature.
         * @visibility secret
         */
        secret?: string;
        /**
         * The webhook's UUID, compared with X-Hook-UUID (Argo CD's
         * `webhook.bitbucket.uuid`); weaker than a secret.
         * @visibility secret
         */
        uuid?: string;
        /** Accept unchecked requests while neither secret nor uuid is set. */
        allowUnauthenticated?: boolean;
      };
      /** Bitbucket Server and Data Center. */
      bitbucketServer?: {
        /**
         * The webhook's secret; requests must carry X-Hub-Signature.
         * @visibility secret
         */
        secret?: string;
        /** Accept unsigned requests while no secret is set. */
        allowUnauthenticated?: boolean;
      };
    };
  };
}
