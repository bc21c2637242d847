import type { Application } from '@driftless/gitops-engine';
import type { ApplicationRecord } from '../../database/types';
import {
  applicationSetOrigin,
  compileApplicationDifferenceRules,
  parseApplicationSetOrigin,
  planApplicationChanges,
  storedFormOf,
  type PlanInput,
} from './planApplicationChanges';

const SET = { namespace: 'argocd', name: 'guestbook' };
const NO_PRESERVED = { annotations: [], labels: [] };

function generated(
  name: string,
  revision = 'main',
  extra: Partial<Application['metadata']> = {},
): Application {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      labels: { env: name },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      ...extra,
    },
    spec: {
      project: 'default',
      source: {
        repoURL: 'https://git.example.com/apps.git',
        targetRevision: revision,
        path: `apps/${name}`,
      },
      destination: { name: 'in-cluster', namespace: name },
      syncPolicy: { automated: { prune: true } },
    },
  };
}

function owned(application: Application): ApplicationRecord {
  return {
    namespace: 'argocd',
    name: application.metadata.name,
    project: 'default',
    manifest: application,
    origin: applicationSetOrigin(SET),
    specGeneration: 1,
    createdAt: '2026-12-20T10:00:00.000Z',
    updatedAt: '2026-12-20T10:00:00.000Z',
  };
}

function stored(application: Application, existing?: Application) {
  return storedFormOf(application, {
    set: SET,
    existing,
    preservedFields: NO_PRESERVED,
    disableAutomatedSync: false,
    ignoreDifferences: [],
  });
}

function plan(input: Partial<PlanInput>) {
  const result = planApplicationChanges({
    set: SET,
    policy: 'sync',
    generated: [],
    invalidNames: new Set(),
    owned: [],
    takenByOthers: new Map(),
    preservedFields: NO_PRESERVED,
    ignoreDifferences: [],
    disableAutomatedSync: false,
    ...input,
  });
  return {
    create: result.create.map(a => a.metadata.name),
    update: result.update.map(u => u.application.metadata.name),
    unchanged: result.unchanged,
    delete: result.delete.map(r => r.name),
    kept: result.kept,
    conflicts: result.conflicts,
  };
}

describe('planApplicationChanges', () => {
  // dev is unchanged, staging changed, prod no longer generated, qa new.
  const current = [
    owned(stored(generated('dev'))),
    owned(stored(generated('staging', 'v1'))),
    owned(stored(generated('prod'))),
  ];
  const now = [generated('dev'), generated('staging', 'v2'), generated('qa')];

  it.each([
    [
      'sync',
      { create: ['qa'], update: ['staging'], delete: ['prod'], kept: [] },
    ],
    [
      'create-update',
      { create: ['qa'], update: ['staging'], delete: [], kept: ['prod'] },
    ],
    [
      'create-delete',
      { create: ['qa'], update: [], delete: ['prod'], kept: ['staging'] },
    ],
    [
      'create-only',
      { create: ['qa'], update: [], delete: [], kept: ['staging', 'prod'] },
    ],
  ] as const)('applies the %s policy', (policy, expected) => {
    expect(plan({ policy, generated: now, owned: current })).toEqual({
      ...expected,
      unchanged: ['dev'],
      conflicts: [],
    });
  });

  it('never deletes apps that were generated but failed validation, and leaves other origins alone', () => {
    expect(
      plan({
        generated: [generated('dev')],
        invalidNames: new Set(['prod']),
        owned: [
          owned(stored(generated('dev'))),
          owned(stored(generated('prod'))),
        ],
        takenByOthers: new Map(),
      }),
    ).toMatchObject({ delete: [], unchanged: ['dev'] });
    expect(
      plan({
        generated: [generated('shop')],
        takenByOthers: new Map([['shop', 'config:0']]),
      }),
    ).toMatchObject({
      create: [],
      conflicts: [{ name: 'shop', origin: 'config:0' }],
    });
  });

  it('waits for an app being deleted instead of updating or deleting it again', () => {
    const deleting = stored(generated('dev', 'v1'));
    deleting.metadata.deletionTimestamp = '2026-12-20T10:00:00Z';
    expect(
      plan({ generated: [generated('dev', 'v2')], owned: [owned(deleting)] }),
    ).toMatchObject({ update: [], kept: ['dev'] });
    expect(plan({ generated: [], owned: [owned(deleting)] })).toMatchObject({
      delete: [],
      kept: [],
    });
  });
});

