import type { HumanDuration } from '@backstage/types';

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
    /**
     * Platform repositories: Git paths whose Applications, ApplicationSets
     * and AppProjects Driftless registers (origin `config:<index>`) and keeps
     * in step with Git, deleting what Git no longer has (Argo CD's bootstrap
     * app of apps). Other objects in them are ignored.
     */
    applications?: Array<{
      repoURL: string;
      /** Branch, tag or commit; `HEAD` by default. */
      targetRevision?: string;
      /** Directory in the repository; its root by default. */
      path?: string;
      /** As an Application's `source.directory`. */
      directory?: {
        recurse?: boolean;
        /** Glob of files to read, relative to `path`, e.g. `{*.yaml,*.yml}`. */
        include?: string;
        exclude?: string;
      };
    }>;
    /** The application controller. */
    controller?: {
      /** Where Applications without metadata.namespace go (Argo CD's control-plane namespace); `argocd`. */
      namespace?: string;
      /** Every app is refreshed this often (Argo CD's timeout.reconciliation); 120 s. 0 turns it off. */
      reconciliationPeriod?: HumanDuration | string;
      /** A random delay up to this is added to each periodic refresh; 60 s. */
      reconciliationJitter?: HumanDuration | string;
      /** Reconciles at once per replica (syncs: half as many); 10. */
      concurrency?: number;
      /** How long a replica's hold on an app lasts without renewal; 60 s. */
      leaseTtl?: HumanDuration | string;
      /** Self-heal backoff: the delay before the n-th self-heal of a revision is duration × factor^(n-1), at most maxDuration. */
      selfHealBackoff?: {
        /** 2 s. */
        duration?: HumanDuration | string;
        /** 3. */
        factor?: number;
        /** 5 min. */
        maxDuration?: HumanDuration | string;
      };
      /** Changes of a live object are gathered this long before its app is refreshed; 250 ms. */
      clusterEventDebounce?: HumanDuration | string;
      /** How long a refresh asked through the API waits while another replica works on the app; 30 s. */
      refreshWait?: HumanDuration | string;
      /** Git mirrors and checkouts; `backend.workingDirectory`/driftless-gitops, else a temp directory. */
      cacheDirectory?: string;
    };
    /** The ApplicationSet controller (Argo CD's argocd-applicationset-controller). */
    applicationSets?: {
      /** Run it; true. */
      enabled?: boolean;
      /** The controller's policy (`--policy`); sets that name none get `sync`. */
      policy?: 'create-only' | 'create-update' | 'create-delete' | 'sync';
      /** A set's own `syncPolicy.applicationsSync` wins over `policy` (`--enable-policy-override`); true unless `policy` is set. */
      enablePolicyOverride?: boolean;
      /** Git generators without `requeueAfterSeconds` generate again this often; 3 min. */
      requeueAfter?: HumanDuration | string;
      /** A set whose generation failed is tried again after this; 3 min. */
      errorRequeueAfter?: HumanDuration | string;
      /** The stored sets are listed this often for new, changed and removed ones; 10 s. */
      scanInterval?: HumanDuration | string;
      /** Honour `strategy: RollingSync` (`--enable-progressive-syncs`); true. */
      progressiveSyncs?: boolean;
      /** While a rollout runs, its apps are also checked this often; 10 s. */
      rolloutPollInterval?: HumanDuration | string;
      /** Sets reconciled at once per replica; 10. */
      concurrency?: number;
      /** Annotations and labels generated apps keep when their set updates them (`--preserved-annotations`, `--preserved-labels`). */
      preservedFields?: { annotations?: string[]; labels?: string[] };
      /** The only SCM API URLs scmProvider and pullRequest generators may call (`--allowed-scm-providers`); all when empty. */
      allowedScmProviders?: string[];
      /** Git files generator globbing: `legacy` (default) or `doublestar`. */
      gitFileGlobbing?: 'legacy' | 'doublestar';
      /** Timeout of one SCM or pull-request API request; 30 s. */
      scmRequestTimeout?: HumanDuration | string;
    };
    /**
     * How Driftless marks the objects it deploys (Argo CD's
     * application.resourceTrackingMethod and instance label).
     */
    tracking?: {
      /** `annotation` (default), `label` or `annotation+label`. */
      method?: 'annotation' | 'label' | 'annotation+label';
      /** The tracking annotation; `driftless.dev/tracking-id` by default. */
      annotationKey?: string;
      /** Use Argo CD's `argocd.argoproj.io/tracking-id`, to take over apps Argo CD deployed. */
      argoCDKeys?: boolean;
      /** The instance label; `app.kubernetes.io/instance` by default. */
      labelKey?: string;
    };
    /**
     * Argo CD's argocd-cm resource customizations, keyed as there:
     * `resource.customizations.health.<group>_<Kind>`,
     * `resource.customizations.actions.<group>_<Kind>`,
     * `resource.customizations.ignoreDifferences.<group>_<Kind>` (or `.all`),
     * `resource.customizations` (YAML), `resource.compareoptions`.
     */
    resourceCustomizations?: { [argocdCmKey: string]: string };
    /**
     * Credentials for Git repositories, per URL or URL prefix (Argo CD's
     * repository credential templates); the longest matching prefix wins.
     * Repositories with none fall back to Backstage's `integrations`.
     */
    repositories?: Array<{
      /** A repository URL, or a prefix such as `https://github.com/acme/`. */
      url: string;
      /** For `password`, or basic authentication with `token`. */
      username?: string;
      /** @visibility secret */
      password?: string;
      /**
       * An access token, sent as its host expects (see tokenType).
       * @visibility secret
       */
      token?: string;
      /** How `token` is sent: by default as the host's Backstage integration expects, else as a bearer token. */
      tokenType?:
        | 'github'
        | 'gitlab'
        | 'bitbucketCloud'
        | 'bitbucketServer'
        | 'azureDevOps'
        | 'bearer';
      /**
       * An SSH private key (no passphrase), for ssh:// and scp-style URLs.
       * @visibility secret
       */
      sshPrivateKey?: string;
      /** known_hosts lines for the SSH server. */
      knownHosts?: string;
      /** PEM CA bundle for the https server. */
      caData?: string;
      /** Skip TLS and host key checks. Only for test servers. */
      insecure?: boolean;
    }>;
  };
}
