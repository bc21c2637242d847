import type {
  ApplicationDestination,
  ApplicationSet,
  ApplicationsSyncPolicy,
} from '@driftless/gitops-engine';
import type { GitOpsStore } from '../../database/GitOpsStore';
import type { ApplicationKey, ApplicationRecord } from '../../database/types';
import { listAllApplications } from '../controller/listAllApplications';
import type {
  ApplicationSetGeneration,
  GenerationOutcome,
} from './ApplicationSetGeneration';
import { effectiveApplicationsSync } from './applicationsSyncPolicy';
import {
  applicationSetOrigin,
  compileApplicationDifferenceRules,
  planApplicationChanges,
  type ApplicationChangePlan,
} from './planApplicationChanges';
import { parseRolloutStrategy, type RolloutStrategy } from './progressiveSync';
import type { ApplicationSetSettings } from './readApplicationSetConfig';

/**
 * Fields of the set the engine does not read and Driftless checks itself
 * (`strategy`, `ignoreApplicationDifferences`, `preservedFields`) are wrong;
 * `problems` names each. Nothing is generated or changed.
 */
export class ApplicationSetSpecError extends Error {
  readonly problems: string[];

  constructor(set: ApplicationKey, problems: string[]) {
    super(
      `ApplicationSet ${set.namespace}/${
        set.name
      } is not valid: ${problems.join('; ')}`,
    );
    this.name = 'ApplicationSetSpecError';
    this.problems = problems;
  }
}

export interface EvaluationDeps {
  store: Pick<
    GitOpsStore,
    'getApplication' | 'getArgoObject' | 'listApplications'
  >;
  generation: ApplicationSetGeneration;
  settings: ApplicationSetSettings;
  /** Why a destination names no known cluster; undefined when it does. */
  destinationProblem(
    destination: ApplicationDestination,
  ): Promise<string | undefined>;
}

/** What a set would do now: generated apps, their validation, and the changes the policy allows. */
export interface ApplicationSetEvaluation {
  key: ApplicationKey;
  policy: ApplicationsSyncPolicy;
  strategy?: RolloutStrategy;
  /** RollingSync with steps, and progressive syncs on in the controller. */
  rolling: boolean;
  generated: GenerationOutcome;
  /** Generated apps that are not written (unknown project or cluster), with why. */
  invalid: Map<string, string>;
  /** The Applications stored with the set's origin before any change. */
  owned: ApplicationRecord[];
  plan: ApplicationChangePlan;
}

function stringList(value: unknown, where: string, problems: string[]) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some(item => typeof item !== 'string')) {
    problems.push(`${where}: must be a list of strings`);
    return [];
  }
  return value as string[];
}

/**
 * Generates a set and plans what its policy lets the controller change,
 * without writing anything: the controller applies the plan, the dry-run
 * routes return it. `generated` reuses an earlier generation (a pass that
 * only follows the generated apps' status). Throws the engine's
 * ApplicationSetValidationError and ApplicationSetGenerationError, and
 * {@link ApplicationSetSpecError}: never a partial plan.
 */
export async function evaluateApplicationSet(
  deps: EvaluationDeps,
  manifest: ApplicationSet,
  options: { refreshGit: boolean; generated?: GenerationOutcome },
): Promise<ApplicationSetEvaluation> {
  const key = {
    namespace: manifest.metadata.namespace!,
    name: manifest.metadata.name,
  };
  const spec = (manifest.spec ?? {}) as ApplicationSet['spec'];
  const problems: string[] = [];
  const { strategy, problems: strategyProblems } = parseRolloutStrategy(
    spec.strategy,
  );
  problems.push(...strategyProblems);
  const ignore = compileApplicationDifferenceRules(
    spec.ignoreApplicationDifferences,
  );
  problems.push(...ignore.problems);
  const preserved =
    typeof spec.preservedFields === 'object' && spec.preservedFields !== null
      ? spec.preservedFields
      : {};
  const preservedAnnotations = stringList(
    preserved.annotations,
    'spec.preservedFields.annotations',
    problems,
  );
  const preservedLabels = stringList(
    preserved.labels,
    'spec.preservedFields.labels',
    problems,
  );
  if (problems.length > 0) {
    throw new ApplicationSetSpecError(key, problems);
  }

  const generated =
    options.generated ??
    (await deps.generation.generate(manifest, {
      refreshGit: options.refreshGit,
    }));

  const invalid = new Map<string, string>();
  for (const application of generated.applications) {
    const name = application.metadata.name;
    const project = application.spec?.project || 'default';
    if (
      project !== 'default' &&
      !(await deps.store.getArgoObject({
        kind: 'AppProject',
        namespace: key.namespace,
        name: project,
      }))
    ) {
      invalid.set(
        name,
        `Application ${name} references project ${project}, which does not exist`,
      );
      continue;
    }
    const destination = application.spec?.destination ?? {};
    if (destination.name && destination.server) {
      invalid.set(
        name,
        `Application ${name}: its destination names both a cluster name and a server; set one`,
      );
      continue;
    }
    const problem = await deps.destinationProblem(destination);
    if (problem) {
      invalid.set(
        name,
        `Application ${name}: its destination is invalid: ${problem}`,
      );
    }
  }
  const valid = generated.applications.filter(
    application => !invalid.has(application.metadata.name),
  );

  const origin = applicationSetOrigin(key);
  const owned = await listAllApplications(deps.store, { origins: [origin] });
  const ownedNames = new Set(owned.map(record => record.name));
  const takenByOthers = new Map<string, string>();
  for (const application of valid) {
    const name = application.metadata.name;
    if (ownedNames.has(name)) continue;
    const other = await deps.store.getApplication({
      namespace: key.namespace,
      name,
    });
    if (other) takenByOthers.set(name, other.origin);
  }

  const rolling =
    deps.settings.progressiveSyncs &&
    strategy?.type === 'RollingSync' &&
    strategy.steps.length > 0;
  const policy = effectiveApplicationsSync(spec.syncPolicy, deps.settings);
  const plan = planApplicationChanges({
    set: key,
    policy,
    generated: valid,
    invalidNames: new Set(invalid.keys()),
    owned,
    takenByOthers,
    preservedFields: {
      annotations: [
        ...preservedAnnotations,
        ...deps.settings.preservedFields.annotations,
      ],
      labels: [...preservedLabels, ...deps.settings.preservedFields.labels],
    },
    ignoreDifferences: ignore.rules,
    disableAutomatedSync: rolling,
  });
  return {
    key,
    policy,
    ...(strategy ? { strategy } : {}),
    rolling,
    generated,
    invalid,
    owned,
    plan,
  };
}
