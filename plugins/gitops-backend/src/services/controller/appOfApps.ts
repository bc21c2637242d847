import {
  parseApiVersion,
  type Application,
  type KubernetesObject,
} from '@driftless/gitops-engine';
import { isDeepStrictEqual } from 'node:util';
import type { GitOpsStore } from '../../database/GitOpsStore';
import type {
  ApplicationKey,
  ApplicationRecord,
  ArgoObjectKind,
  ArgoObjectManifest,
  ArgoObjectRecord,
} from '../../database/types';
import { listAllApplications } from './listAllApplications';
import type { ResourceStatusEntry, StatusCondition } from './statusDocument';

/** The API group of Argo CD's own kinds. */
export const ARGOPROJ_GROUP = 'argoproj.io';
/** The kinds an app of apps registers in Driftless instead of applying them to a cluster. */
export const REGISTERED_KINDS = [
  'Application',
  'ApplicationSet',
  'AppProject',
] as const;
export type RegisteredKind = (typeof REGISTERED_KINDS)[number];

/** Argo CD's finalizer that makes deleting an Application delete its resources first. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Whether Driftless registers this object rather than applying it. */
export function isRegisteredKind(object: KubernetesObject): boolean {
  return (
    parseApiVersion(String(object.apiVersion ?? '')).group === ARGOPROJ_GROUP &&
    (REGISTERED_KINDS as readonly string[]).includes(String(object.kind))
  );
}

/** Whether deleting this Application should delete its resources (Argo CD's resources finalizer). */
export function deletesResourcesWithApp(manifest: KubernetesObject): boolean {
  const finalizers = manifest.metadata?.finalizers;
  return (
    Array.isArray(finalizers) &&
    finalizers.some(
      finalizer =>
        typeof finalizer === 'string' &&
        (finalizer === RESOURCES_FINALIZER ||
          finalizer.startsWith(`${RESOURCES_FINALIZER}/`)),
    )
  );
}

interface DesiredChild {
  kind: RegisteredKind;
  namespace: string;
  name: string;
  /** The object as it will be stored: namespace set, no status or operation. */
  manifest: KubernetesObject & {
    metadata: { name: string; namespace: string };
  };
}

interface RegisteredChild {
  kind: RegisteredKind;
  namespace: string;
  name: string;
  origin: string;
  manifest: KubernetesObject;
  /** For Applications: the status they reported. */
  status?: Record<string, unknown>;
}

/** One child as a resource of the registering app, with what health needs. */
export interface ChildResource {
  entry: ResourceStatusEntry;
  /** The desired object; absent for a child to prune. */
  target?: KubernetesObject;
  /**
   * The registered object, as the "live" state: for an Application its
   * manifest with the status it reported, which its health is read from.
   */
  live?: KubernetesObject;
}

/** What reconciling an app's children did. */
export interface ChildrenReport {
  resources: ChildResource[];
  conditions: StatusCondition[];
  /** Applications created or changed: reconcile them. */
  changedApplications: ApplicationKey[];
  /** Children deleted because they are no longer in Git. */
  pruned: Array<{ kind: RegisteredKind; namespace: string; name: string }>;
}

export interface ChildRegistrarOptions {
  store: Pick<
    GitOpsStore,
    | 'listApplications'
    | 'getApplication'
    | 'upsertApplication'
    | 'getArgoObject'
    | 'listArgoObjects'
    | 'upsertArgoObject'
    | 'deleteArgoObject'
  >;
  /** Where children without `metadata.namespace` are registered. */
  defaultNamespace: string;
  /** Deletes a registered Application (and, per its finalizer, its resources). */
  deleteApplication(record: ApplicationRecord): Promise<void>;
}

function childId(child: { kind: string; namespace: string; name: string }) {
  return `${child.kind}/${child.namespace}/${child.name}`;
}

function versionOf(object: KubernetesObject): string {
  return parseApiVersion(String(object.apiVersion ?? '')).version || 'v1alpha1';
}

/** The object as a child is stored: what Git says, without status or a requested operation. */
function storedForm(
  object: KubernetesObject,
  namespace: string,
): DesiredChild['manifest'] {
  const { status: _status, operation: _operation, ...rest } = object;
  return {
    ...rest,
    metadata: { ...object.metadata, name: object.metadata.name!, namespace },
  } as DesiredChild['manifest'];
}

function fromApplicationRecord(record: ApplicationRecord): RegisteredChild {
  return {
    kind: 'Application',
    namespace: record.namespace,
    name: record.name,
    origin: record.origin,
    manifest: record.manifest,
    status: record.status?.status,
  };
}

function fromArgoObjectRecord(record: ArgoObjectRecord): RegisteredChild {
  return {
    kind: record.kind,
    namespace: record.namespace,
    name: record.name,
    origin: record.origin,
    manifest: record.manifest as unknown as KubernetesObject,
  };
}

/** A registered child as the registering app sees it live. */
function liveOf(child: RegisteredChild): KubernetesObject {
  return child.kind === 'Application'
    ? ({ ...child.manifest, status: child.status ?? {} } as KubernetesObject)
    : child.manifest;
}

