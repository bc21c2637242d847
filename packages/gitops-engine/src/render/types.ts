import type { ExternalToolLocation } from '../tools/externalTools';
import type { runTool } from '../tools/runTool';

/**
 * A Kubernetes object as plain JSON (what `kubectl get -o json` prints):
 * `apiVersion`, `kind` and `metadata` are checked by the renderer, the rest
 * is whatever the manifest says.
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Argo CD's `spec.source.directory`. */
export interface ApplicationSourceDirectory {
  recurse?: boolean;
  /** One glob (Argo CD / gobwas syntax, `{a,b}` sets allowed), matched against the path relative to `source.path`. */
  include?: string;
  exclude?: string;
  /** Read every file, not only `.yaml`, `.yml` and `.json`; include/exclude then do the filtering. */
  disableExtensionFilter?: boolean;
  /** Jsonnet is not supported; a non-empty value is refused with a clear error. */
  jsonnet?: Record<string, unknown>;
}

/** One patch in `spec.source.kustomize.patches`, as in a kustomization's `patches`. */
export interface KustomizePatch {
  path?: string;
  patch?: string;
  target?: {
    group?: string;
    version?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    labelSelector?: string;
    annotationSelector?: string;
  };
  options?: Record<string, boolean>;
}

/** Argo CD's `spec.source.kustomize`. */
export interface ApplicationSourceKustomize {
  namePrefix?: string;
  nameSuffix?: string;
  /** `[old_image_name=]<image_name>:<image_tag>`, as `kustomize edit set image` takes them. */
  images?: string[];
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  commonAnnotationsEnvsubst?: boolean;
  forceCommonLabels?: boolean;
  forceCommonAnnotations?: boolean;
  labelWithoutSelector?: boolean;
  labelIncludeTemplates?: boolean;
  namespace?: string;
  replicas?: Array<{ name: string; count: number | string }>;
  patches?: KustomizePatch[];
  components?: string[];
  ignoreMissingComponents?: boolean;
  /** Per-app kustomize versions are not supported: a render that sets one fails with `Unsupported`. */
  version?: string;
  /** Only used by Kustomize's Helm support (`--enable-helm`), which is off. */
  kubeVersion?: string;
  apiVersions?: string[];
}

/** Argo CD's `spec.source.helm`. */
export interface ApplicationSourceHelm {
  releaseName?: string;
  values?: string;
  /** Takes precedence over `values`. */
  valuesObject?: Record<string, unknown>;
  valueFiles?: string[];
  ignoreMissingValueFiles?: boolean;
  parameters?: Array<{ name: string; value?: string; forceString?: boolean }>;
  fileParameters?: Array<{ name: string; path: string }>;
  namespace?: string;
  skipCrds?: boolean;
  skipTests?: boolean;
  skipSchemaValidation?: boolean;
  kubeVersion?: string;
  apiVersions?: string[];
  /** Only Helm 3 is supported. */
  version?: string;
  /** Out of scope: charts come from Git, so there are no chart repository credentials to pass. */
  passCredentials?: boolean;
}

/** Argo CD's `spec.source` (one source of an Application). */
export interface ApplicationSource {
  repoURL?: string;
  targetRevision?: string;
  /** Directory inside the repository; the repository root when empty. */
  path?: string;
  /** A chart from a Helm repository; not rendered here (this renderer takes Git checkouts). */
  chart?: string;
  ref?: string;
  directory?: ApplicationSourceDirectory | null;
  kustomize?: ApplicationSourceKustomize | null;
  helm?: ApplicationSourceHelm | null;
  /** Config management plugins are not supported. */
  plugin?: Record<string, unknown> | null;
}

/** What Argo CD calls the application source type. */
export type RenderSourceType = 'Directory' | 'Kustomize' | 'Helm';

/** What produced the objects. */
export type RenderTool =
  | 'directory'
  | 'kustomize'
  | 'kubectl-kustomize'
  | 'helm';

