import type { Application, SyncPolicy } from '@driftless/gitops-engine';
import {
  decideAutomatedSync,
  selfHealDelayMs,
  type AutomatedSyncInput,
  type AutomatedSyncResource,
  type LastOperation,
} from './decideAutomatedSync';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const NOW = new Date('2026-12-10T12:00:00.000Z');
const BACKOFF = { initialMs: 2_000, factor: 3, maxMs: 300_000 };
const SOURCE = {
  repoURL: 'https://git.example.internal/platform.git',
  targetRevision: 'main',
  path: 'apps/shop',
};

function app(syncPolicy?: SyncPolicy, source = SOURCE): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop', namespace: 'argocd' },
    spec: {
      project: 'default',
      source,
      destination: { name: 'in-cluster', namespace: 'shop' },
      ...(syncPolicy ? { syncPolicy } : {}),
    },
  };
}

const deployment = (
  status: AutomatedSyncResource['status'],
  requiresPruning = false,
  name = 'web',
): AutomatedSyncResource => ({
  group: 'apps',
  kind: 'Deployment',
  namespace: 'shop',
  name,
  status,
  requiresPruning,
});

function lastSync(
  phase: LastOperation['phase'],
  options: Partial<LastOperation> & {
    revision?: string;
    attempts?: number;
    source?: typeof SOURCE;
  } = {},
): LastOperation {
  return {
    phase,
    message: options.message ?? 'one or more objects failed to apply',
    finishedAt: options.finishedAt ?? '2026-12-10T11:59:59.000Z',
    operation: {
      sync: {
        revision: options.revision ?? SHA_A,
        source: options.source ?? SOURCE,
        ...(options.attempts !== undefined
          ? { autoHealAttemptsCount: options.attempts }
          : {}),
      },
      initiatedBy: { automated: true },
    },
    ...(options.syncedRevisions
      ? { syncedRevisions: options.syncedRevisions }
      : {}),
  };
}

function decide(overrides: Partial<AutomatedSyncInput>) {
  return decideAutomatedSync({
    application: app({ automated: { prune: true, selfHeal: true } }),
    syncStatus: 'OutOfSync',
    resources: [deployment('OutOfSync'), deployment('Synced', false, 'db')],
    revisions: [SHA_A],
    operationInProgress: false,
    selfHealBackoff: BACKOFF,
    now: NOW,
    ...overrides,
  });
}

