import { stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import {
  ExternalToolNotFoundError,
  locateExecutable,
  probeExternalTool,
} from '../tools/externalTools';
import { runTool as defaultRunTool } from '../tools/runTool';
import {
  canonicalJson,
  DiskRenderCache,
  MemoryRenderCache,
  sha256Hex,
  type StoredRender,
} from './cache';
import { RenderContext, type ResolvedTool } from './context';
import {
  DEFAULT_MAX_DIRECTORY_MANIFEST_BYTES,
  readDirectorySource,
} from './directory';
import { buildEnv } from './envsubst';
import { redactURLCredentials } from '../git/repoUrl';
import { RenderError, RenderProblem, type RenderErrorLocation } from './errors';
import { renderHelm } from './helm';
import { renderKustomize } from './kustomize';
import { toKubernetesObjects, type ParsedDocument } from './manifests';
import {
  checkOutOfBoundsSymlinks,
  resolveAppDirectory,
  type AppDirectory,
} from './paths';
import {
  applySourceOverrides,
  detectSourceType,
  normalizeSource,
} from './sourceType';
import type {
  ApplicationSource,
  Renderer,
  RendererOptions,
  RenderRequest,
  RenderResult,
  RenderSourceType,
  RenderTool,
} from './types';
import { RenderWorkspace } from './workspace';
import { Semaphore } from './semaphore';

const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_MEMORY_ENTRIES = 256;
const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;
const DEFAULT_DISK_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Bumped when the renderer's output for the same inputs changes, so old cache entries stop matching. */
const RENDERER_VERSION = 1;
const CHECKED_CHECKOUTS_LIMIT = 1024;

/** Everything a render depends on besides the checkout's contents. */
interface PreparedRender {
  app: AppDirectory;
  source: ApplicationSource;
  sourceType: RenderSourceType;
  tool?: ResolvedTool;
  key: string;
}

/**
 * The {@link Renderer} that runs the real tools, as Argo CD's repo-server
 * does: plain directories in-process, Kustomize through `kustomize build` or
 * `kubectl kustomize`, Helm through `helm template`. Results are cached in
 * memory and optionally on disk by (repo, commit, path, options, tool
 * versions); identical renders running at once share one run; at most
 * `concurrency` renders run together, each within `timeoutMs`.
 */
export class ApplicationSourceRenderer implements Renderer {
  private readonly timeoutMs: number;
  private readonly workDir: string;
  private readonly runTool: typeof defaultRunTool;
  private readonly semaphore: Semaphore;
  private readonly memory: MemoryRenderCache;
  private readonly disk?: DiskRenderCache;
  private readonly inFlight = new Map<string, Promise<StoredRender>>();
  private readonly tools = new Map<string, Promise<ResolvedTool>>();
  /** Checkouts are immutable, so one symlink check per checkout is enough. */
  private readonly checkedCheckouts = new Map<string, Promise<void>>();

  constructor(private readonly options: RendererOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.workDir = options.workDir ?? tmpdir();
    this.runTool = options.runTool ?? defaultRunTool;
    this.semaphore = new Semaphore(
      options.concurrency ?? Math.max(1, Math.min(4, availableParallelism())),
    );
    this.memory = new MemoryRenderCache(
      options.memoryCache?.maxEntries ?? DEFAULT_MEMORY_ENTRIES,
      options.memoryCache?.maxBytes ?? DEFAULT_MEMORY_BYTES,
    );
    if (options.diskCache) {
      this.disk = new DiskRenderCache(
        options.diskCache.dir,
        options.diskCache.maxAgeMs ?? DEFAULT_DISK_MAX_AGE_MS,
        options.diskCache.encryptionKey,
      );
    }
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    const location: RenderErrorLocation = {
      repoURL: request.repoURL ?? '',
      sha: request.sha ?? '',
      path: request.source?.path ?? '',
    };
    try {
      const prepared = await this.prepare(request);
      if (!request.bypassCache) {
        const cached = this.memory.get(prepared.key);
        if (cached) {
          return toResult(cached, 'memory');
        }
      }
      // A hard refresh must not be answered by a concurrent disk read.
      const flightKey = request.bypassCache
        ? `${prepared.key}:refresh`
        : prepared.key;
      let pending = this.inFlight.get(flightKey);
      let origin: 'miss' | 'disk' = 'miss';
      if (!pending) {
        const started = this.renderOnce(request, prepared);
        pending = started.then(({ stored }) => stored);
        this.inFlight.set(flightKey, pending);
        pending
          .finally(() => this.inFlight.delete(flightKey))
          .catch(() => undefined);
        origin = (await started).origin;
      }
      return toResult(await pending, origin);
    } catch (error) {
      throw toRenderError(error, location);
    }
  }

  /** Checks the request, reads overrides, detects the type and finds its tool: what the cache key needs. */
  private async prepare(request: RenderRequest): Promise<PreparedRender> {
    if (!request.checkoutDir || !isAbsolute(request.checkoutDir)) {
      throw new RenderProblem(
        'InvalidSource',
        `checkoutDir must be an absolute path, got '${request.checkoutDir}'`,
      );
    }
    if (typeof request.repoURL !== 'string' || !request.repoURL) {
      throw new RenderProblem('InvalidSource', 'the repository URL is missing');
    }
    if (!request.sha) {
      throw new RenderProblem('InvalidSource', 'the commit sha is missing');
    }
    if (!request.source || typeof request.source !== 'object') {
      throw new RenderProblem('InvalidSource', 'the source is missing');
    }
    if (request.source.chart) {
      throw new RenderProblem(
        'Unsupported',
        `source.chart '${request.source.chart}' names a chart in a Helm repository; this renderer renders charts kept in Git (set source.path to the chart's directory)`,
      );
    }
    const app = await resolveAppDirectory(
      request.checkoutDir,
      request.source.path,
    );
    const source = normalizeSource(
      await applySourceOverrides(
        request.source,
        app.dir,
        request.appName,
        request.checkoutDir,
        app.realCheckoutDir,
      ),
    );
    const sourceType = await detectSourceType(source, app.dir);
    const tool =
      sourceType === 'Directory'
        ? undefined
        : await this.resolveTool(sourceType);
    const key = sha256Hex(
      canonicalJson({
        renderer: RENDERER_VERSION,
        repoURL: redactURLCredentials(request.repoURL),
        sha: request.sha,
        path: app.relativePath,
        source: { ...source, repoURL: undefined, path: undefined },
        sourceType,
        tool: tool?.identity ?? 'directory',
        appName: request.appName,
        destinationNamespace: request.destinationNamespace ?? '',
        project: request.project ?? '',
        kubeVersion: request.kubeVersion ?? '',
        apiVersions: request.apiVersions ?? [],
        settings: {
          allowRemoteBases: Boolean(this.options.allowRemoteBases),
          helmValueFileSchemes: this.options.helmValueFileSchemes ?? [],
          maxDirectoryManifestBytes: this.maxDirectoryBytes(),
        },
      }),
    );
    return { app, source, sourceType, tool, key };
  }

  private maxDirectoryBytes(): number {
    return (
      this.options.maxDirectoryManifestBytes ??
      DEFAULT_MAX_DIRECTORY_MANIFEST_BYTES
    );
  }

  private async renderOnce(
    request: RenderRequest,
    prepared: PreparedRender,
  ): Promise<{ stored: StoredRender; origin: 'miss' | 'disk' }> {
    if (this.disk && !request.bypassCache) {
      const fromDisk = await this.disk.get(prepared.key);
      if (fromDisk) {
        this.memory.set(prepared.key, fromDisk);
        return { stored: fromDisk, origin: 'disk' };
      }
    }
    const stored = await this.semaphore.run(() =>
      this.runRender(request, prepared),
    );
    this.memory.set(prepared.key, stored);
    if (this.disk) {
      // A cache that cannot be written (full disk, permissions) must not fail the render.
      await this.disk.set(prepared.key, stored).catch(() => false);
    }
    return { stored, origin: 'miss' };
  }

  private async runRender(
    request: RenderRequest,
    prepared: PreparedRender,
  ): Promise<StoredRender> {
    const workspace = new RenderWorkspace(this.workDir);
    const context = new RenderContext(
      this.timeoutMs,
      Date.now() + this.timeoutMs,
      workspace,
      buildEnv(request),
      this.runTool,
    );
    const { app, source, sourceType, tool } = prepared;
    const checkoutDir = request.checkoutDir;
    context.hidePath(checkoutDir, '.');
    context.hidePath(app.realCheckoutDir, '.');
    try {
      let documents: ParsedDocument[];
      if (request.source.ref && !request.source.path) {
        // A values-only source of a multi-source app: nothing to deploy.
        documents = [];
      } else if (sourceType === 'Directory') {
        documents = await readDirectorySource(context, {
          checkoutDir,
          realCheckoutDir: app.realCheckoutDir,
          appDir: app.dir,
          directory: source.directory ?? undefined,
          maxBytes: this.maxDirectoryBytes(),
        });
      } else {
        await this.checkSymlinks(checkoutDir, request.sha);
        documents =
          sourceType === 'Kustomize'
            ? await renderKustomize(context, {
                checkoutDir,
                appDir: app.dir,
                kustomize: source.kustomize,
                tool: tool!,
                allowRemoteBases: Boolean(this.options.allowRemoteBases),
              })
            : await renderHelm(context, {
                request,
                checkoutDir,
                realCheckoutDir: app.realCheckoutDir,
                appDir: app.dir,
                helm: source.helm,
                tool: tool!,
                valueFileSchemes: this.options.helmValueFileSchemes ?? [],
              });
      }
      context.checkDeadline('checking the rendered objects');
      const objects = toKubernetesObjects(documents);
      return {
        objectsJson: JSON.stringify(objects),
        sourceType,
        renderedBy: {
          tool: tool?.tool ?? 'directory',
          ...(tool?.version ? { version: tool.version } : {}),
        },
        containsSecret: objects.some(
          object => object.kind === 'Secret' && object.apiVersion === 'v1',
        ),
      };
    } finally {
      await workspace.dispose();
    }
  }

  private checkSymlinks(checkoutDir: string, sha: string): Promise<void> {
    const key = `${checkoutDir}\0${sha}`;
    let check = this.checkedCheckouts.get(key);
    if (!check) {
      if (this.checkedCheckouts.size >= CHECKED_CHECKOUTS_LIMIT) {
        this.checkedCheckouts.clear();
      }
      check = checkOutOfBoundsSymlinks(checkoutDir);
      this.checkedCheckouts.set(key, check);
    }
    return check;
  }

  /** Finds the binary a source type needs; remembered once found, looked up again after a miss. */
  private resolveTool(sourceType: 'Kustomize' | 'Helm'): Promise<ResolvedTool> {
    let resolved = this.tools.get(sourceType);
    if (!resolved) {
      resolved = sourceType === 'Helm' ? this.findHelm() : this.findKustomize();
      this.tools.set(sourceType, resolved);
      resolved.catch(() => this.tools.delete(sourceType));
    }
    return resolved;
  }

  private async identify(
    tool: RenderTool,
    name: 'kubectl' | 'kustomize' | 'helm',
    executable: string,
  ): Promise<ResolvedTool> {
    const [probe, info] = await Promise.all([
      probeExternalTool(name, { command: executable }),
      stat(executable),
    ]);
    return {
      tool,
      executable,
      version: probe.version,
      identity: [
        tool,
        executable,
        probe.version ?? 'unknown-version',
        info.size,
        info.mtimeMs,
      ].join('|'),
    };
  }

  private async locate(
    name: 'kubectl' | 'kustomize' | 'helm',
    purpose: string,
  ): Promise<string> {
    const command = this.options.tools?.[name]?.command ?? name;
    try {
      return await locateExecutable(command, {
        envPath: this.options.tools?.envPath,
      });
    } catch (error) {
      if (error instanceof ExternalToolNotFoundError) {
        throw new RenderProblem(
          'ToolNotFound',
          `${purpose} needs ${name}, and ${error.message}; install it, or set the renderer's tools.${name}.command to where it is`,
        );
      }
      throw error;
    }
  }

  private async findHelm(): Promise<ResolvedTool> {
    const executable = await this.locate('helm', 'a Helm source');
    return this.identify('helm', 'helm', executable);
  }

  private async findKustomize(): Promise<ResolvedTool> {
    const tools = this.options.tools ?? {};
    let via = tools.kustomizeVia ?? 'auto';
    if (via === 'auto' && tools.kustomize?.command) {
      // An explicitly configured kustomize is meant to be used, not silently replaced.
      via = 'kustomize';
    }
    if (via === 'auto') {
      const standalone = await locateExecutable('kustomize', {
        envPath: tools.envPath,
      }).catch(() => undefined);
      if (standalone) {
        return this.identify('kustomize', 'kustomize', standalone);
      }
      via = 'kubectl';
    }
    if (via === 'kustomize') {
      const executable = await this.locate('kustomize', 'a Kustomize source');
      return this.identify('kustomize', 'kustomize', executable);
    }
    const executable = await this.locate(
      'kubectl',
      'a Kustomize source (run as kubectl kustomize, since no kustomize binary is configured or found)',
    );
    return this.identify('kubectl-kustomize', 'kubectl', executable);
  }
}

function toResult(
  stored: StoredRender,
  cache: RenderResult['cache'],
): RenderResult {
  return {
    objects: JSON.parse(stored.objectsJson),
    sourceType: stored.sourceType,
    renderedBy: { ...stored.renderedBy },
    cache,
  };
}

function toRenderError(
  error: unknown,
  location: RenderErrorLocation,
): RenderError {
  if (error instanceof RenderError) {
    return error;
  }
  if (error instanceof RenderProblem) {
    return new RenderError(error.code, error.message, {
      ...location,
      ...(error.file !== undefined ? { file: error.file } : {}),
      ...(error.documentIndex !== undefined
        ? { documentIndex: error.documentIndex }
        : {}),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RenderError(
    'Internal',
    `unexpected failure: ${message}`,
    location,
    {
      cause: error,
    },
  );
}
