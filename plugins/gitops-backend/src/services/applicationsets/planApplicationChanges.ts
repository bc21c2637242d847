import { APPLICATION_SET_OWNER_KEY } from '@driftless/backstage-plugin-gitops-common';
import {
  JqPathExpression,
  JqSyntaxError,
  JsonPointerSyntaxError,
  keepIgnoredFields,
  parseJsonPointer,
  type Application,
  type ApplicationsSyncPolicy,
  type KubernetesObject,
  type ResourceIgnoreRules,
} from '@driftless/gitops-engine';
import { isDeepStrictEqual } from 'node:util';
import type { ApplicationKey, ApplicationRecord } from '../../database/types';
import { allowsDelete, allowsUpdate } from './applicationsSyncPolicy';

/** `applicationset:<namespace>/<name>`: the origin of the Applications a set generates. */
export function applicationSetOrigin(key: ApplicationKey): string {
  return `applicationset:${key.namespace}/${key.name}`;
}

/** The set an `applicationset:` origin names, or undefined for other origins. */
export function parseApplicationSetOrigin(
  origin: string,
): ApplicationKey | undefined {
  const match = /^applicationset:([^/]+)\/(.+)$/.exec(origin);
  return match ? { namespace: match[1], name: match[2] } : undefined;
}

/**
 * Annotations other controllers write on Applications, kept when a set
 * updates its apps (Argo CD's `defaultPreservedAnnotations`: the
 * notifications state, the refresh and hydrate requests).
 */
export const ALWAYS_PRESERVED_ANNOTATIONS = [
  'notified.notifications.argoproj.io',
  'argocd.argoproj.io/refresh',
  'argocd.argoproj.io/hydrate',
];

/** Finalizers the application controller adds for pre/post-delete hooks, kept on update. */
const PRESERVED_FINALIZER_PREFIXES = [
  'pre-delete-finalizer.argocd.argoproj.io',
  'post-delete-finalizer.argocd.argoproj.io',
];

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** One `spec.ignoreApplicationDifferences` entry, compiled. */
export interface ApplicationDifferenceRule {
  /** Only the Application of this name; every generated one when absent. */
  name?: string;
  rules: ResourceIgnoreRules;
}

/**
 * Compiles `spec.ignoreApplicationDifferences` (`[{name, jsonPointers,
 * jqPathExpressions}]`, paths from the Application's root such as
 * `/spec/source/targetRevision`). Problems name the entry.
 */
export function compileApplicationDifferenceRules(value: unknown): {
  rules: ApplicationDifferenceRule[];
  problems: string[];
} {
  if (value === undefined || value === null) return { rules: [], problems: [] };
  if (!Array.isArray(value)) {
    return {
      rules: [],
      problems: ['spec.ignoreApplicationDifferences: must be a list'],
    };
  }
  const rules: ApplicationDifferenceRule[] = [];
  const problems: string[] = [];
  value.forEach((entry, index) => {
    const at = `spec.ignoreApplicationDifferences[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at}: must be {name, jsonPointers, jqPathExpressions}`);
      return;
    }
    const { name, jsonPointers, jqPathExpressions } = entry as Record<
      string,
      unknown
    >;
    const strings = (list: unknown, field: string): string[] => {
      if (list === undefined || list === null) return [];
      if (!Array.isArray(list) || list.some(item => typeof item !== 'string')) {
        problems.push(`${at}.${field}: must be a list of strings`);
        return [];
      }
      return list as string[];
    };
    const compiled: ResourceIgnoreRules = {
      jsonPointers: [],
      jqPathExpressions: [],
      managedFieldsManagers: [],
    };
    for (const pointer of strings(jsonPointers, 'jsonPointers')) {
      try {
        compiled.jsonPointers.push({
          source: pointer,
          tokens: parseJsonPointer(pointer),
        });
      } catch (error) {
        if (!(error instanceof JsonPointerSyntaxError)) throw error;
        problems.push(`${at}.jsonPointers: ${error.message}`);
      }
    }
    for (const expression of strings(jqPathExpressions, 'jqPathExpressions')) {
      try {
        compiled.jqPathExpressions.push(JqPathExpression.compile(expression));
      } catch (error) {
        if (!(error instanceof JqSyntaxError)) throw error;
        problems.push(`${at}.jqPathExpressions: ${error.message}`);
      }
    }
    if (name !== undefined && name !== '' && typeof name !== 'string') {
      problems.push(`${at}.name: must be a string`);
    }
    rules.push({
      ...(typeof name === 'string' && name !== '' ? { name } : {}),
      rules: compiled,
    });
  });
  return { rules, problems };
}