describe('decideAutomatedSync', () => {
  it.each([
    ['automated sync is off', { application: app() }, 'automated sync is off'],
    [
      'automated is disabled with enabled: false',
      { application: app({ automated: { enabled: false, prune: true } }) },
      'automated sync is off',
    ],
    [
      'an operation runs',
      { operationInProgress: true },
      'another operation is in progress',
    ],
    [
      'the app is being deleted',
      { deleting: true },
      'the application is being deleted',
    ],
    [
      'the app is Synced',
      { syncStatus: 'Synced' as const },
      'the application is Synced',
    ],
    [
      'the app is Unknown',
      { syncStatus: 'Unknown' as const },
      'the application is Unknown',
    ],
    [
      'only pruning is needed without automated prune',
      {
        application: app({ automated: {} }),
        resources: [deployment('OutOfSync', true), deployment('Synced')],
      },
      'only resources to prune differ, and automated prune is disabled',
    ],
    [
      'the last successful sync was to this revision and self-heal is off',
      {
        application: app({ automated: { prune: true } }),
        lastOperation: lastSync('Succeeded'),
      },
      `the most recent sync was already to ${SHA_A}, and self-heal is off`,
    ],
  ])('does nothing when %s', (_, overrides, reason) => {
    expect(decide(overrides)).toEqual({ action: 'none', reason });
  });

  it('syncs an OutOfSync app to the compared revision, with the app options and the default retry', () => {
    expect(
      decide({
        application: app({
          automated: { prune: true },
          syncOptions: ['CreateNamespace=true'],
        }),
      }),
    ).toEqual({
      action: 'sync',
      selfHeal: false,
      operation: {
        sync: {
          revision: SHA_A,
          source: SOURCE,
          prune: true,
          syncOptions: ['CreateNamespace=true'],
        },
        initiatedBy: { automated: true },
        retry: { limit: 5 },
      },
    });
  });

  it('syncs a new revision even though the sync to the previous one failed', () => {
    const decision = decide({
      revisions: [SHA_B],
      lastOperation: lastSync('Failed', { revision: SHA_A }),
    });
    expect(decision).toMatchObject({
      action: 'sync',
      selfHeal: false,
      operation: { sync: { revision: SHA_B } },
    });
  });

  it('never retries the same failed revision automatically', () => {
    expect(
      decide({
        lastOperation: lastSync('Failed', {
          message: 'Deployment shop/web: field is immutable',
        }),
      }),
    ).toEqual({
      action: 'refuse',
      message: `Failed last sync attempt to ${SHA_A}: Deployment shop/web: field is immutable`,
    });
    // Compared with what the sync rendered when the operation named a branch.
    expect(
      decide({
        lastOperation: {
          ...lastSync('Error', { revision: 'main' }),
          syncedRevisions: [SHA_A],
        },
      }),
    ).toMatchObject({ action: 'refuse' });
  });

  it('retries a failed revision once the source spec changed', () => {
    expect(
      decide({
        lastOperation: lastSync('Failed', {
          source: { ...SOURCE, path: 'apps/old-path' },
        }),
      }),
    ).toMatchObject({ action: 'sync', selfHeal: false });
  });

  it('self-heals a drift at the synced revision after the backoff, syncing only what is not Synced', () => {
    // The first self-heal after a normal sync: no backoff.
    expect(decide({ lastOperation: lastSync('Succeeded') })).toEqual({
      action: 'sync',
      selfHeal: true,
      operation: {
        sync: {
          revision: SHA_A,
          source: SOURCE,
          prune: true,
          autoHealAttemptsCount: 1,
          resources: [
            {
              group: 'apps',
              kind: 'Deployment',
              name: 'web',
              namespace: 'shop',
            },
          ],
        },
        initiatedBy: { automated: true },
        retry: { limit: 5 },
      },
    });

    // After two self-heals, the third waits 6 s from the last one's end.
    const waiting = decide({
      lastOperation: lastSync('Succeeded', {
        attempts: 2,
        finishedAt: '2026-12-10T11:59:58.000Z',
      }),
    });
    expect(waiting).toEqual({
      action: 'wait',
      reason: `self-heal to ${SHA_A} backs off after 2 attempts`,
      retryAfterMs: 4_000,
    });
    expect(
      decide({
        lastOperation: lastSync('Succeeded', {
          attempts: 2,
          finishedAt: '2026-12-10T11:59:54.000Z',
        }),
      }),
    ).toMatchObject({
      action: 'sync',
      operation: { sync: { autoHealAttemptsCount: 3 } },
    });
  });

  it('follows Argo CD’s self-heal backoff: 2, 6, 18, 54, 162, then 300 s', () => {
    expect(
      [0, 1, 2, 3, 4, 5, 6, 7].map(attempts =>
        selfHealDelayMs(attempts, BACKOFF),
      ),
    ).toEqual([0, 2_000, 6_000, 18_000, 54_000, 162_000, 300_000, 300_000]);
  });

  it('refuses to prune every resource unless allowEmpty', () => {
    const everythingGone = [
      deployment('OutOfSync', true),
      deployment('OutOfSync', true, 'db'),
    ];
    expect(decide({ resources: everythingGone })).toEqual({
      action: 'refuse',
      message: `Skipping sync attempt to ${SHA_A}: auto-sync will wipe out all resources`,
    });
    expect(
      decide({
        resources: everythingGone,
        application: app({
          automated: { prune: true, allowEmpty: true },
        }),
      }),
    ).toMatchObject({ action: 'sync', operation: { sync: { prune: true } } });
  });

  it('targets every source of a multi-source app', () => {
    const application = app({ automated: { prune: false } });
    const second = { ...SOURCE, path: 'apps/shop-config' };
    application.spec.sources = [SOURCE, second];
    delete application.spec.source;
    expect(decide({ application, revisions: [SHA_A, SHA_B] })).toMatchObject({
      action: 'sync',
      operation: {
        sync: {
          revisions: [SHA_A, SHA_B],
          sources: [SOURCE, second],
          prune: false,
        },
      },
    });
  });
});