/** One source of one Application at one commit, checked out. */
export interface RenderRequest {
  /** Absolute path of an immutable checkout of `repoURL` at `sha`. Never written to. */
  checkoutDir: string;
  repoURL: string;
  /** The commit the checkout holds. Part of the cache key, so it must be exact. */
  sha: string;
  source: ApplicationSource;
  /** The Application's name: Helm's default release name and `$ARGOCD_APP_NAME`. */
  appName: string;
  /** `spec.destination.namespace`: Helm's default namespace and `$ARGOCD_APP_NAMESPACE`. */
  destinationNamespace?: string;
  /** `spec.project`, for `$ARGOCD_APP_PROJECT_NAME`. */
  project?: string;
  /** The target cluster's version, Helm's default `--kube-version`. */
  kubeVersion?: string;
  /** The target cluster's API versions, Helm's default `--api-versions`. */
  apiVersions?: string[];
  /** Skip cache reads (a hard refresh); the result is still cached. */
  bypassCache?: boolean;
}

/** The desired objects of one source. */
export interface RenderResult {
  /** In the order the source defines them: files by path then document, or the tool's output order. */
  objects: KubernetesObject[];
  sourceType: RenderSourceType;
  renderedBy: {
    tool: RenderTool;
    /** The tool's version, when it reported one. */
    version?: string;
  };
  /** Where the objects came from this time. */
  cache: 'miss' | 'memory' | 'disk';
}

/**
 * The engine's rendering port: turns one Application source in a checked-out
 * commit into desired objects. {@link ApplicationSourceRenderer} implements it
 * with the real tools; tests of other parts may supply their own.
 */
export interface Renderer {
  render(request: RenderRequest): Promise<RenderResult>;
}

/** The external binaries the renderer may run, and how. */
export interface RenderToolsConfig {
  /**
   * How Kustomize runs: `kustomize` (`kustomize build`), `kubectl`
   * (`kubectl kustomize`), or `auto` (default): `kustomize` where it is
   * found, else `kubectl kustomize`.
   */
  kustomizeVia?: 'auto' | 'kustomize' | 'kubectl';
  kustomize?: ExternalToolLocation;
  kubectl?: ExternalToolLocation;
  helm?: ExternalToolLocation;
  /** PATH used to find bare command names; this process' PATH by default. */
  envPath?: string;
}

/** Options of {@link ApplicationSourceRenderer}. */
export interface RendererOptions {
  tools?: RenderToolsConfig;
  /** Wall-clock budget of one render, tool runs included. Default 90 s (Argo CD's exec timeout). */
  timeoutMs?: number;
  /** Renders that run at the same time; more wait. Default: the CPU count, at most 4. */
  concurrency?: number;
  /** Where temporary copies and Helm's scratch homes go. Default: the OS temp dir. */
  workDir?: string;
  memoryCache?: {
    /** Default 256 results. */
    maxEntries?: number;
    /** Approximate bound on the serialized size of all cached results. Default 256 MiB. */
    maxBytes?: number;
  };
  /** Results kept on disk across restarts; off unless a directory is given. */
  diskCache?: {
    dir: string;
    /**
     * Encrypts entries (AES-256-GCM, key derived from this secret). Without a
     * key, results that contain a Secret are kept in memory only, so Secret
     * data never lands on disk in clear.
     */
    encryptionKey?: string | Buffer;
    /** Entries not used for this long are deleted. Default 24 h. */
    maxAgeMs?: number;
  };
  /** Refuse (default) or allow Kustomize resources, bases and components fetched from remote URLs. */
  allowRemoteBases?: boolean;
  /** URL schemes allowed in `helm.valueFiles` (passed to Helm, which fetches them). Default: none. */
  helmValueFileSchemes?: string[];
  /** Bound on the combined size of the files a directory source reads. Default 10 MiB, 0 for none. */
  maxDirectoryManifestBytes?: number;
  /** Runs the external tools; {@link runTool} by default. Tests wrap it to observe runs. */
  runTool?: typeof runTool;
}
