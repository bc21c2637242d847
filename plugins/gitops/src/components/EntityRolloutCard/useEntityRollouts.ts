import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import type {
  GitOpsApplication,
  ResourceActionView,
} from '@driftless/backstage-plugin-gitops-common';
import { gitopsApiRef, type GitOpsApi } from '../../api/GitOpsApi';
import { loadEntityApplications } from '../../hooks/useEntityApplications';
import { useLiveData, type LiveData } from '../../hooks/useLiveData';
import { applicationKey, identityOf } from '../../lib/applications';
import {
  analysisRunRefsOf,
  liveRollouts,
  toRolloutModel,
  type RolloutModel,
} from '../../lib/rollouts';

export interface LoadedRollout {
  model: RolloutModel;
  /** What the backend offers for the Rollout now; an Error when it could not say. */
  actions: ResourceActionView[] | Error;
}

export interface ApplicationRollouts {
  app: GitOpsApplication;
  rollouts: LoadedRollout[];
  /** Why the app's Rollouts could not be read, when they could not. */
  error?: Error;
}

export interface EntityRollouts {
  applications: ApplicationRollouts[];
  /** More apps match than the card loads. */
  truncated: boolean;
}

async function loadApplicationRollouts(
  gitopsApi: GitOpsApi,
  app: GitOpsApplication,
): Promise<ApplicationRollouts> {
  const identity = identityOf(app);
  try {
    const { items } = await gitopsApi.getManagedResources(identity);
    const rollouts = liveRollouts(items);
    if (rollouts.length === 0) return { app, rollouts: [] };
    const tree = await gitopsApi.getResourceTree(identity);
    const loaded = await Promise.all(
      rollouts.map(async rollout => {
        // A run that vanished between the tree and its read (Rollouts
        // delete old runs) is left out; the status still names the current ones.
        const runs = await Promise.all(
          analysisRunRefsOf(rollout, tree).map(ref =>
            gitopsApi.getLiveResource(identity, ref).catch(() => undefined),
          ),
        );
        const model = toRolloutModel(rollout, {
          tree,
          analysisRuns: runs.filter(
            (run): run is Record<string, unknown> => run !== undefined,
          ),
        });
        const actions = await gitopsApi
          .getResourceActions(identity, model.ref)
          .then(
            response => response.actions,
            (error: Error) => error,
          );
        return { model, actions };
      }),
    );
    return { app, rollouts: loaded };
  } catch (error) {
    return { app, rollouts: [], error: error as Error };
  }
}

/** The Argo Rollouts the entity's Applications manage, with their trees and AnalysisRuns. */
export async function loadEntityRollouts(
  gitopsApi: GitOpsApi,
  entityRef: string,
): Promise<EntityRollouts> {
  const { applications, truncated } = await loadEntityApplications(
    gitopsApi,
    entityRef,
  );
  return {
    applications: await Promise.all(
      applications.map(app => loadApplicationRollouts(gitopsApi, app)),
    ),
    truncated,
  };
}

/** A rollout that moves on by itself soon: its steps, pauses and analyses are not signalled. */
function isMoving(model: RolloutModel): boolean {
  return (
    model.phase === 'Progressing' ||
    model.canary?.steps[model.canary.currentStepIndex]?.pauseEndsAt !==
      undefined ||
    model.blueGreen?.autoPromoteAt !== undefined
  );
}

/** The entity's Rollouts, kept current (fast polling while one progresses). */
export function useEntityRollouts(entity: Entity): LiveData<EntityRollouts> {
  const gitopsApi = useApi(gitopsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const live: LiveData<EntityRollouts> = useLiveData(
    () => loadEntityRollouts(gitopsApi, entityRef),
    [gitopsApi, entityRef],
    {
      busy: value =>
        value.applications.some(app =>
          app.rollouts.some(rollout => isMoving(rollout.model)),
        ),
      relevant: signal =>
        !live.value ||
        live.value.applications.some(
          ({ app }) => applicationKey(app.metadata) === signal.key,
        ),
    },
  );
  return live;
}
