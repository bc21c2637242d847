import type {
  ApplicationSetConditionView,
  ApplicationSetResourceView,
  ApplicationSetStatusView,
  HealthStatusCode,
  SyncStatusCode,
} from '@driftless/backstage-plugin-gitops-common';
import {
  ApplicationSetGenerationError,
  GeneratorError,
  TemplateRenderError,
} from '@driftless/gitops-engine';
import type { ApplicationRecord } from '../../database/types';

/** Argo CD's ApplicationSet condition types. */
export const CONDITION = {
  errorOccurred: 'ErrorOccurred',
  parametersGenerated: 'ParametersGenerated',
  resourcesUpToDate: 'ResourcesUpToDate',
  rolloutProgressing: 'RolloutProgressing',
} as const;

/** Argo CD's ApplicationSet condition reasons that Driftless sets. */
export const REASON = {
  upToDate: 'ApplicationSetUpToDate',
  parametersGenerated: 'ParametersGenerated',
  errorOccurred: 'ErrorOccurred',
  paramsGenerationError: 'ApplicationGenerationFromParamsError',
  renderTemplateParamsError: 'RenderTemplateParamsError',
  validationError: 'ApplicationValidationError',
  createApplicationError: 'CreateApplicationError',
  updateApplicationError: 'UpdateApplicationError',
  deleteApplicationError: 'DeleteApplicationError',
  syncApplicationError: 'SyncApplicationError',
} as const;

const GENERATED_MESSAGE =
  'Successfully generated parameters for all Applications';

type NewCondition = Omit<ApplicationSetConditionView, 'lastTransitionTime'>;

/** Why generation failed, as Argo CD's condition reason. */
export function generationFailureReason(error: unknown): string {
  if (error instanceof ApplicationSetGenerationError) {
    const cause = error.cause;
    if (cause instanceof TemplateRenderError) {
      return REASON.renderTemplateParamsError;
    }
    if (cause instanceof GeneratorError) return REASON.paramsGenerationError;
    // Duplicate or empty names: the generated Applications are not valid.
    if (/duplicate name|no name/.test(error.message)) {
      return REASON.validationError;
    }
    return REASON.paramsGenerationError;
  }
  return REASON.validationError;
}

/**
 * The three conditions Argo CD keeps on every set (setApplicationSetStatusCondition):
 * after a failure before or during generation (`parametersGenerated`
 * false), after a failure applying the generated apps, or after success.
 */
export function reconcileConditions(
  outcome:
    | { kind: 'ok' }
    | {
        kind: 'error';
        reason: string;
        message: string;
        parametersGenerated: boolean;
      },
): NewCondition[] {
  if (outcome.kind === 'ok') {
    return [
      {
        type: CONDITION.errorOccurred,
        status: 'False',
        reason: REASON.upToDate,
        message: GENERATED_MESSAGE,
      },
      {
        type: CONDITION.parametersGenerated,
        status: 'True',
        reason: REASON.parametersGenerated,
        message: GENERATED_MESSAGE,
      },
      {
        type: CONDITION.resourcesUpToDate,
        status: 'True',
        reason: REASON.upToDate,
        message: 'All applications have been generated successfully',
      },
    ];
  }
  return [
    {
      type: CONDITION.errorOccurred,
      status: 'True',
      reason: outcome.reason,
      message: outcome.message,
    },
    outcome.parametersGenerated
      ? {
          type: CONDITION.parametersGenerated,
          status: 'True',
          reason: REASON.parametersGenerated,
          message: GENERATED_MESSAGE,
        }
      : {
          type: CONDITION.parametersGenerated,
          status: 'False',
          reason: REASON.errorOccurred,
          message: outcome.message,
        },
    {
      type: CONDITION.resourcesUpToDate,
      status: 'False',
      reason: outcome.reason,
      message: outcome.message,
    },
  ];
}

/**
 * The new conditions with transition times: kept from the previous
 * condition of the same type while its status and reason stay, else now.
 * Previous conditions of other types are kept unless `replaceTypes` lists them.
 */
export function mergeConditions(
  previous: ApplicationSetConditionView[],
  next: NewCondition[],
  now: string,
  replaceTypes: readonly string[] = [],
): ApplicationSetConditionView[] {
  const nextTypes = new Set(next.map(condition => condition.type));
  const kept = previous.filter(
    condition =>
      !nextTypes.has(condition.type) && !replaceTypes.includes(condition.type),
  );
  return [
    ...next.map(condition => {
      const before = previous.find(c => c.type === condition.type);
      return {
        ...condition,
        lastTransitionTime:
          before &&
          before.status === condition.status &&
          before.reason === condition.reason
            ? before.lastTransitionTime ?? now
            : now,
      };
    }),
    ...kept,
  ];
}

/** Code-point order, as Go sorts strings (localeCompare would not). */
function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** `status.resources`: the set's Applications with their sync and health, by name. */
export function resourcesOf(
  records: ApplicationRecord[],
): ApplicationSetResourceView[] {
  return [...records]
    .sort((a, b) => compareNames(a.name, b.name))
    .map(record => {
      const status = record.status;
      const health = status?.status.health as
        | { status?: string; message?: string }
        | undefined;
      return {
        group: 'argoproj.io',
        version: 'v1alpha1',
        kind: 'Application',
        namespace: record.namespace,
        name: record.name,
        ...(status ? { status: status.syncStatus as SyncStatusCode } : {}),
        ...(status
          ? {
              health: {
                status: status.healthStatus as HealthStatusCode,
                ...(health?.message ? { message: health.message } : {}),
              },
            }
          : {}),
      };
    });
}

/** The empty status of a set the controller has not reconciled yet. */
export const EMPTY_STATUS: ApplicationSetStatusView = {
  conditions: [],
  resources: [],
  resourcesCount: 0,
};
