import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_CONTROLLER_SETTINGS,
  readControllerConfig,
} from './readControllerConfig';

const read = (gitops: object) =>
  readControllerConfig(new ConfigReader({ gitops }));

describe('readControllerConfig', () => {
  it("uses Argo CD's defaults when nothing is configured", () => {
    expect(readControllerConfig(new ConfigReader({}))).toEqual({
      sources: [],
      settings: DEFAULT_CONTROLLER_SETTINGS,
      tracking: {},
      resourceCustomizations: {},
    });
    expect(DEFAULT_CONTROLLER_SETTINGS).toMatchObject({
      namespace: 'argocd',
      reconciliationPeriodMs: 120_000,
      reconciliationJitterMs: 60_000,
      selfHealBackoff: { initialMs: 2_000, factor: 3, maxMs: 300_000 },
    });
  });

  it('reads platform repositories, controller knobs, tracking and customizations', () => {
    const health = 'hs = {}\nhs.status = "Healthy"\nreturn hs\n';
    expect(
      read({
        applications: [
          {
            repoURL: 'file:///srv/platform.git',
            path: 'bootstrap',
            directory: { recurse: true, include: '*.yaml' },
          },
          {
            repoURL: 'https://git.example.internal/teams.git',
            targetRevision: 'main',
          },
        ],
        controller: {
          namespace: 'gitops',
          reconciliationPeriod: '3m',
          reconciliationJitter: { seconds: 10 },
          concurrency: 25,
          leaseTtl: 'PT30S',
          selfHealBackoff: { duration: '5s', factor: 2, maxDuration: '10m' },
          clusterEventDebounce: '100ms',
        },
        tracking: { method: 'annotation+label', argoCDKeys: true },
        resourceCustomizations: {
          'resource.customizations.health.example.com_Widget': health,
        },
      }),
    ).toEqual({
      sources: [
        {
          index: 0,
          origin: 'config:0',
          repoURL: 'file:///srv/platform.git',
          targetRevision: 'HEAD',
          path: 'bootstrap',
          directory: { recurse: true, include: '*.yaml', exclude: undefined },
        },
        {
          index: 1,
          origin: 'config:1',
          repoURL: 'https://git.example.internal/teams.git',
          targetRevision: 'main',
          path: '.',
        },
      ],
      settings: {
        namespace: 'gitops',
        reconciliationPeriodMs: 180_000,
        reconciliationJitterMs: 10_000,
        concurrency: 25,
        leaseTtlMs: 30_000,
        selfHealBackoff: { initialMs: 5_000, factor: 2, maxMs: 600_000 },
        clusterEventDebounceMs: 100,
        refreshWaitMs: 30_000,
      },
      tracking: {
        method: 'annotation+label',
        annotationKey: 'argocd.argoproj.io/tracking-id',
      },
      resourceCustomizations: {
        'resource.customizations.health.example.com_Widget': health,
      },
    });
  });

  it('names the key of a wrong value', () => {
    expect(() => read({ applications: [{ path: 'x' }] })).toThrow(
      "gitops.applications[0]: 'repoURL' is required",
    );
    expect(() => read({ controller: { concurrency: 0 } })).toThrow(
      'gitops.controller.concurrency must be a whole number of at least 1, not 0',
    );
    expect(() =>
      read({ controller: { reconciliationPeriod: 'soon' } }),
    ).toThrow(
      /^gitops\.controller\.reconciliationPeriod: .*write a duration such as '2m'/,
    );
    expect(() => read({ controller: { leaseTtl: '100ms' } })).toThrow(
      'gitops.controller.leaseTtl must be at least 1s',
    );
    expect(() => read({ tracking: { method: 'magic' } })).toThrow(
      "gitops.tracking.method 'magic' is unknown; use one of annotation, label, annotation+label",
    );
    expect(() =>
      read({ resourceCustomizations: { 'resource.customizations': { a: 1 } } }),
    ).toThrow(
      "gitops.resourceCustomizations['resource.customizations'] must be a string",
    );
  });
});
