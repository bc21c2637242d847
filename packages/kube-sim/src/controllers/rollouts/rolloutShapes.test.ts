import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { waitFor } from '../../__testUtils__/wire';
import { FAST_TIMINGS } from '../timings';
import { fixtureCrds } from '../../fixtureCrds';
import { KubeSim, startKubeSim } from '../../kubeSim';
import { JsonObject, KubeObject } from '../../machinery/types';

// Waits poll the simulation; on a busy CI machine they may take seconds.
jest.setTimeout(30_000);

/**
 * The simulated Rollout status against real ones: every status field and
 * every condition (type, status, reason, message) the simulator writes must
 * appear in the real Rollout objects of __fixtures__/rollouts (see its
 * SOURCE.md), and each simulated state must look like the recorded object of
 * the same state.
 */

const FIXTURES = join(__dirname, '__fixtures__', 'rollouts', 'Rollout');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

const recorded: KubeObject[] = yamlFiles(FIXTURES)
  .flatMap(path =>
    parseAllDocuments(readFileSync(path, 'utf8')).map(doc => doc.toJS()),
  )
  .filter(object => object?.kind === 'Rollout');
const fixture = (name: string): KubeObject =>
  parseAllDocuments(readFileSync(join(FIXTURES, name), 'utf8'))[0].toJS();

/** Names and revisions vary; the shape of a message does not. */
const normalise = (message: unknown) =>
  String(message)
    .replace(/"[^"]*"/g, '"X"')
    .replace(/revision \d+/g, 'revision N');
const conditionKey = (c: JsonObject) =>
  `${c.type}|${c.status}|${c.reason}|${normalise(c.message)}`;

const RECORDED_STATUS_FIELDS = new Set(
  recorded.flatMap(r => Object.keys(r.status ?? {})),
);
const RECORDED_CONDITIONS = new Set(
  recorded.flatMap(r =>
    (Array.isArray(r.status?.conditions) ? r.status.conditions : []).map(
      conditionKey,
    ),
  ),
);
/**
 * Conditions of current Argo Rollouts releases that the (older) recorded
 * objects do not show: the aborted message names the revision since v1.0, and
 * Healthy=True is the counterpart of the recorded Healthy=False.
 */
const NEWER_CONDITIONS = new Set([
  'Progressing|False|RolloutAborted|Rollout aborted update to revision N',
  'Healthy|True|RolloutHealthy|Rollout is healthy',
]);