function copyPresent(
  from: Record<string, string> | undefined,
  keys: readonly string[],
  into: Record<string, string>,
) {
  for (const key of keys) {
    if (from && Object.prototype.hasOwnProperty.call(from, key)) {
      into[key] = from[key];
    }
  }
}

/** What shapes a generated Application into the form the set stores. */
export interface StoredFormOptions {
  set: ApplicationKey;
  /** The stored Application of that name the set owns, if any. */
  existing?: Application;
  /** `spec.preservedFields` of the set plus the controller's. */
  preservedFields: { annotations: string[]; labels: string[] };
  /** RollingSync: the set syncs its apps, so their own automated sync is off. */
  disableAutomatedSync: boolean;
  ignoreDifferences: ApplicationDifferenceRule[];
}

/**
 * A generated Application as the set stores it (Argo CD's CreateOrUpdate):
 * the template's labels, annotations and finalizers with what other
 * controllers keep on the stored one (preserved annotations and labels,
 * pre/post-delete finalizers), the owner label, annotation and
 * ownerReference, the spec with automated sync off under RollingSync, and
 * the fields `ignoreApplicationDifferences` names taken from the stored one.
 */
export function storedFormOf(
  generated: Application,
  options: StoredFormOptions,
): Application {
  const { set, existing } = options;
  const name = generated.metadata.name;
  const labels: Record<string, string> = {
    ...((generated.metadata.labels as Record<string, string>) ?? {}),
  };
  const annotations: Record<string, string> = {
    ...((generated.metadata.annotations as Record<string, string>) ?? {}),
  };
  copyPresent(
    existing?.metadata.annotations as Record<string, string> | undefined,
    [...ALWAYS_PRESERVED_ANNOTATIONS, ...options.preservedFields.annotations],
    annotations,
  );
  copyPresent(
    existing?.metadata.labels as Record<string, string> | undefined,
    options.preservedFields.labels,
    labels,
  );
  if (set.name.length <= 63 && LABEL_VALUE.test(set.name)) {
    labels[APPLICATION_SET_OWNER_KEY] = set.name;
  }
  annotations[APPLICATION_SET_OWNER_KEY] = `${set.namespace}/${set.name}`;
  const finalizers = [
    ...((generated.metadata.finalizers as string[] | undefined) ?? []),
  ];
  for (const finalizer of (existing?.metadata.finalizers as
    | string[]
    | undefined) ?? []) {
    if (
      PRESERVED_FINALIZER_PREFIXES.some(prefix =>
        finalizer.startsWith(prefix),
      ) &&
      !finalizers.includes(finalizer)
    ) {
      finalizers.push(finalizer);
    }
  }
  const spec = structuredClone(generated.spec);
  const automated = spec.syncPolicy?.automated;
  if (
    options.disableAutomatedSync &&
    automated &&
    automated.enabled !== false
  ) {
    spec.syncPolicy!.automated = { ...automated, enabled: false };
  }
  let application: Application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: set.namespace,
      labels,
      annotations,
      ...(finalizers.length > 0 ? { finalizers } : {}),
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'ApplicationSet',
          name: set.name,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
  };
  if (existing) {
    for (const rule of options.ignoreDifferences) {
      if (rule.name === undefined || rule.name === name) {
        application = keepIgnoredFields(
          application as unknown as KubernetesObject,
          existing as unknown as KubernetesObject,
          rule.rules,
        ) as unknown as Application;
      }
    }
  }
  return application;
}

