import * as k8s from '@kubernetes/client-node';
import {
  failureOf,
  rawRequest,
  statusOf,
  startWireSim,
  waitFor,
  WireSim,
} from '../__testUtils__/wire';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/**
 * The API machinery over HTTPS with @kubernetes/client-node, the client the
 * engine uses in production: objects, errors, lists, patches, apply, dry run,
 * status subresource, deletion, garbage collection, namespaces, CRDs.
 */
describe('kube-sim over the wire (client-node)', () => {
  let wire: WireSim;

  beforeAll(async () => {
    wire = await startWireSim({ controllers: false, namespaces: ['team-a'] });
  });

  afterAll(async () => {
    await wire?.stop();
  });

  const configMap = (
    name: string,
    labels: Record<string, string> = {},
    data: Record<string, string> = {},
  ) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'team-a', labels },
    data,
  });

  it('serves /version and discovery that client-node resolves kinds with', async () => {
    const version = await wire.kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.32\./);
    const resources = await wire.kc
      .makeApiClient(k8s.CoreV1Api)
      .getAPIResources();
    const pods = resources.resources.find(r => r.name === 'pods')!;
    expect(pods).toMatchObject({
      kind: 'Pod',
      namespaced: true,
      singularName: 'pod',
      shortNames: ['po'],
    });
    expect(resources.resources.map(r => r.name)).toContain('pods/status');
    const groups = await wire.kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    expect(groups.groups.map(g => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'networking.k8s.io',
        'apiextensions.k8s.io',
      ]),
    );
  });

  it('creates objects with uid, creationTimestamp and a resourceVersion from one counter', async () => {
    const a = await wire.core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: configMap('first'),
    });
    const b = await wire.core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: configMap('second'),
    });
    expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(b.metadata!.resourceVersion)).toBeGreaterThan(
      Number(a.metadata!.resourceVersion),
    );
    expect(a.metadata?.managedFields?.[0]).toMatchObject({
      operation: 'Update',
      fieldsType: 'FieldsV1',
    });
    // ConfigMaps do not track generation.
    expect(a.metadata?.generation).toBeUndefined();
  });

  it('answers errors as Status objects with the right code and reason', async () => {
    const exists = await failureOf(
      wire.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: configMap('first'),
      }),
    );
    expect(exists).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "first" already exists',
    });

    const missing = await failureOf(
      wire.core.readNamespacedConfigMap({ namespace: 'team-a', name: 'nope' }),
    );
    expect(missing).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'configmaps "nope" not found',
    });

    const badName = await failureOf(
      wire.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: configMap('Bad_Name'),
      }),
    );
    expect(badName.code).toBe(422);
    expect(badName.reason).toBe('Invalid');
    expect(badName.message).toContain(
      'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
    );
    expect(badName.details.causes[0]).toMatchObject({
      field: 'metadata.name',
      type: 'FieldValueInvalid',
    });

    const noNamespace = await failureOf(
      wire.core.createNamespacedConfigMap({
        namespace: 'ghost',
        body: { ...configMap('x'), metadata: { name: 'x' } },
      }),
    );
    expect(noNamespace).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "ghost" not found',
    });

    const notAllowed = await rawRequest(wire, 'DELETE', '/api/v1/namespaces');
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.body).toMatchObject({
      kind: 'Status',
      code: 405,
      reason: 'MethodNotAllowed',
    });

    const mismatch = await failureOf(
      wire.apps.createNamespacedDeployment({
        namespace: 'team-a',
        body: {
          metadata: { name: 'mismatch' },
          spec: {
            selector: { matchLabels: { app: 'a' } },
            template: {
              metadata: { labels: { app: 'b' } },
              spec: { containers: [{ name: 'c', image: 'i' }] },
            },
          },
        },
      }),
    );
    expect(mismatch).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
    });
  });

  it('refuses an update from a stale resourceVersion with 409 Conflict', async () => {
    const current = await wire.core.readNamespacedConfigMap({
      namespace: 'team-a',
      name: 'first',
    });
    await wire.core.replaceNamespacedConfigMap({
      namespace: 'team-a',
      name: 'first',
      body: { ...current, data: { v: '1' } },
    });
    const stale = await failureOf(
      wire.core.replaceNamespacedConfigMap({
        namespace: 'team-a',
        name: 'first',
        body: { ...current, data: { v: '2' } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe('Conflict');
    expect(stale.message).toBe(
      'Operation cannot be fulfilled on configmaps "first": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('lists with label and field selectors, limit and continue', async () => {
    for (const [name, tier] of [
      ['sel-a', 'web'],
      ['sel-b', 'api'],
      ['sel-c', 'db'],
    ]) {
      await wire.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: configMap(name, { tier, group: 'sel' }),
      });
    }
    await wire.core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: configMap('sel-d', { group: 'sel', canary: 'true' }),
    });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (
        await wire.core.listNamespacedConfigMap({
          namespace: 'team-a',
          labelSelector,
          fieldSelector,
        })
      ).items.map(i => i.metadata!.name);
    expect(await names('tier=web')).toEqual(['sel-a']);
    expect(await names('group=sel,tier!=web')).toEqual([
      'sel-b',
      'sel-c',
      'sel-d',
    ]);
    expect(await names('tier in (api,db)')).toEqual(['sel-b', 'sel-c']);
    expect(await names('group=sel,tier notin (api,db)')).toEqual([
      'sel-a',
      'sel-d',
    ]);
    expect(await names('canary')).toEqual(['sel-d']);
    expect(await names('group=sel,!tier')).toEqual(['sel-d']);
    expect(await names(undefined, 'metadata.name=sel-b')).toEqual(['sel-b']);
    expect(await names('group=sel', 'metadata.name!=sel-b')).toEqual([
      'sel-a',
      'sel-c',
      'sel-d',
    ]);

    const page1 = await wire.core.listNamespacedConfigMap({
      namespace: 'team-a',
      labelSelector: 'group=sel',
      limit: 3,
    });
    expect(page1.items.map(i => i.metadata!.name)).toEqual([
      'sel-a',
      'sel-b',
      'sel-c',
    ]);
    expect(page1.metadata?._continue).toBeTruthy();
    const page2 = await wire.core.listNamespacedConfigMap({
      namespace: 'team-a',
      labelSelector: 'group=sel',
      limit: 3,
      _continue: page1.metadata!._continue,
    });
    expect(page2.items.map(i => i.metadata!.name)).toEqual(['sel-d']);
    expect(page2.metadata?._continue).toBeFalsy();

    const unsupported = await failureOf(
      wire.core.listNamespacedConfigMap({
        namespace: 'team-a',
        fieldSelector: 'data.x=1',
      }),
    );
    expect(unsupported).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'field label not supported: data.x',
    });
  });

  it('patches with JSON patch, merge patch and strategic merge patch (containers merged by name)', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'patchme', namespace: 'team-a' },
      spec: {
        selector: { matchLabels: { app: 'patchme' } },
        template: {
          metadata: { labels: { app: 'patchme' } },
          spec: {
            containers: [
              { name: 'app', image: 'app:1' },
              { name: 'sidecar', image: 'side:1' },
            ],
          },
        },
      },
    };
    const created: any = await wire.objects.create(deployment);
    expect(created.metadata?.generation).toBe(1);
    const smp: any = await wire.objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'patchme', namespace: 'team-a' },
        spec: {
          template: {
            spec: { containers: [{ name: 'sidecar', image: 'side:2' }] },
          },
        },
      } as any,
      undefined,
      undefined,
      'tester',
      undefined,
      k8s.PatchStrategy.StrategicMergePatch,
    );
    expect(
      (smp as any).spec.template.spec.containers.map(
        (c: any) => `${c.name}=${c.image}`,
      ),
    ).toEqual(['app=app:1', 'sidecar=side:2']);
    expect(smp.metadata?.generation).toBe(2);

    const merged: any = await wire.objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'patchme',
          namespace: 'team-a',
          labels: { patched: 'yes' },
        },
      } as any,
      undefined,
      undefined,
      'tester',
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
    // Metadata changes do not bump generation.
    expect(merged.metadata?.labels).toEqual({ patched: 'yes' });
    expect(merged.metadata?.generation).toBe(2);

    const jsonPatched = await wire.apps.patchNamespacedDeployment(
      {
        namespace: 'team-a',
        name: 'patchme',
        body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.spec?.replicas).toBe(3);
    expect(jsonPatched.metadata?.generation).toBe(3);
  });

  it('server-side applies with field managers, conflicts, force and dryRun=All', async () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace: 'team-a' },
      data: { owner: 'first', shared: 'x' },
    };
    const created: any = await wire.objects.patch(
      manifest,
      undefined,
      undefined,
      'first',
      false,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect(created.metadata?.managedFields).toEqual([
      expect.objectContaining({
        manager: 'first',
        operation: 'Apply',
        fieldsV1: { 'f:data': { 'f:owner': {}, 'f:shared': {} } },
      }),
    ]);
    const clash = await failureOf(
      wire.objects.patch(
        { ...manifest, data: { owner: 'second' } },
        undefined,
        undefined,
        'second',
        false,
        k8s.PatchStrategy.ServerSideApply,
      ),
    );
    expect(clash).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Apply failed with 1 conflict: conflict with "first" using v1: .data.owner',
    });
    expect(clash.details.causes).toEqual([
      {
        type: 'FieldManagerConflict',
        message: 'conflict with "first" using v1',
        field: '.data.owner',
      },
    ]);

    const preview = await wire.objects.patch(
      { ...manifest, data: { owner: 'second' } },
      undefined,
      'All',
      'second',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect((preview as any).data.owner).toBe('second');
    expect(((await wire.objects.read(manifest)) as any).data.owner).toBe(
      'first',
    );

    const forced: any = await wire.objects.patch(
      { ...manifest, data: { owner: 'second' } },
      undefined,
      undefined,
      'second',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect((forced as any).data).toEqual({ owner: 'second', shared: 'x' });
    const owners = Object.fromEntries(
      forced.metadata.managedFields.map((e: any) => [e.manager, e.fieldsV1]),
    );
    expect(owners).toEqual({
      first: { 'f:data': { 'f:shared': {} } },
      second: { 'f:data': { 'f:owner': {} } },
    });

    // Re-applying the same configuration changes nothing: same resourceVersion.
    const again: any = await wire.objects.patch(
      { ...manifest, data: { owner: 'second' } },
      undefined,
      undefined,
      'second',
      false,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect(again.metadata?.resourceVersion).toBe(
      forced.metadata?.resourceVersion,
    );

    // A manager that stops applying a field it alone owns removes it.
    const dropped = await wire.objects.patch(
      { ...manifest, data: {} },
      undefined,
      undefined,
      'first',
      false,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect((dropped as any).data).toEqual({ owner: 'second' });

    const dryCreate: any = await wire.objects.create(
      configMap('dry-only'),
      undefined,
      'All',
    );
    expect(dryCreate.metadata?.uid).toBeTruthy();
    const absent = await failureOf(
      wire.core.readNamespacedConfigMap({
        namespace: 'team-a',
        name: 'dry-only',
      }),
    );
    expect(absent.code).toBe(404);
  });

  it('fills in server defaults that would otherwise show as drift', async () => {
    const service = await wire.objects.patch(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'defaults', namespace: 'team-a' },
        spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80 }] },
      },
      undefined,
      undefined,
      'driftless',
      false,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect((service as any).spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect((service as any).spec.clusterIP).toMatch(/^10\.96\./);
    expect((service as any).spec.clusterIPs).toEqual([
      (service as any).spec.clusterIP,
    ]);
  });

  it('keeps status and spec apart through the /status subresource', async () => {
    const pvc = await wire.core.createNamespacedPersistentVolumeClaim({
      namespace: 'team-a',
      body: {
        metadata: { name: 'claim' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
        status: { phase: 'Bound' },
      },
    });
    expect(pvc.status?.phase).toBe('Pending');
    const withStatus =
      await wire.core.replaceNamespacedPersistentVolumeClaimStatus({
        namespace: 'team-a',
        name: 'claim',
        body: {
          ...pvc,
          spec: { ...pvc.spec, volumeName: 'changed-through-status' },
          status: { phase: 'Bound' },
        },
      });
    expect(withStatus.status?.phase).toBe('Bound');
    expect(withStatus.spec?.volumeName).toBeUndefined();
    const statusEntry = withStatus.metadata?.managedFields?.find(
      e => e.subresource === 'status',
    );
    expect(statusEntry?.fieldsV1).toEqual({ 'f:status': { 'f:phase': {} } });
  });

  it('applies to the status subresource, and dry-runs updates and deletes', async () => {
    await wire.core.patchNamespacedPersistentVolumeClaimStatus(
      {
        namespace: 'team-a',
        name: 'claim',
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'claim' },
          status: { phase: 'Lost' },
        },
        fieldManager: 'status-writer',
        force: true,
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    const claim = await wire.core.readNamespacedPersistentVolumeClaim({
      namespace: 'team-a',
      name: 'claim',
    });
    expect(claim.status?.phase).toBe('Lost');
    const entry = claim.metadata!.managedFields!.find(
      e => e.manager === 'status-writer',
    )!;
    expect(entry).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
    });

    const before = await wire.core.readNamespacedConfigMap({
      namespace: 'team-a',
      name: 'first',
    });
    const dryUpdate = await wire.core.replaceNamespacedConfigMap({
      namespace: 'team-a',
      name: 'first',
      body: { ...before, data: { dry: 'run' } },
      dryRun: 'All',
    });
    expect(dryUpdate.data).toEqual({ dry: 'run' });
    await wire.core.deleteNamespacedConfigMap({
      namespace: 'team-a',
      name: 'first',
      dryRun: 'All',
    });
    const after = await wire.core.readNamespacedConfigMap({
      namespace: 'team-a',
      name: 'first',
    });
    expect(after.data).toEqual(before.data);
    expect(after.metadata!.resourceVersion).toBe(
      before.metadata!.resourceVersion,
    );
  });

  it('deletes with finalizers: deletionTimestamp first, gone when the last finalizer goes', async () => {
    await wire.core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: {
        ...configMap('held'),
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
      },
    });
    await wire.core.deleteNamespacedConfigMap({
      namespace: 'team-a',
      name: 'held',
    });
    const still = await wire.core.readNamespacedConfigMap({
      namespace: 'team-a',
      name: 'held',
    });
    expect(still.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const added = await failureOf(
      wire.core.patchNamespacedConfigMap(
        {
          namespace: 'team-a',
          name: 'held',
          body: {
            metadata: { finalizers: ['example.com/hold', 'example.com/late'] },
          },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    );
    expect(added.code).toBe(422);
    expect(added.message).toContain(
      'no new finalizers can be added if the object is being deleted',
    );
    await wire.core.patchNamespacedConfigMap(
      {
        namespace: 'team-a',
        name: 'held',
        body: { metadata: { finalizers: null } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const gone = await failureOf(
      wire.core.readNamespacedConfigMap({ namespace: 'team-a', name: 'held' }),
    );
    expect(gone.code).toBe(404);
  });

  it('garbage-collects dependents in the background, orphans them, or deletes them first (foreground)', async () => {
    const owner = async (name: string) =>
      wire.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: configMap(name),
      });
    const dependent = async (name: string, of: k8s.V1ConfigMap) =>
      wire.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: {
          metadata: {
            name,
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                name: of.metadata!.name!,
                uid: of.metadata!.uid!,
                blockOwnerDeletion: true,
              },
            ],
          },
        },
      });
    const exists = async (name: string) =>
      wire.core.readNamespacedConfigMap({ namespace: 'team-a', name }).then(
        cm => cm,
        () => undefined,
      );

    const bg = await owner('gc-bg');
    await dependent('gc-bg-child', bg);
    await wire.core.deleteNamespacedConfigMap({
      namespace: 'team-a',
      name: 'gc-bg',
      propagationPolicy: 'Background',
    });
    await waitFor(
      async () => !(await exists('gc-bg-child')),
      'background deletion of the dependent',
    );

    const orphaning = await owner('gc-orphan');
    await dependent('gc-orphan-child', orphaning);
    await wire.core.deleteNamespacedConfigMap({
      namespace: 'team-a',
      name: 'gc-orphan',
      propagationPolicy: 'Orphan',
    });
    await waitFor(
      async () => !(await exists('gc-orphan')),
      'the orphaning owner to go',
    );
    const orphan = await exists('gc-orphan-child');
    expect(orphan?.metadata?.ownerReferences).toBeUndefined();

    const fg = await owner('gc-fg');
    await dependent('gc-fg-child', fg);
    // The owner stays, marked for foreground deletion, until its dependent is gone.
    await wire.core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: {
        metadata: {
          name: 'gc-fg-blocker',
          finalizers: ['example.com/hold'],
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'gc-fg',
              uid: fg.metadata!.uid!,
              blockOwnerDeletion: true,
            },
          ],
        },
      },
    });
    await wire.core.deleteNamespacedConfigMap({
      namespace: 'team-a',
      name: 'gc-fg',
      propagationPolicy: 'Foreground',
    });
    const waiting = await waitFor(
      () => exists('gc-fg'),
      'the owner marked for deletion',
    );
    expect(waiting.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(waiting.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await waitFor(
      async () => !(await exists('gc-fg-child')),
      'the dependent deleted first',
    );
    expect(await exists('gc-fg')).toBeTruthy();
    await wire.core.patchNamespacedConfigMap(
      {
        namespace: 'team-a',
        name: 'gc-fg-blocker',
        body: { metadata: { finalizers: null } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor(
      async () => !(await exists('gc-fg')) && !(await exists('gc-fg-child')),
      'foreground deletion',
    );
  });

  it('deletes a namespace with its contents, and refuses new content while it terminates', async () => {
    await wire.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await wire.core.createNamespacedConfigMap({
      namespace: 'doomed',
      body: { metadata: { name: 'a', finalizers: ['example.com/slow'] } },
    });
    await wire.core.deleteNamespace({ name: 'doomed' });
    const terminating = await wire.core.readNamespace({ name: 'doomed' });
    expect(terminating.status?.phase).toBe('Terminating');
    const refused = await failureOf(
      wire.core.createNamespacedConfigMap({
        namespace: 'doomed',
        body: { metadata: { name: 'b' } },
      }),
    );
    expect(refused.code).toBe(403);
    expect(refused.reason).toBe('Forbidden');
    expect(refused.message).toContain(
      'unable to create new content in namespace doomed because it is being terminated',
    );
    await wire.core.patchNamespacedConfigMap(
      {
        namespace: 'doomed',
        name: 'a',
        body: { metadata: { finalizers: null } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor(
      () =>
        wire.core.readNamespace({ name: 'doomed' }).then(
          () => false,
          e => statusOf(e).code === 404,
        ),
      'the namespace to be gone',
    );
  });

  it('deletes a collection by label selector', async () => {
    for (const name of ['col-1', 'col-2', 'col-3']) {
      await wire.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: configMap(name, { batch: name === 'col-3' ? 'keep' : 'drop' }),
      });
    }
    await wire.core.deleteCollectionNamespacedConfigMap({
      namespace: 'team-a',
      labelSelector: 'batch=drop',
    });
    const left = await wire.core.listNamespacedConfigMap({
      namespace: 'team-a',
      labelSelector: 'batch',
    });
    expect(left.items.map(i => i.metadata!.name)).toEqual(['col-3']);
  });

  it('serves a CRD once created, with its status subresource, and stops serving it once deleted', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: {
          plural: 'widgets',
          singular: 'widget',
          kind: 'Widget',
          shortNames: ['wd'],
        },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  // client-node's typed serializer spells `default` as `_default`.
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer', _default: 3 },
                      color: { type: 'string' },
                    },
                  },
                  status: {
                    type: 'object',
                    properties: { ready: { type: 'boolean' } },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const created = await wire.objects.create(crd);
    expect(
      (created as any).status.conditions.map(
        (c: any) => `${c.type}=${c.status}`,
      ),
    ).toEqual(['NamesAccepted=True', 'Established=True']);
    const widget: any = await wire.objects.create({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'team-a' },
      spec: { color: 'red', extra: 1 },
      status: { ready: true },
    } as any);
    // Schema defaults applied, unknown fields pruned, status dropped on create.
    expect((widget as any).spec).toEqual({ color: 'red', size: 3 });
    expect((widget as any).status).toBeUndefined();
    expect(widget.metadata?.generation).toBe(1);
    const custom = wire.kc.makeApiClient(k8s.CustomObjectsApi);
    const withStatus: any = await custom.replaceNamespacedCustomObjectStatus({
      group: 'example.com',
      version: 'v1',
      namespace: 'team-a',
      plural: 'widgets',
      name: 'w1',
      body: { ...widget, spec: { color: 'blue' }, status: { ready: true } },
    });
    expect(withStatus.status).toEqual({ ready: true });
    expect(withStatus.spec.color).toBe('red');
    expect(withStatus.metadata.generation).toBe(1);

    await wire.objects.delete(crd);
    await waitFor(
      () =>
        custom
          .listNamespacedCustomObject({
            group: 'example.com',
            version: 'v1',
            namespace: 'team-a',
            plural: 'widgets',
          })
          .then(
            () => false,
            e => statusOf(e).code === 404,
          ),
      'the widgets resource to stop being served',
    );
    const groups = await wire.kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    expect(groups.groups.map(g => g.name)).not.toContain('example.com');
  });
});
