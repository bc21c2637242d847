import {
  aggregateApplicationHealth,
  ApplicationHealth,
  ApplicationIdentity,
  AssessedResource,
  healthParticipation,
  ManagedResource,
} from './applicationHealth';
import {
  HealthCustomizations,
  ResourceCustomizationsConfig,
} from './customizations';
import {
  LuaHealthCheckError,
  LuaLimits,
  runLuaHealthScript,
} from './lua/luaHealthScript';
import {
  isPendingDeletion,
  getShippedResourceHealth,
  PENDING_DELETION,
} from './resourceHealth';
import { groupVersionKindOf } from './resourceIdentity';
import { HealthStatus, UnstructuredObject } from './types';

/**
 * The engine's health port: the health of live objects and of applications.
 * The reconciler calls it; the backend plugin may supply its own.
 */
export interface HealthAssessor {
  /** The health of one live object, or null when no check applies to its kind. */
  assessResource(live: UnstructuredObject): Promise<HealthStatus | null>;
  /** The health of an application from its managed resources. */
  assessApplication(
    resources: readonly ManagedResource[],
    options?: { application?: ApplicationIdentity },
  ): Promise<ApplicationHealth>;
}

export interface DefaultHealthAssessorOptions {
  /**
   * Argo CD's resource customizations, keyed as in `argocd-cm`:
   * `resource.customizations` and `resource.customizations.health.<group>_<Kind>`,
   * `resource.customizations.useOpenLibs.<group>_<Kind>`. Other keys are ignored.
   */
  customizations?: ResourceCustomizationsConfig;
  /**
   * Judge child `argoproj.io/Application`s by the health they report (default
   * true). Argo CD has no such check unless one is configured; set false for
   * exactly Argo CD's behaviour.
   */
  childApplicationHealth?: boolean;
  /** Limits for each run of a Lua health check (default 1 s, 32 MiB). */
  luaLimits?: LuaLimits;
}

/**
 * Health as Argo CD assesses it, in this order: Progressing "Pending
 * deletion" for an object being deleted; the configured Lua health check for
 * its kind (exact key, then glob); the checks Driftless ships (Rollout,
 * AnalysisRun, child Application, then gitops-engine's built-in kinds); else
 * no health. A Lua check that fails makes the health Unknown, with a message
 * that names the check and the reason.
 */
export class DefaultHealthAssessor implements HealthAssessor {
  private readonly customizations: HealthCustomizations;
  private readonly childApplicationHealth: boolean;
  private readonly luaLimits: LuaLimits;

  /** Throws ResourceCustomizationsError when the customizations cannot be read. */
  constructor(options: DefaultHealthAssessorOptions = {}) {
    this.customizations = HealthCustomizations.fromConfig(
      options.customizations,
    );
    this.childApplicationHealth = options.childApplicationHealth ?? true;
    this.luaLimits = options.luaLimits ?? {};
  }

  async assessResource(live: UnstructuredObject): Promise<HealthStatus | null> {
    if (isPendingDeletion(live)) return { ...PENDING_DELETION };
    const { group, kind } = groupVersionKindOf(live);
    const script = this.customizations.findHealthScript(group, kind);
    if (script) {
      try {
        // A configured script decides, even when it returns no health.
        return await runLuaHealthScript(script, live, this.luaLimits);
      } catch (error) {
        if (error instanceof LuaHealthCheckError)
          return { status: 'Unknown', message: error.message };
        throw error;
      }
    }
    return getShippedResourceHealth(live, {
      childApplications: this.childApplicationHealth,
    });
  }

  async assessApplication(
    resources: readonly ManagedResource[],
    options: { application?: ApplicationIdentity } = {},
  ): Promise<ApplicationHealth> {
    const assessed: AssessedResource[] = [];
    for (const resource of resources) {
      const health =
        healthParticipation(resource, options.application) === 'assess' &&
        resource.live
          ? await this.assessResource(resource.live)
          : null;
      assessed.push({ ...resource, health });
    }
    return aggregateApplicationHealth(assessed, options);
  }
}