/**
 * Registers the Applications, ApplicationSets and AppProjects found in an
 * app's manifests (or a platform repository's) under the origin
 * `app:<ns>/<name>` (or `config:<index>`), and deletes the ones registered
 * under that origin that Git no longer has, when pruning is allowed.
 *
 * Argo CD would apply these objects to its own cluster; Driftless keeps them
 * in its store, where its controllers read them. A child that another origin
 * registered first is left alone, and reported as OutOfSync with a
 * SharedResourceWarning, as Argo CD warns of a resource two apps manage.
 */
export class ChildRegistrar {
  constructor(private readonly options: ChildRegistrarOptions) {}

  async reconcile(input: {
    origin: string;
    objects: KubernetesObject[];
    /** Create and update children now; otherwise only report what differs. */
    register: boolean;
    /** Delete children that are no longer in Git; otherwise report them as requiring pruning. */
    prune: boolean;
  }): Promise<ChildrenReport> {
    const { store } = this.options;
    const conditions: StatusCondition[] = [];
    const desired = new Map<string, DesiredChild>();
    for (const object of input.objects) {
      const name = object.metadata?.name;
      if (!name) {
        conditions.push({
          type: 'InvalidSpecError',
          message: `A ${object.kind} in the manifests has no metadata.name and cannot be registered`,
        });
        continue;
      }
      const namespace =
        object.metadata.namespace || this.options.defaultNamespace;
      const child: DesiredChild = {
        kind: object.kind as RegisteredKind,
        namespace,
        name,
        manifest: storedForm(object, namespace),
      };
      desired.set(childId(child), child);
    }

    const registered = new Map<string, RegisteredChild>();
    for (const record of await listAllApplications(store, {
      origins: [input.origin],
    })) {
      const child = fromApplicationRecord(record);
      registered.set(childId(child), child);
    }
    for (const kind of ['AppProject', 'ApplicationSet'] as ArgoObjectKind[]) {
      for (const record of await store.listArgoObjects({
        kind,
        origins: [input.origin],
      })) {
        const child = fromArgoObjectRecord(record);
        registered.set(childId(child), child);
      }
    }

    const report: ChildrenReport = {
      resources: [],
      conditions,
      changedApplications: [],
      pruned: [],
    };

    for (const child of desired.values()) {
      const existing =
        registered.get(childId(child)) ?? (await this.find(child));
      const entry: ResourceStatusEntry = {
        group: ARGOPROJ_GROUP,
        version: versionOf(child.manifest),
        kind: child.kind,
        namespace: child.namespace,
        name: child.name,
        status: 'OutOfSync',
      };
      if (existing && existing.origin !== input.origin) {
        conditions.push({
          type: 'SharedResourceWarning',
          message: `${child.kind} ${child.namespace}/${child.name} is already managed by ${existing.origin}; it is left as it is`,
        });
        report.resources.push({
          entry,
          target: child.manifest,
          live: liveOf(existing),
        });
        continue;
      }
      const upToDate =
        existing !== undefined &&
        isDeepStrictEqual(
          JSON.parse(JSON.stringify(existing.manifest)),
          JSON.parse(JSON.stringify(child.manifest)),
        );
      let live = existing;
      if (!upToDate && input.register) {
        live = await this.register(child, input.origin, report);
      }
      entry.status = upToDate || input.register ? 'Synced' : 'OutOfSync';
      report.resources.push({
        entry,
        target: child.manifest,
        live: live ? liveOf(live) : undefined,
      });
    }

    for (const [id, child] of registered) {
      if (desired.has(id)) continue;
      if (input.prune) {
        await this.remove(child);
        report.pruned.push({
          kind: child.kind,
          namespace: child.namespace,
          name: child.name,
        });
      } else {
        report.resources.push({
          entry: {
            group: ARGOPROJ_GROUP,
            version: versionOf(child.manifest),
            kind: child.kind,
            namespace: child.namespace,
            name: child.name,
            status: 'OutOfSync',
            requiresPruning: true,
          },
          live: liveOf(child),
        });
      }
    }
    return report;
  }

  private async find(
    child: DesiredChild,
  ): Promise<RegisteredChild | undefined> {
    const key = { namespace: child.namespace, name: child.name };
    if (child.kind === 'Application') {
      const record = await this.options.store.getApplication(key);
      return record ? fromApplicationRecord(record) : undefined;
    }
    const record = await this.options.store.getArgoObject({
      kind: child.kind,
      ...key,
    });
    return record ? fromArgoObjectRecord(record) : undefined;
  }

  private async register(
    child: DesiredChild,
    origin: string,
    report: ChildrenReport,
  ): Promise<RegisteredChild> {
    if (child.kind === 'Application') {
      const result = await this.options.store.upsertApplication({
        application: child.manifest as unknown as Application,
        origin,
      });
      report.changedApplications.push({
        namespace: child.namespace,
        name: child.name,
      });
      return fromApplicationRecord(result.application);
    }
    const result = await this.options.store.upsertArgoObject({
      object: child.manifest as unknown as ArgoObjectManifest,
      origin,
    });
    return fromArgoObjectRecord(result.record);
  }

  private async remove(child: RegisteredChild): Promise<void> {
    const key = { namespace: child.namespace, name: child.name };
    if (child.kind === 'Application') {
      const record = await this.options.store.getApplication(key);
      if (record) {
        await this.options.deleteApplication(record);
      }
      return;
    }
    await this.options.store.deleteArgoObject({ kind: child.kind, ...key });
  }
}
