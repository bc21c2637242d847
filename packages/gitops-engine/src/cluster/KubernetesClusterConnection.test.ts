import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubernetesObject } from '../render/types';
import {
  eventually,
  startTestCluster,
  type TestCluster,
} from './__testUtils__/testCluster';
import type { WatchEventType } from './connection';
import {
  ClusterConfigError,
  ClusterRequestError,
  ClusterUnreachableError,
  ResourceExpiredError,
  ResourceNotServedError,
} from './errors';
import { KubernetesClusterConnection } from './KubernetesClusterConnection';

// kube-sim and openssl run for real; a busy machine is slow.
jest.setTimeout(30_000);

const run = promisify(execFile);

const configMap = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'apps' },
  data,
});

describe('KubernetesClusterConnection', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ namespaces: ['apps'] });
  });
  afterAll(() => cluster.stop());
  afterEach(() => cluster.sim.faults.clear());

  describe('discovery', () => {
    it('lists the served types with plural, scope, verbs and preferred version', async () => {
      const resources = await cluster.connection.discover();
      expect(
        resources.find(r => r.group === 'apps' && r.kind === 'Deployment'),
      ).toEqual({
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        resource: 'deployments',
        namespaced: true,
        verbs: expect.arrayContaining(['get', 'list', 'watch', 'patch']),
        preferredVersion: true,
      });
      expect(
        resources.find(r => r.group === '' && r.kind === 'Namespace'),
      ).toMatchObject({ resource: 'namespaces', namespaced: false });
      // Subresources are not types.
      expect(resources.some(r => r.resource.includes('/'))).toBe(false);
    });

    it('is cached, and refreshed on request', async () => {
      await cluster.connection.discover();
      const before = cluster.requests.filter(r =>
        r.startsWith('GET /apis '),
      ).length;
      await cluster.connection.discover();
      await cluster.connection.findResource('apps/v1', 'Deployment');
      expect(
        cluster.requests.filter(r => r.startsWith('GET /apis ')).length,
      ).toBe(before);
      await cluster.connection.discover({ refresh: true });
      expect(
        cluster.requests.filter(r => r.startsWith('GET /apis ')).length,
      ).toBe(before + 1);
    });

    it('finds a kind whose CRD was installed after the last discovery', async () => {
      await cluster.connection.discover({ refresh: true });
      cluster.sim.apply({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          names: {
            kind: 'Widget',
            plural: 'widgets',
            singular: 'widget',
            listKind: 'WidgetList',
          },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                },
              },
            },
          ],
        },
      } as any);
      // A miss refreshes discovery at most once a second.
      await new Promise(resolve => setTimeout(resolve, 1_050));
      await expect(
        cluster.connection.findResource('example.com/v1', 'Widget'),
      ).resolves.toMatchObject({ resource: 'widgets', namespaced: true });
    });

    it('says which kind is not served and what to do', async () => {
      const error = await cluster.connection
        .findResource('example.com/v1', 'Gadget')
        .catch(e => e);
      expect(error).toBeInstanceOf(ResourceNotServedError);
      expect(error.message).toBe(
        "cluster 'kube-sim' does not serve example.com/v1 Gadget: install the CustomResourceDefinition that defines it, or use an apiVersion the cluster serves (kubectl api-resources lists them)",
      );
    });
  });

  describe('reads', () => {
    it('gets an object with apiVersion and kind, and undefined for one that does not exist', async () => {
      cluster.sim.apply(configMap('read-me', { a: '1' }));
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      const object = await cluster.connection.get(resource, 'read-me', 'apps');
      expect(object).toMatchObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        data: { a: '1' },
      });
      await expect(
        cluster.connection.get(resource, 'nope', 'apps'),
      ).resolves.toBeUndefined();
    });

    it('lists page by page and returns the list resourceVersion', async () => {
      for (let i = 0; i < 7; i++)
        cluster.sim.apply({
          ...configMap(`paged-${i}`),
          metadata: {
            name: `paged-${i}`,
            namespace: 'apps',
            labels: { paged: 'yes' },
          },
        });
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      const before = cluster.requests.length;
      const list = await cluster.connection.list(resource, {
        namespace: 'apps',
        labelSelector: 'paged=yes',
        pageSize: 3,
      });
      expect(list.items.map(item => item.metadata.name).sort()).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map(i => `paged-${i}`),
      );
      expect(
        list.items.every(
          item => item.kind === 'ConfigMap' && item.apiVersion === 'v1',
        ),
      ).toBe(true);
      expect(Number(list.resourceVersion)).toBeGreaterThan(0);
      const pages = cluster.requests
        .slice(before)
        .filter(r => r.includes('/configmaps?'));
      expect(pages).toHaveLength(3);
    });

    it('lists again unpaged when a continue token has expired', async () => {
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      cluster.sim.faults.add({
        verbs: ['list'],
        resources: ['configmaps'],
        skip: 1,
        count: 1,
        effect: {
          type: 'error',
          code: 410,
          reason: 'Expired',
          message: 'continue token too old',
        },
      });
      const list = await cluster.connection.list(resource, {
        namespace: 'apps',
        labelSelector: 'paged=yes',
        pageSize: 3,
      });
      expect(list.items).toHaveLength(7);
      expect(cluster.requests.at(-1)).toMatch(
        /configmaps\?labelSelector=paged%3Dyes 200$/,
      );
    });
  });

  describe('watch', () => {
    async function collect(
      options: { resourceVersion: string },
      until: (events: string[]) => boolean,
    ) {
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      const events: string[] = [];
      let closed: { error?: Error } | undefined;
      const handle = cluster.connection.watch(
        resource,
        {
          namespace: 'apps',
          resourceVersion: options.resourceVersion,
          labelSelector: 'watched=yes',
        },
        {
          onEvent: (type: WatchEventType, object: KubernetesObject) =>
            events.push(`${type} ${object.kind} ${object.metadata.name}`),
          onClose: error => {
            closed = { error };
          },
        },
      );
      return {
        events,
        handle,
        closed: () => closed,
        until: () => until(events),
      };
    }

    async function waitUntil(probe: () => unknown) {
      const deadline = Date.now() + 4_000;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    }

    it('streams ADDED, MODIFIED and DELETED from a resourceVersion', async () => {
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      const { resourceVersion } = await cluster.connection.list(resource, {
        namespace: 'apps',
      });
      const watch = await collect({ resourceVersion }, () => false);
      const labelled = {
        ...configMap('watched'),
        metadata: {
          name: 'watched',
          namespace: 'apps',
          labels: { watched: 'yes' },
        },
      };
      cluster.sim.apply(labelled);
      cluster.sim.apply({ ...labelled, data: { b: '2' } });
      await cluster.sim.api.delete(
        cluster.sim.api.registry.lookupKind('', 'v1', 'ConfigMap')!,
        'apps',
        'watched',
        {},
      );
      await waitUntil(() => watch.events.length >= 3);
      watch.handle.stop();
      expect(watch.events).toEqual([
        'ADDED ConfigMap watched',
        'MODIFIED ConfigMap watched',
        'DELETED ConfigMap watched',
      ]);
      expect(watch.closed()).toBeUndefined();
    });

    it('ends with ResourceExpiredError when the server expires the watch (410 Gone)', async () => {
      cluster.sim.faults.add({
        verbs: ['watch'],
        resources: ['configmaps'],
        count: 1,
        effect: { type: 'expireWatch', afterMs: 10 },
      });
      const watch = await collect({ resourceVersion: '1' }, () => false);
      await waitUntil(() => watch.closed());
      expect(watch.closed()!.error).toBeInstanceOf(ResourceExpiredError);
      expect((watch.closed()!.error as ResourceExpiredError).code).toBe(410);
    });

    it('ends without an error when the server drops the stream', async () => {
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      const { resourceVersion } = await cluster.connection.list(resource, {
        namespace: 'apps',
      });
      cluster.sim.faults.add({
        verbs: ['watch'],
        resources: ['configmaps'],
        count: 1,
        effect: { type: 'dropWatch', afterMs: 10 },
      });
      const watch = await collect({ resourceVersion }, () => false);
      await waitUntil(() => watch.closed());
      expect(watch.closed()).toEqual({ error: undefined });
    });
  });

  describe('server-side apply', () => {
    it('sends each request with its own headers', async () => {
      // Writes of different sizes and reads without a body, on reused
      // keep-alive sockets: a Content-Length left over from another request
      // would have the server take the next request for a body.
      const connection = new KubernetesClusterConnection(cluster.config, {
        requestTimeoutMs: 5_000,
      });
      try {
        const resource = await connection.findResource('v1', 'ConfigMap');
        const sizes = Array.from({ length: 12 }, (_, i) => 1 + i * 97);
        const read = await Promise.all(
          sizes.map(async (size, i) => {
            let length = 0;
            for (let round = 1; round <= 3; round++) {
              await connection.apply(
                configMap(`sized-${i}`, { payload: 'x'.repeat(size * round) }),
              );
              const object = (await connection.get(
                resource,
                `sized-${i}`,
                'apps',
              )) as { data?: Record<string, string> } | undefined;
              length = object?.data?.payload.length ?? 0;
            }
            return length;
          }),
        );
        expect(read).toEqual(sizes.map(size => size * 3));
      } finally {
        connection.close();
      }
    });

    it('applies with field manager driftless, and dry-runs without storing', async () => {
      const applied = await cluster.connection.apply(
        configMap('applied', { a: '1' }),
      );
      expect(applied.metadata.managedFields).toEqual([
        expect.objectContaining({ manager: 'driftless', operation: 'Apply' }),
      ]);
      const dryRun = await cluster.connection.apply(
        configMap('applied', { a: '2' }),
        { dryRun: true },
      );
      expect(dryRun.data).toEqual({ a: '2' });
      expect(dryRun.metadata.resourceVersion).toBe(
        applied.metadata.resourceVersion,
      );
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      expect(
        (await cluster.connection.get(resource, 'applied', 'apps'))!.data,
      ).toEqual({ a: '1' });
      expect(cluster.requests.at(-2)).toMatch(
        /^PATCH \/api\/v1\/namespaces\/apps\/configmaps\/applied\?fieldManager=driftless&dryRun=All 200$/,
      );
    });

    it('reports a conflict with another manager, and takes the field over with force', async () => {
      cluster.sim.apply(configMap('contested', { a: 'theirs' }), {
        fieldManager: 'kubectl',
        force: true,
      });
      const conflict = await cluster.connection
        .apply(configMap('contested', { a: 'ours' }))
        .catch(e => e);
      expect(conflict).toBeInstanceOf(ClusterRequestError);
      expect(conflict.code).toBe(409);
      expect(conflict.message).toMatch(
        /^cluster 'kube-sim': apply ConfigMap apps\/contested \(v1\) failed with 409 Conflict: .*kubectl/,
      );
      const forced = await cluster.connection.apply(
        configMap('contested', { a: 'ours' }),
        { force: true },
      );
      expect(forced.data).toEqual({ a: 'ours' });
    });

    it('clears the namespace of a cluster-scoped object and refuses a namespaced one without a namespace', async () => {
      await expect(
        cluster.connection.apply({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'made-by-apply', namespace: 'ignored' },
        }),
      ).resolves.toMatchObject({ metadata: { name: 'made-by-apply' } });
      await expect(
        cluster.connection.apply({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'homeless' },
        }),
      ).rejects.toThrow(
        "cluster 'kube-sim': cannot apply ConfigMap homeless: it is namespaced and has no metadata.namespace",
      );
    });
  });

  describe('create, replace, delete and patch', () => {
    it('creates with a name the server generates, and dry-runs a create without storing', async () => {
      const created = await cluster.connection.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'made-', namespace: 'apps' },
        data: { a: '1' },
      });
      expect(created.metadata.name).toMatch(/^made-[a-z0-9]{5}$/);
      expect(created.metadata.managedFields).toEqual([
        expect.objectContaining({ manager: 'driftless', operation: 'Update' }),
      ]);
      const dryRun = await cluster.connection.create(
        configMap('never-stored', { a: '1' }),
        { dryRun: true },
      );
      expect(dryRun.metadata.name).toBe('never-stored');
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      await expect(
        cluster.connection.get(resource, 'never-stored', 'apps'),
      ).resolves.toBeUndefined();
      const taken = await cluster.connection
        .create(configMap(created.metadata.name!))
        .catch(e => e);
      expect(taken).toBeInstanceOf(ClusterRequestError);
      expect(taken.code).toBe(409);
      expect(taken.message).toMatch(
        /^cluster 'kube-sim': create ConfigMap apps\/made-\w+ \(v1\) failed with 409 AlreadyExists/,
      );
    });

    it('replaces with PUT at the current resourceVersion, and says when the object does not exist', async () => {
      await cluster.connection.apply(configMap('replaced', { a: '1', b: '2' }));
      const replaced = await cluster.connection.replace(
        configMap('replaced', { c: '3' }),
      );
      expect(replaced.data).toEqual({ c: '3' });
      expect(cluster.requests.at(-1)).toMatch(
        /^PUT \/api\/v1\/namespaces\/apps\/configmaps\/replaced\?fieldManager=driftless 200$/,
      );
      const stale = await cluster.connection
        .replace({
          ...configMap('replaced', { d: '4' }),
          metadata: {
            name: 'replaced',
            namespace: 'apps',
            resourceVersion: '1',
          },
        })
        .catch(e => e);
      expect(stale).toBeInstanceOf(ClusterRequestError);
      expect(stale.code).toBe(409);
      const missing = await cluster.connection
        .replace(configMap('not-there'))
        .catch(e => e);
      expect(missing).toBeInstanceOf(ClusterRequestError);
      expect(missing.code).toBe(404);
      expect(missing.message).toBe(
        `cluster 'kube-sim': replace ConfigMap apps/not-there (v1) failed with 404 NotFound: configmaps "not-there" not found`,
      );
    });

    it('sends fieldValidation, so Strict refuses unknown fields of a custom resource and Ignore drops them', async () => {
      cluster.sim.apply({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'strictthings.example.com' },
        spec: {
          group: 'example.com',
          names: {
            kind: 'StrictThing',
            plural: 'strictthings',
            singular: 'strictthing',
            listKind: 'StrictThingList',
          },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { size: { type: 'integer' } },
                    },
                  },
                },
              },
            },
          ],
        },
      } as any);
      await new Promise(resolve => setTimeout(resolve, 1_050));
      const thing = {
        apiVersion: 'example.com/v1',
        kind: 'StrictThing',
        metadata: { name: 'thing', namespace: 'apps' },
        spec: { size: 1, colour: 'red' },
      };
      const refused = await cluster.connection
        .apply(thing, { fieldValidation: 'Strict' })
        .catch(e => e);
      expect(refused).toBeInstanceOf(ClusterRequestError);
      expect(refused.message).toMatch(/unknown field "spec.colour"/);
      const applied = await cluster.connection.apply(thing, {
        fieldValidation: 'Ignore',
      });
      expect(applied.spec).toEqual({ size: 1 });
    });

    it('deletes with a propagation policy and preconditions, and answers false for an object that does not exist', async () => {
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      const object = await cluster.connection.apply(configMap('deleted'));
      const wrongUid = await cluster.connection
        .delete(resource, 'deleted', 'apps', {
          preconditions: { uid: 'not-its-uid' },
        })
        .catch(e => e);
      expect(wrongUid).toBeInstanceOf(ClusterRequestError);
      expect(wrongUid.code).toBe(409);
      await expect(
        cluster.connection.delete(resource, 'deleted', 'apps', {
          dryRun: true,
        }),
      ).resolves.toBe(true);
      expect(
        await cluster.connection.get(resource, 'deleted', 'apps'),
      ).toBeDefined();
      await expect(
        cluster.connection.delete(resource, 'deleted', 'apps', {
          propagationPolicy: 'Background',
          preconditions: { uid: String(object.metadata.uid) },
        }),
      ).resolves.toBe(true);
      expect(
        await cluster.connection.get(resource, 'deleted', 'apps'),
      ).toBeUndefined();
      await expect(
        cluster.connection.delete(resource, 'deleted', 'apps'),
      ).resolves.toBe(false);
    });

    it('keeps an object with a finalizer until a patch removes it', async () => {
      const resource = await cluster.connection.findResource('v1', 'ConfigMap');
      await cluster.connection.apply({
        ...configMap('finalized'),
        metadata: {
          name: 'finalized',
          namespace: 'apps',
          finalizers: ['example.com/hold'],
        },
      });
      await cluster.connection.delete(resource, 'finalized', 'apps', {
        propagationPolicy: 'Foreground',
      });
      const held = await cluster.connection.get(resource, 'finalized', 'apps');
      expect(held?.metadata.deletionTimestamp).toBeDefined();
      await cluster.connection.patch(
        resource,
        'finalized',
        'apps',
        { metadata: { finalizers: null } },
        { type: 'merge' },
      );
      await eventually(
        async () =>
          (await cluster.connection.get(resource, 'finalized', 'apps')) ===
          undefined,
        'the finalized ConfigMap to go',
      );
    });
  });

  describe('errors', () => {
    it('says a forbidden request is forbidden, naming the verb and resource', async () => {
      cluster.sim.faults.add({
        verbs: ['list'],
        resources: ['secrets'],
        effect: {
          type: 'error',
          code: 403,
          reason: 'Forbidden',
          message:
            'secrets is forbidden: User "system:serviceaccount:driftless:controller" cannot list resource "secrets" in API group "" in the namespace "apps"',
        },
      });
      const resource = await cluster.connection.findResource('v1', 'Secret');
      const error = await cluster.connection
        .list(resource, { namespace: 'apps' })
        .catch(e => e);
      expect(error).toBeInstanceOf(ClusterRequestError);
      expect(error).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        verb: 'list',
      });
      expect(error.message).toBe(
        `cluster 'kube-sim' forbids list secrets (v1) in namespace apps (403 Forbidden): secrets is forbidden: User "system:serviceaccount:driftless:controller" cannot list resource "secrets" in API group "" in the namespace "apps"; grant the credentials' user or ServiceAccount RBAC permission for it`,
      );
    });

    it('says rejected credentials are rejected, without showing them', async () => {
      const connection = new KubernetesClusterConnection({
        ...cluster.config,
        auth: { provider: 'serviceAccount', token: 'not-the-token-0123456789' },
      });
      const error = await connection.discover().catch(e => e);
      connection.close();
      expect(error).toBeInstanceOf(ClusterRequestError);
      expect(error.code).toBe(401);
      expect(error.message).toBe(
        "cluster 'kube-sim' rejected the credentials (401 Unauthorized) to discover the API (/api/v1); check the token or client certificate configured for the cluster",
      );
      expect(JSON.stringify(error)).not.toContain('not-the-token');
    });

    it('says an unreachable cluster is unreachable', async () => {
      const connection = new KubernetesClusterConnection({
        ...cluster.config,
        server: 'https://127.0.0.1:1',
      });
      const error = await connection.discover().catch(e => e);
      connection.close();
      expect(error).toBeInstanceOf(ClusterUnreachableError);
      expect(error.message).toBe(
        "cluster 'kube-sim' (https://127.0.0.1:1) is unreachable: cannot discover the API (/api/v1): ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1; check the server URL and that the API server is running and reachable from here",
      );
    });

    it('says an untrusted server certificate is untrusted, and skipTLSVerify accepts it', async () => {
      const untrusted = new KubernetesClusterConnection({
        ...cluster.config,
        caData: undefined,
      });
      const error = await untrusted.discover().catch(e => e);
      untrusted.close();
      expect(error).toBeInstanceOf(ClusterUnreachableError);
      expect(error.message).toMatch(
        /the server's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*\); set caData to the cluster's CA certificate, or skipTLSVerify for a throwaway cluster$/,
      );
      const skipping = new KubernetesClusterConnection({
        ...cluster.config,
        caData: undefined,
        skipTLSVerify: true,
      });
      await expect(
        skipping.findResource('v1', 'ConfigMap'),
      ).resolves.toBeTruthy();
      skipping.close();
    });
  });

  describe('auth providers', () => {
    it('uses a kubeconfig file and its current context, or a named one', async () => {
      const connection = new KubernetesClusterConnection({
        name: 'from-kubeconfig',
        server: cluster.sim.url,
        labels: {},
        auth: { provider: 'kubeconfig', path: cluster.kubeconfigPath },
      });
      expect(connection.server).toBe(cluster.sim.url);
      await expect(
        connection.findResource('v1', 'ConfigMap'),
      ).resolves.toBeTruthy();
      connection.close();
      const named = new KubernetesClusterConnection({
        name: 'from-kubeconfig',
        server: cluster.sim.url,
        labels: {},
        auth: {
          provider: 'kubeconfig',
          path: cluster.kubeconfigPath,
          context: 'kube-sim',
        },
      });
      await expect(named.findResource('v1', 'ConfigMap')).resolves.toBeTruthy();
      named.close();
    });

    it('names the file and context when the kubeconfig cannot be used', () => {
      expect(
        () =>
          new KubernetesClusterConnection({
            name: 'c',
            server: '',
            labels: {},
            auth: {
              provider: 'kubeconfig',
              path: cluster.kubeconfigPath,
              context: 'prod',
            },
          }),
      ).toThrow(
        new ClusterConfigError(
          `cluster 'c': kubeconfig ${cluster.kubeconfigPath} has no context named 'prod' (it has: kube-sim)`,
          'c',
        ),
      );
      expect(
        () =>
          new KubernetesClusterConnection({
            name: 'c',
            server: '',
            labels: {},
            auth: {
              provider: 'kubeconfig',
              path: join(cluster.dir, 'missing'),
            },
          }),
      ).toThrow(/^cluster 'c': cannot read kubeconfig .*missing: ENOENT/);
    });

    it('runs in-cluster from the ServiceAccount files and KUBERNETES_SERVICE_* variables', async () => {
      const root = join(cluster.dir, 'pod');
      const accountDir = join(
        root,
        'var/run/secrets/kubernetes.io/serviceaccount',
      );
      await mkdir(accountDir, { recursive: true });
      await writeFile(join(accountDir, 'token'), cluster.sim.token!);
      await writeFile(join(accountDir, 'ca.crt'), cluster.sim.caCertificate!);
      await writeFile(join(accountDir, 'namespace'), 'driftless');
      const saved = { ...process.env };
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT = String(cluster.sim.port);
      try {
        const connection = new KubernetesClusterConnection(
          {
            name: 'in-cluster',
            server: 'https://kubernetes.default.svc',
            labels: {},
            auth: { provider: 'inCluster' },
          },
          { inClusterRoot: root },
        );
        expect(connection.server).toBe(`https://127.0.0.1:${cluster.sim.port}`);
        await expect(
          connection.findResource('v1', 'ConfigMap'),
        ).resolves.toBeTruthy();
        connection.close();
      } finally {
        process.env = saved;
      }
      expect(
        () =>
          new KubernetesClusterConnection({
            name: 'in-cluster',
            server: '',
            labels: {},
            auth: { provider: 'inCluster' },
          }),
      ).toThrow(/inCluster auth works only inside a pod/);
    });

    it('presents a client certificate and trusts the CA given as caData', async () => {
      // kube-sim authenticates with tokens only, so a small API stand-in that
      // requires a client certificate checks what the connection presents.
      const dir = join(cluster.dir, 'pki');
      await mkdir(dir, { recursive: true });
      const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
      await openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=test-ca',
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
      );
      await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
      for (const [name, cn] of [
        ['server', '127.0.0.1'],
        ['client', 'driftless-controller'],
      ]) {
        await openssl(
          'req',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-subj',
          `/CN=${cn}`,
          '-keyout',
          `${name}.key`,
          '-out',
          `${name}.csr`,
        );
        await openssl(
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-days',
          '1',
          '-out',
          `${name}.crt`,
          ...(name === 'server' ? ['-extfile', 'server.ext'] : []),
        );
      }
      const read = (name: string) => readFile(join(dir, name), 'utf8');
      const clients: string[] = [];
      const server = https.createServer(
        {
          key: await read('server.key'),
          cert: await read('server.crt'),
          ca: await read('ca.crt'),
          requestCert: true,
          rejectUnauthorized: true,
        },
        (request, response) => {
          const peer = (request.socket as TLSSocket).getPeerCertificate();
          clients.push(String(peer.subject.CN));
          response.setHeader('Content-Type', 'application/json');
          response.end(
            request.url === '/apis'
              ? '{"groups":[]}'
              : '{"resources":[{"name":"configmaps","kind":"ConfigMap","namespaced":true,"verbs":["get","list"]}]}',
          );
        },
      );
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      try {
        const connection = new KubernetesClusterConnection({
          name: 'mtls',
          server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          labels: {},
          auth: {
            provider: 'clientCertificate',
            certData: await read('client.crt'),
            keyData: await read('client.key'),
          },
          caData: await read('ca.crt'),
        });
        await expect(
          connection.findResource('v1', 'ConfigMap'),
        ).resolves.toMatchObject({ resource: 'configmaps' });
        connection.close();
        expect(clients).toEqual([
          'driftless-controller',
          'driftless-controller',
        ]);
      } finally {
        server.closeAllConnections();
        await new Promise(resolve => server.close(resolve));
      }
    });
  });
});
