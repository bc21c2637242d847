import type { Entity } from '@backstage/catalog-model';

/**
 * Names one or more Argo CD Applications (comma-separated) for an entity.
 * The same key the Roadie and community Argo CD plugins read, so catalogs
 * annotated for them work unchanged.
 *
 * @public
 */
export const ARGOCD_APP_NAME_ANNOTATION = 'argocd/app-name';

/**
 * A Kubernetes label selector (for example `app.kubernetes.io/part-of=shop`)
 * matched against the labels of Applications.
 *
 * @public
 */
export const ARGOCD_APP_SELECTOR_ANNOTATION = 'argocd/app-selector';

/**
 * Restricts the linked Applications to one AppProject.
 *
 * @public
 */
export const ARGOCD_PROJECT_NAME_ANNOTATION = 'argocd/project-name';

/**
 * Driftless' own spelling of {@link ARGOCD_APP_NAME_ANNOTATION}, for catalogs
 * that do not want to look like they depend on Argo CD.
 *
 * @public
 */
export const DRIFTLESS_APP_NAME_ANNOTATION = 'driftless.dev/app-name';

/**
 * Driftless' own spelling of {@link ARGOCD_APP_SELECTOR_ANNOTATION}.
 *
 * @public
 */
export const DRIFTLESS_APP_SELECTOR_ANNOTATION = 'driftless.dev/app-selector';

/**
 * Which Applications a catalog entity is linked to, read from its annotations.
 *
 * @public
 */
export interface EntityApplicationLinks {
  /** Application names, from the app-name annotations (both spellings, merged). */
  appNames: string[];
  /** Label selectors, from the app-selector annotations (both spellings). */
  appSelectors: string[];
  /** AppProject the Applications must belong to, when the entity names one. */
  projectName?: string;
}

function splitList(value: string | undefined): string[] {
  if (!value) {
    return [];
  }
  return value
    .split(',')
    .map(item => item.trim())
    .filter(item => item.length > 0);
}

/**
 * Reads the GitOps annotations of an entity. Returns `undefined` when the
 * entity has none, so callers can show which annotation to add.
 *
 * Application names cannot contain commas, so a comma-separated
 * `argocd/app-name` is read as several names; a selector is kept whole because
 * commas inside it mean "and".
 *
 * @public
 */
export function getEntityApplicationLinks(
  entity: Entity,
): EntityApplicationLinks | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const appNames = [
    ...splitList(annotations[ARGOCD_APP_NAME_ANNOTATION]),
    ...splitList(annotations[DRIFTLESS_APP_NAME_ANNOTATION]),
  ];
  const appSelectors = [
    annotations[ARGOCD_APP_SELECTOR_ANNOTATION],
    annotations[DRIFTLESS_APP_SELECTOR_ANNOTATION],
  ]
    .map(selector => selector?.trim())
    .filter((selector): selector is string => Boolean(selector));
  const projectName = annotations[ARGOCD_PROJECT_NAME_ANNOTATION]?.trim();

  if (appNames.length === 0 && appSelectors.length === 0) {
    return undefined;
  }
  return {
    appNames: [...new Set(appNames)],
    appSelectors: [...new Set(appSelectors)],
    ...(projectName ? { projectName } : {}),
  };
}

/**
 * True when the entity names Applications by name or selector. Meant for
 * `EntitySwitch` conditions and extension filters.
 *
 * @public
 */
export function isGitOpsAvailable(entity: Entity): boolean {
  return getEntityApplicationLinks(entity) !== undefined;
}
