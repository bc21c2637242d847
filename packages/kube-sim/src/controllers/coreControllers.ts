import { JsonObject, KubeObject } from '../machinery/types';
import { storageKeyOf } from '../registry/resourceType';
import { ChangeEvent } from '../store/objectStore';
import { Controller, keyOf } from './controller';

/**
 * Namespace lifecycle: a new namespace gets its `default` ServiceAccount; a
 * deleted one has its contents deleted, then its `kubernetes` finalizer
 * removed, and is gone.
 */
export class NamespaceController extends Controller {
  readonly name = 'namespace';
  readonly manager = 'kube-controller-manager';

  observe(event: ChangeEvent): void {
    if (event.storageKey === 'namespaces' && event.type !== 'DELETED') {
      this.enqueue(event.object.metadata.name!);
    } else if (event.type === 'DELETED' && event.object.metadata.namespace) {
      const namespace = this.client.get(
        '',
        'Namespace',
        undefined,
        event.object.metadata.namespace,
      );
      if (namespace?.metadata.deletionTimestamp)
        this.enqueue(namespace.metadata.name!, 10);
    }
  }

  resync(): void {
    for (const namespace of this.client.list('', 'Namespace'))
      this.enqueue(namespace.metadata.name!);
  }

  reconcile(name: string): void {
    const namespace = this.client.get('', 'Namespace', undefined, name);
    if (!namespace) return;
    if (!namespace.metadata.deletionTimestamp) {
      if (!this.client.get('', 'ServiceAccount', name, 'default')) {
        this.client.create({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'default', namespace: name },
        });
      }
      return;
    }
    const api = this.context.api;
    let remaining = 0;
    for (const type of api.registry.all()) {
      if (!type.namespaced || !type.verbs.includes('delete')) continue;
      if (
        type.version !==
        api.registry.lookupGroupKind(type.group, type.kind)?.version
      )
        continue;
      for (const object of api.store.list(type.storageKey, name)) {
        remaining++;
        if (!object.metadata.deletionTimestamp)
          this.client.delete(object, { propagationPolicy: 'Background' });
      }
    }
    if (remaining > 0) {
      this.enqueue(name, 20);
      return;
    }
    const finalizers = (namespace.spec?.finalizers ?? []).filter(
      (f: string) => f !== 'kubernetes',
    );
    const type = this.client.type('', 'Namespace')!;
    api.update(
      type,
      undefined,
      name,
      { ...namespace, spec: { ...namespace.spec, finalizers } },
      { fieldManager: this.manager, internal: true },
      'finalize',
    );
  }
}

/**
 * The garbage collector: dependents of a deleted owner are deleted
 * (background), orphaned (`orphan` finalizer) or deleted first
 * (`foregroundDeletion` finalizer); objects whose owners are all gone go too.
 */
export class GarbageCollector extends Controller {
  readonly name = 'garbageCollector';
  readonly manager = 'kube-controller-manager';
  private readonly byUid = new Map<
    string,
    { storageKey: string; namespace?: string; name: string }
  >();

  observe(event: ChangeEvent): void {
    const { metadata } = event.object;
    if (!metadata.uid) return;
    if (event.type === 'DELETED') {
      this.byUid.delete(metadata.uid);
      if (this.context.api.store.dependentsOf(metadata.uid).length > 0)
        this.enqueue(`owner|${metadata.uid}`);
      return;
    }
    this.byUid.set(metadata.uid, {
      storageKey: event.storageKey,
      namespace: metadata.namespace,
      name: metadata.name!,
    });
    if (metadata.deletionTimestamp) {
      const finalizers = metadata.finalizers ?? [];
      if (
        finalizers.includes('orphan') ||
        finalizers.includes('foregroundDeletion')
      ) {
        this.enqueue(
          `finalize|${event.storageKey}|${metadata.namespace ?? ''}|${
            metadata.name
          }`,
        );
      }
    }
    if (event.type === 'ADDED' && event.storageKey === 'events') {
      this.enqueue(
        `expire|${event.storageKey}|${metadata.namespace ?? ''}|${
          metadata.name
        }`,
        this.context.timings.eventTtlMs,
      );
    }
    if (event.type === 'ADDED' && (metadata.ownerReferences ?? []).length > 0) {
      this.enqueue(
        `dangling|${event.storageKey}|${metadata.namespace ?? ''}|${
          metadata.name
        }`,
        50,
      );
    }
  }

  resync(): void {
    const store = this.context.api.store;
    for (const storageKey of store.storageKeys()) {
      for (const object of store.list(storageKey)) {
        if (object.metadata.uid) {
          this.byUid.set(object.metadata.uid, {
            storageKey,
            namespace: object.metadata.namespace,
            name: object.metadata.name!,
          });
        }
      }
    }
  }