describe('storedFormOf', () => {
  it('adds the owner label, annotation and reference', () => {
    expect(stored(generated('dev')).metadata).toEqual({
      name: 'dev',
      namespace: 'argocd',
      labels: { env: 'dev', 'driftless.dev/applicationset': 'guestbook' },
      annotations: { 'driftless.dev/applicationset': 'argocd/guestbook' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          name: 'guestbook',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    const longName = 'x'.repeat(64);
    const form = storedFormOf(generated('dev'), {
      set: { namespace: 'argocd', name: longName },
      preservedFields: NO_PRESERVED,
      disableAutomatedSync: false,
      ignoreDifferences: [],
    });
    expect(form.metadata.labels).toEqual({ env: 'dev' });
    expect(form.metadata.annotations).toEqual({
      'driftless.dev/applicationset': `argocd/${longName}`,
    });
  });

  it('keeps what other controllers and users own (A13): preserved annotations and labels, delete-hook finalizers', () => {
    const existing = stored(generated('dev'));
    existing.metadata.annotations = {
      ...existing.metadata.annotations,
      'notified.notifications.argoproj.io': '{"on-sync":1}',
      'argocd.argoproj.io/refresh': 'hard',
      'team.example/owner': 'alice',
      'other.example/note': 'dropped',
    };
    existing.metadata.labels = {
      ...existing.metadata.labels,
      'team.example/tier': 'gold',
      stray: 'dropped',
    };
    existing.metadata.finalizers = [
      'resources-finalizer.argocd.argoproj.io',
      'post-delete-finalizer.argocd.argoproj.io/cleanup',
      'example.com/other',
    ];
    const form = storedFormOf(generated('dev'), {
      set: SET,
      existing,
      preservedFields: {
        annotations: ['team.example/owner'],
        labels: ['team.example/tier'],
      },
      disableAutomatedSync: false,
      ignoreDifferences: [],
    });
    expect(form.metadata.annotations).toEqual({
      'driftless.dev/applicationset': 'argocd/guestbook',
      'notified.notifications.argoproj.io': '{"on-sync":1}',
      'argocd.argoproj.io/refresh': 'hard',
      'team.example/owner': 'alice',
    });
    expect(form.metadata.labels).toEqual({
      env: 'dev',
      'driftless.dev/applicationset': 'guestbook',
      'team.example/tier': 'gold',
    });
    expect(form.metadata.finalizers).toEqual([
      'resources-finalizer.argocd.argoproj.io',
      'post-delete-finalizer.argocd.argoproj.io/cleanup',
    ]);
  });

  it('turns automated sync off under RollingSync, keeping prune for the syncs the set starts', () => {
    const form = storedFormOf(generated('dev'), {
      set: SET,
      preservedFields: NO_PRESERVED,
      disableAutomatedSync: true,
      ignoreDifferences: [],
    });
    expect(form.spec.syncPolicy).toEqual({
      automated: { prune: true, enabled: false },
    });
  });

  it('takes the fields ignoreApplicationDifferences names from the stored app', () => {
    const { rules, problems } = compileApplicationDifferenceRules([
      { jsonPointers: ['/spec/source/targetRevision'] },
      { name: 'other', jqPathExpressions: ['.spec.destination'] },
    ]);
    expect(problems).toEqual([]);
    const existing = stored(generated('dev', 'pinned-by-hand'));
    const form = storedFormOf(generated('dev', 'main'), {
      set: SET,
      existing,
      preservedFields: NO_PRESERVED,
      disableAutomatedSync: false,
      ignoreDifferences: rules,
    });
    expect(form.spec.source?.targetRevision).toBe('pinned-by-hand');
    expect(
      plan({
        generated: [generated('dev', 'main')],
        owned: [owned(existing)],
        ignoreDifferences: rules,
      }),
    ).toMatchObject({ update: [], unchanged: ['dev'] });
  });

  it('names malformed ignoreApplicationDifferences entries', () => {
    expect(
      compileApplicationDifferenceRules([
        { jsonPointers: ['spec/x'] },
        { jqPathExpressions: ['.spec[['] },
        'x',
      ]).problems,
    ).toEqual([
      expect.stringMatching(
        /^spec\.ignoreApplicationDifferences\[0\]\.jsonPointers: .*must start with '\/'/,
      ),
      expect.stringMatching(
        /^spec\.ignoreApplicationDifferences\[1\]\.jqPathExpressions: /,
      ),
      'spec.ignoreApplicationDifferences[2]: must be {name, jsonPointers, jqPathExpressions}',
    ]);
  });
});

describe('applicationset origins', () => {
  it('reads back what it builds', () => {
    expect(applicationSetOrigin(SET)).toBe('applicationset:argocd/guestbook');
    expect(
      parseApplicationSetOrigin('applicationset:argocd/guestbook'),
    ).toEqual(SET);
    expect(parseApplicationSetOrigin('app:argocd/root')).toBeUndefined();
  });
});
