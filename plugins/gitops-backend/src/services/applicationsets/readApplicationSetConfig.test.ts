import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_APPLICATION_SET_SETTINGS,
  readApplicationSetConfig,
} from './readApplicationSetConfig';

function read(applicationSets: object | undefined) {
  return readApplicationSetConfig(
    new ConfigReader(applicationSets ? { gitops: { applicationSets } } : {}),
  );
}

describe('readApplicationSetConfig', () => {
  it('defaults to Argo CD’s: no controller policy, override on, 3 min Git requeue', () => {
    expect(read(undefined)).toEqual(DEFAULT_APPLICATION_SET_SETTINGS);
    expect(read(undefined)).toMatchObject({
      enablePolicyOverride: true,
      gitRequeueAfterMs: 180_000,
    });
    expect(read(undefined).policy).toBeUndefined();
  });

  it('turns the override off once a controller policy is set, unless asked', () => {
    expect(read({ policy: 'create-update' })).toMatchObject({
      policy: 'create-update',
      enablePolicyOverride: false,
    });
    expect(
      read({ policy: 'create-only', enablePolicyOverride: true }),
    ).toMatchObject({ policy: 'create-only', enablePolicyOverride: true });
  });

  it('reads durations, lists and options', () => {
    expect(
      read({
        requeueAfter: '30s',
        errorRequeueAfter: { minutes: 1 },
        scanInterval: '2s',
        rolloutPollInterval: '500ms',
        concurrency: 3,
        progressiveSyncs: false,
        preservedFields: { annotations: ['a.example/x'], labels: ['team'] },
        allowedScmProviders: ['https://git.example.com/'],
        gitFileGlobbing: 'doublestar',
        scmRequestTimeout: '5s',
        enabled: false,
      }),
    ).toEqual({
      enabled: false,
      enablePolicyOverride: true,
      gitRequeueAfterMs: 30_000,
      errorRequeueAfterMs: 60_000,
      scanIntervalMs: 2_000,
      rolloutPollMs: 500,
      concurrency: 3,
      progressiveSyncs: false,
      preservedFields: { annotations: ['a.example/x'], labels: ['team'] },
      allowedScmProviders: ['https://git.example.com/'],
      gitFileGlobbing: 'doublestar',
      scmRequestTimeoutMs: 5_000,
    });
  });

  it.each([
    [{ policy: 'upsert' }, "gitops.applicationSets.policy 'upsert' is unknown"],
    [
      { gitFileGlobbing: 'glob' },
      "gitops.applicationSets.gitFileGlobbing 'glob' is unknown",
    ],
    [{ scanInterval: '10ms' }, 'gitops.applicationSets.scanInterval must be'],
    [{ concurrency: 0 }, 'gitops.applicationSets.concurrency must be'],
    [{ requeueAfter: 'soon' }, 'gitops.applicationSets.requeueAfter'],
  ])('refuses %o, naming the key', (value, message) => {
    expect(() => read(value)).toThrow(message);
  });
});
