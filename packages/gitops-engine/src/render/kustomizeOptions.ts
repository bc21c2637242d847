import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { compareCodeUnits } from './compare';
import { envsubst, type BuildEnv } from './envsubst';
import { RenderProblem } from './errors';
import type { ApplicationSourceKustomize, KustomizePatch } from './types';

/** Whether the Application asks for edits to the kustomization (Argo CD's `kustomize edit` calls). */
export function hasKustomizeEdits(
  options: ApplicationSourceKustomize | undefined | null,
): boolean {
  if (!options) {
    return false;
  }
  return Boolean(
    options.namePrefix ||
      options.nameSuffix ||
      options.namespace ||
      options.images?.length ||
      options.replicas?.length ||
      Object.keys(options.commonLabels ?? {}).length ||
      Object.keys(options.commonAnnotations ?? {}).length ||
      options.patches?.length ||
      options.components?.length,
  );
}

interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

const IMAGE_FORMAT_HELP = `use one of the following options:
- <image>=<newimage>:<newtag>
- <image>=<newimage>@<digest>
- <image>=<newimage>:<newtag>@<digest>
- <image>=<newimage>
- <image>:<newtag>
- <image>:<newtag>@<digest>
- <image>@<digest>`;

/** Kustomize's image split: a registry port before the first `/` is not a tag. */
function splitImageName(image: string): {
  name: string;
  tag: string;
  digest: string;
} {
  let slashIndex = image.indexOf('/');
  let searchName = image;
  if (slashIndex > 0) {
    searchName = image.slice(slashIndex);
  } else {
    slashIndex = 0;
  }
  let at = searchName.indexOf('@');
  let colon = searchName.indexOf(':');
  if (colon < 0 && at < 0) {
    return { name: image, tag: '', digest: '' };
  }
  if (at >= 0 && (at < colon || colon < 0)) {
    at += slashIndex;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += slashIndex;
    colon += slashIndex;
    return {
      name: image.slice(0, colon),
      tag: image.slice(colon + 1, at),
      digest: image.slice(at + 1),
    };
  }
  colon += slashIndex;
  return {
    name: image.slice(0, colon),
    tag: image.slice(colon + 1),
    digest: '',
  };
}

/** One argument of `kustomize edit set image`. */
export function parseImageArgument(argument: string): KustomizeImage {
  const separator = argument.indexOf('=');
  const key = separator >= 0 ? argument.slice(0, separator) : '';
  const value = separator >= 0 ? argument.slice(separator + 1) : argument;
  const { name, tag, digest } = splitImageName(value);
  if (name === argument) {
    throw new RenderProblem(
      'InvalidSource',
      `source.kustomize.images entry '${argument}' is not an image override; ${IMAGE_FORMAT_HELP}`,
    );
  }
  const image: KustomizeImage = key ? { name: key, newName: name } : { name };
  if (tag) {
    image.newTag = tag;
  }
  if (digest) {
    image.digest = digest;
  }
  return image;
}

const PRESERVE = '*';

/** `kustomize edit set image`: arguments replace entries of the same name (`*` keeps a field), sorted by name. */
function mergeImages(
  existing: KustomizeImage[],
  argumentsInOrder: KustomizeImage[],
): KustomizeImage[] {
  const byName = new Map<string, KustomizeImage>();
  for (const image of argumentsInOrder) {
    byName.set(image.name, image);
  }
  for (const current of existing) {
    const requested = byName.get(current.name);
    if (!requested) {
      byName.set(current.name, current);
      continue;
    }
    const merged = { ...requested };
    if (merged.newName === PRESERVE) merged.newName = current.newName;
    if (merged.newTag === PRESERVE) merged.newTag = current.newTag;
    if (merged.digest === PRESERVE) merged.digest = current.digest;
    byName.set(current.name, merged);
  }
  return [...byName.values()]
    .map(image => {
      const cleaned: KustomizeImage = { name: image.name };
      for (const field of ['newName', 'newTag', 'digest'] as const) {
        const value = image[field];
        if (value && value !== PRESERVE) {
          cleaned[field] = value;
        }
      }
      return cleaned;
    })
    .sort((a, b) => compareCodeUnits(a.name, b.name));
}