  private ownerExists(uid: string): boolean {
    const entry = this.byUid.get(uid);
    if (!entry) return false;
    return Boolean(
      this.context.api.store.get(entry.storageKey, entry.namespace, entry.name),
    );
  }

  private dependents(uid: string): KubeObject[] {
    const store = this.context.api.store;
    return store
      .dependentsOf(uid)
      .map(ref => store.get(ref.storageKey, ref.namespace, ref.name))
      .filter((object): object is KubeObject => object !== undefined);
  }

  private removeOwner(dependent: KubeObject, uid: string): void {
    const ownerReferences = (dependent.metadata.ownerReferences ?? []).filter(
      owner => owner.uid !== uid,
    );
    this.client.mergePatch(dependent, {
      metadata: {
        ownerReferences: ownerReferences.length > 0 ? ownerReferences : null,
        resourceVersion: dependent.metadata.resourceVersion,
      },
    });
  }

  reconcile(key: string): void {
    const [kind, ...rest] = key.split('|');
    const store = this.context.api.store;
    if (kind === 'owner') {
      const uid = rest[0];
      for (const dependent of this.dependents(uid)) {
        const others = (dependent.metadata.ownerReferences ?? []).filter(
          owner => owner.uid !== uid && this.ownerExists(owner.uid),
        );
        if (others.length > 0) this.removeOwner(dependent, uid);
        else if (!dependent.metadata.deletionTimestamp)
          this.client.delete(dependent, { propagationPolicy: 'Background' });
      }
      return;
    }
    const [storageKey, namespace, name] = rest;
    const object = store.get(storageKey, namespace || undefined, name);
    if (!object) return;
    if (kind === 'expire') {
      this.client.delete(object);
      return;
    }
    if (kind === 'dangling') {
      const owners = object.metadata.ownerReferences ?? [];
      if (
        owners.length > 0 &&
        owners.every(owner => !this.ownerExists(owner.uid))
      ) {
        this.client.delete(object, { propagationPolicy: 'Background' });
      }
      return;
    }
    const finalizers = object.metadata.finalizers ?? [];
    const uid = object.metadata.uid!;
    if (finalizers.includes('orphan')) {
      for (const dependent of this.dependents(uid))
        this.removeOwner(dependent, uid);
      this.dropFinalizer(object, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      const blocking = this.dependents(uid);
      for (const dependent of blocking) {
        if (!dependent.metadata.deletionTimestamp)
          this.client.delete(dependent, { propagationPolicy: 'Foreground' });
      }
      if (blocking.length > 0) {
        this.enqueue(key, 20);
        return;
      }
      this.dropFinalizer(object, 'foregroundDeletion');
    }
  }

  private dropFinalizer(object: KubeObject, finalizer: string): void {
    const finalizers = (object.metadata.finalizers ?? []).filter(
      f => f !== finalizer,
    );
    this.client.mergePatch(object, {
      metadata: {
        finalizers: finalizers.length > 0 ? finalizers : null,
        resourceVersion: object.metadata.resourceVersion,
      },
    });
  }
}

/** Deleting a CRD deletes its custom resources first, then the CRD (which stops serving them). */
export class CrdCleanupController extends Controller {
  readonly name = 'crdCleanup';
  readonly manager = 'kube-apiserver';

  observe(event: ChangeEvent): void {
    if (
      event.storageKey !==
      storageKeyOf('apiextensions.k8s.io', 'customresourcedefinitions')
    )
      return;
    if (event.type !== 'DELETED' && event.object.metadata.deletionTimestamp)
      this.enqueue(keyOf(event.object));
  }

  reconcile(name: string): void {
    const crd = this.client.get(
      'apiextensions.k8s.io',
      'CustomResourceDefinition',
      undefined,
      name,
    );
    if (!crd?.metadata.deletionTimestamp) return;
    const spec: JsonObject = crd.spec ?? {};
    const storageKey = storageKeyOf(spec.group, spec.names?.plural);
    const store = this.context.api.store;
    const instances = store.list(storageKey);
    for (const instance of instances) {
      if (!instance.metadata.deletionTimestamp)
        this.client.delete(instance, { propagationPolicy: 'Background' });
    }
    if (store.count(storageKey) > 0) {
      this.enqueue(name, 20);
      return;
    }
    const finalizers = (crd.metadata.finalizers ?? []).filter(
      f => f !== 'customresourcecleanup.apiextensions.k8s.io',
    );
    this.client.mergePatch(crd, {
      metadata: {
        finalizers: finalizers.length > 0 ? finalizers : null,
        resourceVersion: crd.metadata.resourceVersion,
      },
    });
  }
}
