import { InputError, ServiceUnavailableError } from '@backstage/errors';
import type {
  GenerateApplicationSetResponse,
  GeneratedApplicationView,
} from '@driftless/backstage-plugin-gitops-common';
import {
  ApplicationSetGenerationError,
  ApplicationSetValidationError,
  GitSourceError,
  type ApplicationSet,
} from '@driftless/gitops-engine';
import {
  ApplicationSetSpecError,
  evaluateApplicationSet,
  type ApplicationSetEvaluation,
  type EvaluationDeps,
} from './evaluateApplicationSet';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function causedByGit(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as Error).cause) {
    if (cause instanceof GitSourceError) return true;
    if (!(cause instanceof Error)) return false;
  }
  return false;
}

/** The evaluation as the dry-run routes return it. */
export function toGenerateResponse(
  evaluation: ApplicationSetEvaluation,
): GenerateApplicationSetResponse {
  const { plan, generated } = evaluation;
  return {
    applications: generated.applications.map(
      application =>
        (plan.desired.get(application.metadata.name) ??
          application) as unknown as GeneratedApplicationView,
    ),
    sources: generated.sources,
    ...(generated.requeueAfterMs !== undefined
      ? { requeueAfterSeconds: generated.requeueAfterMs / 1000 }
      : {}),
    applicationsSync: evaluation.policy,
    changes: {
      create: plan.create.map(application => application.metadata.name),
      update: plan.update.map(({ application }) => application.metadata.name),
      delete: plan.delete.map(record => record.name),
      unchanged: plan.unchanged,
      kept: plan.kept,
      conflicts: plan.conflicts,
    },
    invalid: [...evaluation.invalid].map(([name, message]) => ({
      name,
      message,
    })),
  };
}

/**
 * What an ApplicationSet generates now and what the controller would change
 * among the Applications a stored set of that name owns (Argo CD's `argocd
 * appset generate`); writes nothing. `metadata.namespace` defaults to the
 * control-plane namespace. A set that cannot be used is an InputError with
 * every problem; a Git repository that cannot be read is a
 * ServiceUnavailableError.
 */
export async function dryRunApplicationSet(
  deps: EvaluationDeps & { controlPlaneNamespace: string },
  document: unknown,
): Promise<GenerateApplicationSetResponse> {
  if (!isObject(document)) {
    throw new InputError(
      'The ApplicationSet must be an object (apiVersion argoproj.io/v1alpha1, kind ApplicationSet, metadata, spec)',
    );
  }
  const metadata = isObject(document.metadata) ? document.metadata : {};
  const manifest = {
    ...document,
    metadata: {
      ...metadata,
      namespace:
        typeof metadata.namespace === 'string' && metadata.namespace
          ? metadata.namespace
          : deps.controlPlaneNamespace,
    },
  } as unknown as ApplicationSet;
  try {
    return toGenerateResponse(
      await evaluateApplicationSet(deps, manifest, { refreshGit: false }),
    );
  } catch (error) {
    if (
      error instanceof ApplicationSetValidationError ||
      error instanceof ApplicationSetSpecError
    ) {
      throw new InputError(error.message);
    }
    if (error instanceof ApplicationSetGenerationError) {
      if (causedByGit(error)) {
        throw new ServiceUnavailableError(
          `${error.message}; nothing was generated. Try again once the repository can be read`,
        );
      }
      throw new InputError(error.message);
    }
    throw error;
  }
}