function replicaCount(name: string, count: number | string): number {
  if (typeof count === 'number' && Number.isInteger(count)) {
    return count;
  }
  if (typeof count === 'string' && /^[+-]?\d+$/.test(count)) {
    return Number(count);
  }
  throw new RenderProblem(
    'InvalidSource',
    `source.kustomize.replicas '${name}': expected integer value for count. Received: ${count}`,
  );
}

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isQualifiedKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))
  ) {
    return false;
  }
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function validateMetadata(
  kind: 'label' | 'annotation',
  entries: Record<string, string>,
): void {
  for (const [key, value] of Object.entries(entries)) {
    if (!isQualifiedKey(key)) {
      throw new RenderProblem(
        'InvalidSource',
        `source.kustomize.common${
          kind === 'label' ? 'Labels' : 'Annotations'
        }: '${key}' is not a valid ${kind} key`,
      );
    }
    if (
      kind === 'label' &&
      value !== '' &&
      (value.length > 63 || !QUALIFIED_NAME.test(value))
    ) {
      throw new RenderProblem(
        'InvalidSource',
        `source.kustomize.commonLabels: '${value}' (for '${key}') is not a valid label value`,
      );
    }
  }
}

/** Kustomize's `k:v` argument parsing strips one pair of double quotes around the value. */
function trimQuotes(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

function toPlain(document: Document, key: string): unknown {
  const plain = document.toJS({ maxAliasCount: 1000 }) as Record<
    string,
    unknown
  > | null;
  return plain?.[key];
}

function setField(document: Document, key: string, value: unknown): void {
  document.set(key, document.createNode(value));
}

function addToMap(
  document: Document,
  field: string,
  entries: Record<string, string>,
  force: boolean,
  kind: 'label' | 'annotation',
): void {
  const existing = document.get(field, true);
  if (existing !== undefined && existing !== null && !isMap(existing)) {
    throw new RenderProblem(
      'InvalidSource',
      `the kustomization's '${field}' is not a map`,
    );
  }
  for (const [key, value] of Object.entries(entries)) {
    if (!force && document.hasIn([field, key])) {
      throw new RenderProblem(
        'InvalidSource',
        `${kind} ${key} already in kustomization file; set source.kustomize.forceCommon${
          kind === 'label' ? 'Labels' : 'Annotations'
        } to override it`,
      );
    }
    if (!isMap(document.get(field, true))) {
      setField(document, field, {});
    }
    document.setIn([field, key], document.createNode(value));
  }
}

interface LabelsEntry {
  pairs?: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  [field: string]: unknown;
}

/** `kustomize edit add label --without-selector`: into a `labels` entry with the same settings, or a new one. */
function addLabelsWithoutSelector(
  document: Document,
  entries: Record<string, string>,
  force: boolean,
  includeTemplates: boolean,
): void {
  const current = toPlain(document, 'labels');
  if (current !== undefined && current !== null && !Array.isArray(current)) {
    throw new RenderProblem(
      'InvalidSource',
      "the kustomization's 'labels' is not a list",
    );
  }
  const labels = ((current as LabelsEntry[] | undefined) ?? []).map(entry => ({
    ...entry,
  }));
  const matches = (entry: LabelsEntry) =>
    Boolean(entry.includeSelectors) === false &&
    Boolean(entry.includeTemplates) === includeTemplates;
  for (const [key, value] of Object.entries(entries)) {
    let target = labels.find(matches);
    if (!target) {
      target = { pairs: {}, includeSelectors: false };
      if (includeTemplates) {
        target.includeTemplates = true;
      }
      labels.push(target);
    }
    target.pairs = { ...(target.pairs ?? {}) };
    if (key in target.pairs && !force) {
      throw new RenderProblem(
        'InvalidSource',
        `label ${key} already in kustomization file; set source.kustomize.forceCommonLabels to override it`,
      );
    }
    target.pairs[key] = value;
  }
  setField(document, 'labels', labels);
}

function patchToPlain(patch: KustomizePatch): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  if (patch.path) plain.path = patch.path;
  if (patch.patch) plain.patch = patch.patch;
  if (patch.target) {
    const target = Object.fromEntries(
      Object.entries(patch.target).filter(([, value]) => value),
    );
    if (Object.keys(target).length > 0) plain.target = target;
  }
  if (patch.options && Object.keys(patch.options).length > 0) {
    plain.options = patch.options;
  }
  return plain;
}

/**
 * Applies an Application's `source.kustomize` options to the text of its
 * kustomization file, with the effect of the `kustomize edit` commands Argo
 * CD runs, in the same order: set nameprefix, namesuffix, image, replicas;
 * add label, annotation; set namespace; append patches; add component. The
 * file is edited in place, so what the kustomization already says is
 * replaced or merged exactly as those commands do — which is why this edits
 * a copy rather than wrapping the kustomization in an overlay, where a
 * prefix would stack on the existing one.
 *
 * `components` must already be resolved (existence checked, missing ones
 * dropped when `ignoreMissingComponents` is set).
 */
