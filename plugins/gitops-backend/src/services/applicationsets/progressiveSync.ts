import type {
  ApplicationSetApplicationStatusView,
  ProgressiveSyncStatusCode,
} from '@driftless/backstage-plugin-gitops-common';
import { isDeepStrictEqual } from 'node:util';

/*
 * Progressive syncs (Argo CD's `applicationset/progressivesync`, RollingSync):
 * the set's generated Applications are grouped into steps by label
 * expressions; their automated sync is turned off and the set syncs them
 * itself, at most `maxUpdate` of a step at a time, starting a step only once
 * every Application of the previous steps exists and is Healthy. This file is
 * the pure part: from the apps' states and the set's last
 * `status.applicationStatus`, the next statuses and which apps to sync now.
 */

/** One `matchExpressions` entry of a RollingSync step. */
export interface RolloutMatchExpression {
  key: string;
  operator: 'In' | 'NotIn';
  values: string[];
}

/** One RollingSync step. */
export interface RolloutStep {
  matchExpressions: RolloutMatchExpression[];
  /** Apps of the step syncing at once: a count, or a percentage (`"25%"`) of the step's apps; all when absent. */
  maxUpdate?: number | string;
}

/** `spec.strategy`, checked. `steps` is empty for AllAtOnce (and for a RollingSync without steps). */
export interface RolloutStrategy {
  type: 'AllAtOnce' | 'RollingSync';
  steps: RolloutStep[];
  /** `deletionOrder` as written (`AllAtOnce`, `Reverse`). */
  deletionOrder?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const PERCENT = /^(\d+)%$/;

/**
 * Reads `spec.strategy`; undefined when absent. Problems are returned, each
 * naming its field, so the set gets an error condition instead of a rollout
 * that silently selects nothing (Argo CD logs and skips a bad operator).
 */
export function parseRolloutStrategy(strategy: unknown): {
  strategy?: RolloutStrategy;
  problems: string[];
} {
  if (strategy === undefined || strategy === null) return { problems: [] };
  const problems: string[] = [];
  if (!isObject(strategy)) {
    return { problems: ['spec.strategy: must be an object'] };
  }
  const type = strategy.type ?? 'AllAtOnce';
  if (type !== 'AllAtOnce' && type !== 'RollingSync' && type !== '') {
    problems.push(
      `spec.strategy.type: '${String(
        type,
      )}' is unknown; use RollingSync or AllAtOnce`,
    );
    return { problems };
  }
  const deletionOrder =
    typeof strategy.deletionOrder === 'string'
      ? strategy.deletionOrder
      : undefined;
  if (
    deletionOrder !== undefined &&
    !['allatonce', 'reverse', ''].includes(deletionOrder.toLowerCase())
  ) {
    problems.push(
      `spec.strategy.deletionOrder: '${deletionOrder}' is unknown; use AllAtOnce or Reverse`,
    );
  }
  const steps: RolloutStep[] = [];
  if (type === 'RollingSync') {
    const rollingSync = strategy.rollingSync;
    if (!isObject(rollingSync)) {
      problems.push(
        'spec.strategy.rollingSync: is required for type RollingSync, with steps',
      );
    } else if (rollingSync.steps !== undefined) {
      if (!Array.isArray(rollingSync.steps)) {
        problems.push('spec.strategy.rollingSync.steps: must be a list');
      } else {
        rollingSync.steps.forEach((step, index) => {
          const at = `spec.strategy.rollingSync.steps[${index}]`;
          if (!isObject(step)) {
            problems.push(`${at}: must be an object with matchExpressions`);
            return;
          }
          const expressions: RolloutMatchExpression[] = [];
          const raw = step.matchExpressions ?? [];
          if (!Array.isArray(raw)) {
            problems.push(`${at}.matchExpressions: must be a list`);
          } else {
            raw.forEach((expression, position) => {
              const where = `${at}.matchExpressions[${position}]`;
              if (!isObject(expression)) {
                problems.push(`${where}: must be {key, operator, values}`);
                return;
              }
              const { key, operator, values } = expression;
              if (typeof key !== 'string' || key === '') {
                problems.push(`${where}.key: is required`);
              }
              if (operator !== 'In' && operator !== 'NotIn') {
                problems.push(
                  `${where}.operator: '${String(
                    operator,
                  )}' is not supported; use In or NotIn`,
                );
              }
              if (
                values !== undefined &&
                (!Array.isArray(values) ||
                  values.some(value => typeof value !== 'string'))
              ) {
                problems.push(`${where}.values: must be a list of strings`);
              }
              expressions.push({
                key: String(key),
                operator: operator as 'In' | 'NotIn',
                values: (values as string[] | undefined) ?? [],
              });
            });
          }
          const { maxUpdate } = step;
          if (
            maxUpdate !== undefined &&
            maxUpdate !== null &&
            !(
              (typeof maxUpdate === 'number' &&
                Number.isInteger(maxUpdate) &&
                maxUpdate >= 0) ||
              (typeof maxUpdate === 'string' && PERCENT.test(maxUpdate))
            )
          ) {
            problems.push(
              `${at}.maxUpdate: '${String(
                maxUpdate,
              )}' must be a whole number of Applications or a percentage such as "25%"`,
            );
          }
          steps.push({
            matchExpressions: expressions,
            ...(maxUpdate !== undefined && maxUpdate !== null
              ? { maxUpdate: maxUpdate as number | string }
              : {}),
          });
        });
      }
    }
  }
  return {
    strategy: {
      type: type === 'RollingSync' ? 'RollingSync' : 'AllAtOnce',
      steps,
      ...(deletionOrder ? { deletionOrder } : {}),
    },
    problems,
  };
}

/**
 * Whether an app's labels satisfy a step: every expression holds; `In`
 * needs the label present with one of the values, `NotIn` holds when the
 * label is absent or has none of them.
 */
export function stepSelects(
  step: RolloutStep,
  labels: Record<string, string>,
): boolean {
  return step.matchExpressions.every(expression => {
    if (!Object.prototype.hasOwnProperty.call(labels, expression.key)) {
      return expression.operator === 'NotIn';
    }
    const listed = expression.values.includes(labels[expression.key]);
    return expression.operator === 'In' ? listed : !listed;
  });
}

/** The step's apps syncing at once (Kubernetes' GetScaledValueFromIntOrPercent, rounded down; a percentage other than 0% is at least 1). */
export function maxUpdateOf(
  maxUpdate: number | string | undefined,
  appsInStep: number,
): number {
  if (maxUpdate === undefined) return Number.POSITIVE_INFINITY;
  if (typeof maxUpdate === 'number') return maxUpdate;
  const percent = Number(PERCENT.exec(maxUpdate)![1]);
  const value = Math.floor((appsInStep * percent) / 100);
  return percent !== 0 && value < 1 ? 1 : value;
}

/** What a rollout reads of one generated Application that exists. */
export interface RolloutAppState {
  name: string;
  /** `status.sync.status`; undefined before the first reconcile. */
  sync?: string;
  /** `status.health.status`. */
  health?: string;
  /** `status.sync.revisions`, or `[status.sync.revision]`. */
  revisions: string[];
  /** `status.reconciledAt`. */
  reconciledAt?: string;
  /** An InvalidSpecError or UnknownError condition keeps it from ever syncing. */
  hasError: boolean;
  /** Its latest operation. */
  operation?: { phase: string; createdAt: string; startedAt?: string };
  /** The spec the set generates now differs from the stored one. */
  specChanged: boolean;
}

export interface RolloutInput {
  steps: RolloutStep[];
  /** The set's `status.applicationStatus` from its last reconcile. */
  previous: ApplicationSetApplicationStatusView[];
  /** The Applications generated now, with their labels, in generation order. */
  desired: Array<{ name: string; labels: Record<string, string> }>;
  /** The set's Applications as they exist before this reconcile writes. */
  current: RolloutAppState[];
  /** ISO time of this reconcile. */
  now: string;
}

export interface RolloutResult {
  applicationStatus: ApplicationSetApplicationStatusView[];
  /** Apps to sync now: Pending in a step that may sync, and not synced since they became Pending. */
  toSync: string[];
  /** The `RolloutProgressing` condition. */
  condition: {
    status: 'True' | 'False';
    reason: 'ApplicationSetModified' | 'ApplicationSetRolloutComplete';
    message: string;
  };
  /** Whether any app's status changed in this pass (a next pass may move the rollout on). */
  changed: boolean;
}

/** Argo CD's messages for a Pending app whose sync started or ended. */
function pendingToProgressingMessage(phase: string): string {
  switch (phase) {
    case 'Succeeded':
      return 'Application resource completed a sync successfully, updating status from Pending to Progressing';
    case 'Failed':
    case 'Error':
      return 'Application resource completed a sync, updating status from Pending to Progressing';
    default:
      return 'Application resource became Progressing, updating status from Pending to Progressing';
  }
}

const after = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && Date.parse(a) > Date.parse(b);

/**
 * One pass of a RollingSync rollout (Argo CD's PerformProgressiveSyncs and
 * SyncDesiredApplications): each existing app's status moves on from what
 * it was, apps of the steps that may sync move from Waiting to Pending
 * within `maxUpdate`, and the Pending ones are returned to sync.
 */
export function computeRollout(input: RolloutInput): RolloutResult {
  const { steps, now } = input;
  const stepApps: string[][] = steps.map(() => []);
  const stepOf = new Map<string, number>();
  for (const app of input.desired) {
    steps.forEach((step, index) => {
      if (stepSelects(step, app.labels)) {
        stepApps[index].push(app.name);
        if (!stepOf.has(app.name)) stepOf.set(app.name, index);
      }
    });
  }
  const stepLabel = (name: string) =>
    String(stepOf.has(name) ? stepOf.get(name)! + 1 : -1);
  const previousByName = new Map(
    input.previous.map(status => [status.application, status]),
  );

  const statuses: ApplicationSetApplicationStatusView[] = [];
  for (const app of input.current) {
    const current: ApplicationSetApplicationStatusView = previousByName.get(
      app.name,
    ) ?? {
      application: app.name,
      status: 'Waiting',
      message: 'No Application status found, defaulting status to Waiting',
      step: stepLabel(app.name),
      targetRevisions: app.revisions,
      lastTransitionTime: now,
    };
    const next: ApplicationSetApplicationStatusView = {
      ...current,
      step: stepLabel(app.name),
    };
    const move = (status: ProgressiveSyncStatusCode, message: string) => {
      next.status = status;
      next.message = message;
      next.lastTransitionTime = now;
    };
    const revisionsChanged = !isDeepStrictEqual(
      current.targetRevisions,
      app.revisions,
    );
    if (revisionsChanged || app.specChanged) {
      next.targetRevisions = app.revisions;
      let what = 'spec differs';
      if (revisionsChanged) {
        what = app.specChanged ? 'revision and spec differ' : '';
      }
      move(
        'Waiting',
        `Application has pending changes${
          what ? ` (${what})` : ''
        }, setting status to Waiting`,
      );
    }
    if (next.status === 'Waiting') {
      // Nothing to sync: the app already runs what it should.
      if (app.sync === 'Synced') {
        if (app.health === 'Healthy') {
          move(
            'Healthy',
            'Application resource has synced, updating status to Healthy',
          );
        } else {
          move(
            'Progressing',
            'Application resource has synced, updating status to Progressing',
          );
        }
      }
    } else {
      if (
        current.status === 'Pending' &&
        (app.reconciledAt === undefined ||
          after(app.reconciledAt, next.lastTransitionTime))
      ) {
        const started = app.operation?.startedAt ?? app.operation?.createdAt;
        if (app.operation && after(started, current.lastTransitionTime)) {
          move('Progressing', pendingToProgressingMessage(app.operation.phase));
        } else if (app.hasError) {
          move(
            'Progressing',
            'Application resource has error and cannot sync, updating status to Progressing',
          );
        }
      }
      if (
        current.status === 'Progressing' &&
        app.health === 'Healthy' &&
        app.sync === 'Synced'
      ) {
        move(
          'Healthy',
          'Application resource became Healthy, updating status from Progressing to Healthy',
        );
      }
    }
    statuses.push(next);
  }

  // Steps open in order: a step's apps may sync once every app of the
  // steps before exists and is Healthy.
  const existing = new Set(input.current.map(app => app.name));
  const statusByName = new Map(statuses.map(s => [s.application, s]));
  const maySync = new Set<string>();
  for (const names of stepApps) {
    for (const name of names) maySync.add(name);
    const complete = names.every(
      name =>
        existing.has(name) && statusByName.get(name)?.status === 'Healthy',
    );
    if (!complete) break;
  }

  const applicationStatus: ApplicationSetApplicationStatusView[] = [];
  if (steps.length > 0) {
    const total = steps.map(() => 0);
    const updating = steps.map(() => 0);
    for (const status of statuses) {
      const step = stepOf.get(status.application);
      if (step === undefined) continue;
      total[step]++;
      if (status.status === 'Pending' || status.status === 'Progressing') {
        updating[step]++;
      }
    }
    for (const status of statuses) {
      const step = stepOf.get(status.application);
      if (
        step !== undefined &&
        status.status === 'Waiting' &&
        maySync.has(status.application) &&
        updating[step] < maxUpdateOf(steps[step].maxUpdate, total[step])
      ) {
        status.status = 'Pending';
        status.message =
          'Application moved to Pending status, watching for the Application resource to start Progressing';
        status.lastTransitionTime = now;
        updating[step]++;
      }
      applicationStatus.push(status);
    }
  }

  const stepDone = new Map<string, boolean>();
  for (const status of applicationStatus) {
    stepDone.set(
      status.step,
      (stepDone.get(status.step) ?? true) && status.status === 'Healthy',
    );
  }
  let progressingStep: number | undefined;
  for (let index = 0; index < steps.length; index++) {
    if (stepDone.get(String(index + 1)) === false) {
      progressingStep = index + 1;
      break;
    }
  }

  const states = new Map(input.current.map(app => [app.name, app]));
  const toSync = applicationStatus
    .filter(status => {
      if (status.status !== 'Pending' || !maySync.has(status.application)) {
        return false;
      }
      // One sync per Pending transition: a sync started since is awaited, not repeated.
      const operation = states.get(status.application)?.operation;
      return !(
        operation && after(operation.createdAt, status.lastTransitionTime)
      );
    })
    .map(status => status.application);

  const changed =
    applicationStatus.length !== input.previous.length ||
    applicationStatus.some(status => {
      const before = previousByName.get(status.application);
      return (
        !before ||
        before.status !== status.status ||
        before.step !== status.step ||
        before.message !== status.message
      );
    });

  return {
    applicationStatus,
    toSync,
    condition:
      progressingStep !== undefined
        ? {
            status: 'True',
            reason: 'ApplicationSetModified',
            message: `ApplicationSet is performing rollout of step ${progressingStep}`,
          }
        : {
            status: 'False',
            reason: 'ApplicationSetRolloutComplete',
            message: 'ApplicationSet Rollout has completed',
          },
    changed,
  };
}