/** Whether two stored forms are the same Application (key order aside). */
export function sameApplication(a: Application, b: Application): boolean {
  return isDeepStrictEqual(
    JSON.parse(JSON.stringify(a)),
    JSON.parse(JSON.stringify(b)),
  );
}

/** What the set does to its Applications in one reconcile. */
export interface ApplicationChangePlan {
  /** Every generated (valid) Application in its stored form, by name. */
  desired: Map<string, Application>;
  create: Application[];
  update: Array<{ record: ApplicationRecord; application: Application }>;
  unchanged: string[];
  delete: ApplicationRecord[];
  /** Left as they are: no longer generated but the policy keeps them, changed but the policy forbids updates, or being deleted. */
  kept: string[];
  /** Generated names another origin manages; left alone. */
  conflicts: Array<{ name: string; origin: string }>;
}

export interface PlanInput {
  set: ApplicationKey;
  policy: ApplicationsSyncPolicy;
  /** The generated Applications that passed validation, in generation order. */
  generated: Application[];
  /** Generated names that failed validation: neither written nor deleted. */
  invalidNames: ReadonlySet<string>;
  /** The Applications stored with this set's origin. */
  owned: ApplicationRecord[];
  /** Generated names already taken by Applications of another origin, with that origin. */
  takenByOthers: ReadonlyMap<string, string>;
  preservedFields: { annotations: string[]; labels: string[] };
  ignoreDifferences: ApplicationDifferenceRule[];
  disableAutomatedSync: boolean;
}

/**
 * Decides per Application what the policy allows (Argo CD's createInCluster,
 * createOrUpdateInCluster and deleteInCluster): create what is new, update
 * what changed when updates are allowed, delete what is no longer generated
 * when deletes are allowed. Called only after a successful generation, so a
 * failed generator never leads here.
 */
export function planApplicationChanges(
  input: PlanInput,
): ApplicationChangePlan {
  const ownedByName = new Map(input.owned.map(record => [record.name, record]));
  const plan: ApplicationChangePlan = {
    desired: new Map(),
    create: [],
    update: [],
    unchanged: [],
    delete: [],
    kept: [],
    conflicts: [],
  };
  for (const generated of input.generated) {
    const name = generated.metadata.name;
    const record = ownedByName.get(name);
    const application = storedFormOf(generated, {
      set: input.set,
      existing: record?.manifest,
      preservedFields: input.preservedFields,
      disableAutomatedSync: input.disableAutomatedSync,
      ignoreDifferences: input.ignoreDifferences,
    });
    plan.desired.set(name, application);
    if (!record) {
      const origin = input.takenByOthers.get(name);
      if (origin !== undefined) {
        plan.conflicts.push({ name, origin });
      } else {
        plan.create.push(application);
      }
      continue;
    }
    if (record.manifest.metadata.deletionTimestamp) {
      // Created again once its deletion is done.
      plan.kept.push(name);
    } else if (sameApplication(record.manifest, application)) {
      plan.unchanged.push(name);
    } else if (allowsUpdate(input.policy)) {
      plan.update.push({ record, application });
    } else {
      plan.kept.push(name);
    }
  }
  for (const record of input.owned) {
    if (plan.desired.has(record.name) || input.invalidNames.has(record.name)) {
      continue;
    }
    if (
      allowsDelete(input.policy) &&
      !record.manifest.metadata.deletionTimestamp
    ) {
      plan.delete.push(record);
    } else if (!record.manifest.metadata.deletionTimestamp) {
      plan.kept.push(record.name);
    }
  }
  return plan;
}