export function applyKustomizeOptions(
  kustomizationText: string,
  options: ApplicationSourceKustomize,
  env: BuildEnv,
  components: string[],
): string {
  const document: Document = parseDocument(kustomizationText, {
    version: '1.1',
  });
  if (document.errors.length > 0) {
    throw new RenderProblem(
      'InvalidManifest',
      `the kustomization is not valid YAML: ${document.errors[0].message}`,
    );
  }
  if (document.contents === null || document.contents === undefined) {
    document.contents = document.createNode({});
  }
  if (!isMap(document.contents)) {
    throw new RenderProblem(
      'InvalidManifest',
      'the kustomization is not a YAML mapping',
    );
  }

  if (options.namePrefix) {
    setField(document, 'namePrefix', options.namePrefix);
  }
  if (options.nameSuffix) {
    setField(document, 'nameSuffix', options.nameSuffix);
  }
  if (options.images?.length) {
    const requested = options.images.map(image =>
      parseImageArgument(envsubst(String(image), env)),
    );
    const existing = [
      ...((toPlain(document, 'images') as KustomizeImage[] | undefined) ?? []),
      ...((toPlain(document, 'imageTags') as KustomizeImage[] | undefined) ??
        []),
    ];
    document.delete('imageTags');
    setField(document, 'images', mergeImages(existing, requested));
  }
  if (options.replicas?.length) {
    const byName = new Map<string, { name: string; count: number }>();
    for (const replica of options.replicas) {
      byName.set(replica.name, {
        name: replica.name,
        count: replicaCount(replica.name, replica.count),
      });
    }
    const existing =
      (toPlain(document, 'replicas') as
        | Array<{ name: string; count: number }>
        | undefined) ?? [];
    for (const replica of existing) {
      if (!byName.has(replica.name)) {
        byName.set(replica.name, replica);
      }
    }
    setField(
      document,
      'replicas',
      [...byName.values()].sort((a, b) => compareCodeUnits(a.name, b.name)),
    );
  }
  const labels = Object.fromEntries(
    Object.entries(options.commonLabels ?? {}).map(([key, value]) => [
      key,
      trimQuotes(envsubst(String(value), env)),
    ]),
  );
  if (Object.keys(labels).length > 0) {
    if (options.labelIncludeTemplates && !options.labelWithoutSelector) {
      throw new RenderProblem(
        'InvalidSource',
        'source.kustomize.labelIncludeTemplates needs source.kustomize.labelWithoutSelector',
      );
    }
    validateMetadata('label', labels);
    if (options.labelWithoutSelector) {
      addLabelsWithoutSelector(
        document,
        labels,
        Boolean(options.forceCommonLabels),
        Boolean(options.labelIncludeTemplates),
      );
    } else {
      addToMap(
        document,
        'commonLabels',
        labels,
        Boolean(options.forceCommonLabels),
        'label',
      );
    }
  }
  const annotations = Object.fromEntries(
    Object.entries(options.commonAnnotations ?? {}).map(([key, value]) => [
      key,
      trimQuotes(
        options.commonAnnotationsEnvsubst
          ? envsubst(String(value), env)
          : String(value),
      ),
    ]),
  );
  if (Object.keys(annotations).length > 0) {
    validateMetadata('annotation', annotations);
    addToMap(
      document,
      'commonAnnotations',
      annotations,
      Boolean(options.forceCommonAnnotations),
      'annotation',
    );
  }
  if (options.namespace) {
    if (options.namespace.length > 63 || !DNS_LABEL.test(options.namespace)) {
      throw new RenderProblem(
        'InvalidSource',
        `source.kustomize.namespace '${options.namespace}' is not a valid namespace name (a DNS-1123 label)`,
      );
    }
    setField(document, 'namespace', options.namespace);
  }
  if (options.patches?.length) {
    const existing = document.get('patches', true);
    if (existing !== undefined && existing !== null && !isSeq(existing)) {
      throw new RenderProblem(
        'InvalidSource',
        "the kustomization's 'patches' is not a list",
      );
    }
    const current =
      (toPlain(document, 'patches') as unknown[] | undefined) ?? [];
    setField(document, 'patches', [
      ...current,
      ...options.patches.map(patchToPlain),
    ]);
  }
  if (components.length > 0) {
    const current =
      (toPlain(document, 'components') as string[] | undefined) ?? [];
    const added = components.filter(component => !current.includes(component));
    if (added.length > 0) {
      setField(document, 'components', [...current, ...added]);
    }
  }
  return document.toString();
}
