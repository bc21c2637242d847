import type { GitOpsApplication } from '@driftless/backstage-plugin-gitops-common';
import {
  fleetApplication,
  shopDevCardApplication,
  shopProdEuCardApplication,
  shopProdUsCardApplication,
} from '../__testUtils__/fixtures';
import {
  groupByEnvironmentAndCluster,
  isAutomatedSync,
  isOperationRunning,
  lastSyncTime,
  operationProgress,
  shortRevision,
  syncedRevision,
  targetRevisionOf,
} from './applications';

describe('groupByEnvironmentAndCluster', () => {
  it('groups by environment label then cluster, groups sorted, API order kept inside', () => {
    const apps = [
      fleetApplication('b-prod-eu', {
        cluster: 'prod-eu',
        labels: { 'driftless.dev/environment': 'prod' },
      }),
      fleetApplication('a-dev', { labels: { env: 'dev' } }),
      fleetApplication('a-prod-eu', {
        cluster: 'prod-eu',
        labels: { environment: 'prod' },
      }),
      fleetApplication('unlabelled', { cluster: 'edge-1' }),
    ];
    const groups = groupByEnvironmentAndCluster(apps);
    expect(
      groups.map(group => ({
        title: group.title,
        apps: group.applications.map(app => app.metadata.name),
      })),
    ).toEqual([
      { title: 'dev · in-cluster', apps: ['a-dev'] },
      { title: 'edge-1', apps: ['unlabelled'] },
      { title: 'prod · prod-eu', apps: ['b-prod-eu', 'a-prod-eu'] },
    ]);
  });

  it('names a cluster given by server URL by that URL', () => {
    const [group] = groupByEnvironmentAndCluster([shopProdUsCardApplication]);
    expect(group.title).toBe('prod · https://prod-us.example.internal:6443');
    expect(group.cluster).toBe('https://prod-us.example.internal:6443');
  });

  it('prefers the Driftless environment label over the generic ones', () => {
    const app = fleetApplication('x', {
      labels: { env: 'staging', 'driftless.dev/environment': 'qa' },
    });
    expect(groupByEnvironmentAndCluster([app])[0].environment).toBe('qa');
  });
});

describe('operationProgress', () => {
  it('gives the sync phase and wave of the task the running sync started last', () => {
    expect(operationProgress(shopProdEuCardApplication)).toEqual({
      phase: 'Running',
      syncPhase: 'Sync',
      wave: 2,
      message: 'waiting for healthy state of apps/Deployment/web',
      resultCount: 3,
    });
  });

  it('reads an absent syncWave as wave 0 when the app reports waves', () => {
    const app: GitOpsApplication = {
      ...shopProdEuCardApplication,
      status: {
        ...shopProdEuCardApplication.status,
        resources: shopProdEuCardApplication.status.resources!.map(r =>
          r.kind === 'Deployment' ? { ...r, syncWave: undefined } : r,
        ),
      },
    };
    expect(operationProgress(app)?.wave).toBe(0);
  });

  it('leaves the wave unknown when no resource states one', () => {
    const app: GitOpsApplication = {
      ...shopProdEuCardApplication,
      status: {
        ...shopProdEuCardApplication.status,
        resources: shopProdEuCardApplication.status.resources!.map(
          ({ syncWave: _wave, ...r }) => r,
        ),
      },
    };
    const progress = operationProgress(app);
    expect(progress?.syncPhase).toBe('Sync');
    expect(progress).not.toHaveProperty('wave');
  });

  it('has a phase but no task before the first result, and nothing without an operation', () => {
    const started: GitOpsApplication = {
      ...shopProdEuCardApplication,
      status: {
        ...shopProdEuCardApplication.status,
        operationState: {
          ...shopProdEuCardApplication.status.operationState!,
          syncResult: undefined,
          message: undefined,
        },
      },
    };
    expect(operationProgress(started)).toEqual({
      phase: 'Running',
      resultCount: 0,
    });
    expect(operationProgress(fleetApplication('idle'))).toBeUndefined();
  });
});

describe('operation state', () => {
  it('counts Running, Terminating and a pending operation as running', () => {
    expect(isOperationRunning(shopProdEuCardApplication)).toBe(true);
    expect(
      isOperationRunning(
        fleetApplication('t', { operationPhase: 'Terminating' }),
      ),
    ).toBe(true);
    const queued = { ...fleetApplication('q'), operation: { sync: {} } };
    expect(isOperationRunning(queued)).toBe(true);
    expect(isOperationRunning(shopDevCardApplication)).toBe(false);
    expect(isOperationRunning(shopProdUsCardApplication)).toBe(false);
  });

  it('dates the last sync by its end, or its start while it runs', () => {
    expect(lastSyncTime(shopDevCardApplication)).toBe('2026-11-23T10:02:00Z');
    expect(lastSyncTime(shopProdEuCardApplication)).toBe(
      '2026-11-23T10:04:00Z',
    );
    expect(lastSyncTime(fleetApplication('never'))).toBeUndefined();
  });

  it('treats automated sync as on unless absent or enabled: false', () => {
    expect(isAutomatedSync(shopDevCardApplication)).toBe(true);
    expect(isAutomatedSync(shopProdEuCardApplication)).toBe(false);
    const off = {
      ...shopDevCardApplication,
      spec: {
        ...shopDevCardApplication.spec,
        syncPolicy: { automated: { enabled: false } },
      },
    };
    expect(isAutomatedSync(off)).toBe(false);
  });
});

describe('revisions', () => {
  it('shortens commit SHAs only', () => {
    expect(shortRevision('a1b2c3d4e5f60718293a4b5c6d7e8f9012345678')).toBe(
      'a1b2c3d',
    );
    expect(shortRevision('1.4.2')).toBe('1.4.2');
    expect(shortRevision('main')).toBe('main');
  });

  it('reads the first source of a multi-source app', () => {
    const app: GitOpsApplication = {
      ...fleetApplication('multi'),
      spec: {
        project: 'default',
        destination: { name: 'in-cluster' },
        sources: [
          { repoURL: 'https://github.com/acme/a.git', targetRevision: 'v2' },
          {
            repoURL: 'https://charts.example',
            chart: 'x',
            targetRevision: '1.0.0',
          },
        ],
      },
      status: {
        sync: { status: 'Synced', revisions: ['abc1234', '1.0.0'] },
        health: { status: 'Healthy' },
      },
    };
    expect(targetRevisionOf(app)).toBe('v2');
    expect(syncedRevision(app)).toBe('abc1234');
    expect(targetRevisionOf(fleetApplication('head', {}))).toBe('main');
  });
});