describe('simulated Rollout status compared with recorded ones', () => {
  let sim: KubeSim;
  const statuses: JsonObject[] = [];
  const rolloutType = () =>
    sim.api.registry.lookupGroupKind('argoproj.io', 'Rollout')!;
  const get = (name: string) => sim.api.get(rolloutType(), 'shapes', name);
  const patchStatus = (name: string, status: JsonObject) =>
    sim.api.patch(
      rolloutType(),
      'shapes',
      name,
      'merge',
      { status },
      { fieldManager: 'argocd-server' },
      'status',
    );
  const until = async (
    name: string,
    what: string,
    test: (r: KubeObject) => boolean,
  ) => {
    const found = await waitFor(() => {
      const r = get(name);
      return test(r) && r;
    }, what);
    statuses.push(found.status);
    return found;
  };
  const canary = (image: string) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'canary-demo', namespace: 'shapes' },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: 'canary-demo' } },
      template: {
        metadata: { labels: { app: 'canary-demo' } },
        spec: { containers: [{ name: 'app', image }] },
      },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } },
    },
  });

  beforeAll(async () => {
    sim = await startKubeSim({
      timings: FAST_TIMINGS,
      namespaces: ['shapes'],
      tls: false,
      controllers: { rollout: true },
    });
    sim.apply(fixtureCrds(['argo-rollouts']));
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('writes a healthy canary as a completed real one', async () => {
    sim.apply(canary('demo:1') as KubeObject);
    const healthy = await until(
      'canary-demo',
      'healthy',
      r => r.status?.phase === 'Healthy',
    );
    const real = fixture('testdata/healthy_newWorkloadGeneration.yaml').status;
    expect(healthy.status.stableRS).toBe(healthy.status.currentPodHash);
    expect(healthy.status.currentStepIndex).toBe(2);
    const byType = (status: JsonObject) =>
      Object.fromEntries(
        status.conditions
          .filter((c: JsonObject) => c.type !== 'Healthy')
          .map((c: JsonObject) => [
            c.type,
            `${c.status}|${c.reason}|${normalise(c.message)}`,
          ]),
      );
    expect(byType(healthy.status)).toEqual(byType(real));
  });

  it('writes a canary paused at a pause step as the recorded paused rollout', async () => {
    sim.apply(canary('demo:2') as KubeObject);
    const paused = await until(
      'canary-demo',
      'paused',
      r => r.status?.phase === 'Paused',
    );
    const real = fixture('testdata/suspended_v1.0_pausedRollout.yaml').status;
    expect(paused.status).toMatchObject({
      phase: real.phase,
      message: real.message,
      controllerPause: real.controllerPause,
      currentStepIndex: real.currentStepIndex,
    });
    expect(
      paused.status.pauseConditions.map((c: JsonObject) => c.reason),
    ).toEqual(real.pauseConditions.map((c: JsonObject) => c.reason));
    const pausedConditions = (status: JsonObject) =>
      status.conditions
        .filter(
          (c: JsonObject) => c.type === 'Paused' || c.type === 'Progressing',
        )
        .map(conditionKey)
        .sort();
    expect(pausedConditions(paused.status)).toEqual(pausedConditions(real));
  });

  it('writes an aborted canary as the recorded aborted rollout', async () => {
    patchStatus('canary-demo', { abort: true });
    const aborted = await until(
      'canary-demo',
      'aborted',
      r => r.status?.phase === 'Degraded' && !r.status.updatedReplicas,
    );
    const real = fixture('actions/testdata/aborted_rollout.yaml').status;
    expect(aborted.status).toMatchObject({
      abort: real.abort,
      currentStepIndex: real.currentStepIndex,
      stableRS: expect.any(String),
    });
    expect(aborted.status.abortedAt).toEqual(expect.any(String));
    const progressing = aborted.status.conditions.find(
      (c: JsonObject) => c.type === 'Progressing',
    );
    const realProgressing = real.conditions.find(
      (c: JsonObject) => c.type === 'Progressing',
    );
    expect([progressing.status, progressing.reason]).toEqual([
      realProgressing.status,
      realProgressing.reason,
    ]);
  });

  it('writes blue-green selectors as the recorded blue-green rollout', async () => {
    sim.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'bg-active', namespace: 'shapes' },
      spec: { selector: { app: 'bg' }, ports: [{ port: 80 }] },
    } as KubeObject);
    sim.apply({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'bg', namespace: 'shapes' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'bg' } },
        template: {
          metadata: { labels: { app: 'bg' } },
          spec: { containers: [{ name: 'app', image: 'bg:1' }] },
        },
        strategy: { blueGreen: { activeService: 'bg-active' } },
      },
    } as KubeObject);
    const healthy = await until(
      'bg',
      'blue-green healthy',
      r => r.status?.phase === 'Healthy',
    );
    const real = fixture(
      'testdata/bluegreen/healthy_servingActiveService.yaml',
    ).status;
    expect(Object.keys(healthy.status.blueGreen)).toEqual(
      Object.keys(real.blueGreen).filter(k => real.blueGreen[k] !== ''),
    );
    expect(healthy.status.blueGreen.activeSelector).toBe(
      healthy.status.currentPodHash,
    );
    expect(healthy.status.currentStepIndex).toBeUndefined();
  });

  it('writes only status fields and conditions that real rollouts have', () => {
    expect(statuses.length).toBeGreaterThanOrEqual(4);
    for (const status of statuses) {
      for (const field of Object.keys(status))
        expect({ field, known: RECORDED_STATUS_FIELDS.has(field) }).toEqual({
          field,
          known: true,
        });
      for (const condition of status.conditions ?? []) {
        const key = conditionKey(condition);
        expect({
          key,
          known: RECORDED_CONDITIONS.has(key) || NEWER_CONDITIONS.has(key),
        }).toEqual({ key, known: true });
      }
    }
  });
});
