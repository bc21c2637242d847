import { parseAllDocuments, type Tags } from 'yaml';
import { RenderProblem } from './errors';
import type { KubernetesObject } from './types';

/** Where a document came from, for error messages. */
export interface DocumentOrigin {
  /** File relative to the checkout (directory sources). */
  file?: string;
  /** The tool whose output held the document (`helm template`, `kubectl kustomize`...). */
  tool?: string;
  /** 0-based position among the `---`-separated documents. */
  documentIndex: number;
  /** Helm's `# Source:` comment, naming the template. */
  template?: string;
}

/** One parsed YAML/JSON document, not yet checked. */
export interface ParsedDocument {
  value: unknown;
  origin: DocumentOrigin;
}

/**
 * Kubernetes (sigs.k8s.io/yaml, go-yaml v2) reads YAML 1.1: `yes`/`on` are
 * booleans and `0755` is octal. It has no sexagesimal numbers and keeps
 * timestamps as strings, so those two 1.1 tags are dropped to match.
 */
let kubernetesTags: Tags | undefined;
function kubernetesYamlTags(tags: Tags): Tags {
  kubernetesTags ??= tags.filter(tag => {
    const id = typeof tag === 'string' ? tag : tag.tag;
    const format = typeof tag === 'string' ? undefined : tag.format;
    return id !== 'tag:yaml.org,2002:timestamp' && format !== 'TIME';
  });
  return kubernetesTags;
}

export function describeOrigin(origin: DocumentOrigin): string {
  const where = origin.file
    ? `file '${origin.file}'`
    : `${origin.tool ?? 'tool'} output`;
  const template = origin.template ? ` (template ${origin.template})` : '';
  return `${where}, document ${origin.documentIndex + 1} (index ${
    origin.documentIndex
  })${template}`;
}

function problem(origin: DocumentOrigin, reason: string, cause?: unknown) {
  return new RenderProblem(
    'InvalidManifest',
    `${describeOrigin(origin)}: ${reason}`,
    { file: origin.file, documentIndex: origin.documentIndex, cause },
  );
}

type DocumentOutcome =
  | { kind: 'empty' }
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'error'; reason: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What Kubernetes' YAML-or-JSON decoder accepts as one object: a mapping with a kind. */
function classify(value: unknown): DocumentOutcome {
  if (value === null || value === undefined) {
    return { kind: 'empty' };
  }
  if (!isPlainObject(value)) {
    return {
      kind: 'error',
      reason: `expected a mapping (an object), found ${
        Array.isArray(value) ? 'a sequence' : `a ${typeof value}`
      }`,
    };
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    return { kind: 'error', reason: "the object has no 'kind'" };
  }
  return { kind: 'object', value };
}

interface SplitDocument {
  outcome: DocumentOutcome;
  template?: string;
}

function splitYaml(text: string): SplitDocument[] {
  const documents = parseAllDocuments(text, {
    version: '1.1',
    customTags: kubernetesYamlTags,
  });
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map(document => {
    // Helm starts each document with `# Source: <template>`; the parser
    // attaches that comment to the document or to its first node.
    const comments = `${document.commentBefore ?? ''}\n${
      (document.contents as { commentBefore?: string } | null)?.commentBefore ??
      ''
    }`;
    const template = /^\s*Source:\s*(.+?)\s*$/m.exec(comments)?.[1];
    if (document.errors.length > 0) {
      return {
        template,
        outcome: {
          kind: 'error',
          reason: `not valid YAML: ${document.errors[0].message}`,
        },
      };
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      return {
        template,
        outcome: {
          kind: 'error',
          reason: `not valid YAML: ${(error as Error).message}`,
        },
      };
    }
    return { template, outcome: classify(value) };
  });
}

const MANIFEST_MARKERS = ['apiVersion:', 'kind:', 'metadata:'];

/**
 * The objects in one file of a directory source, as Argo CD reads them:
 * `.json` holds one object; other files are multi-document YAML. A file that
 * fails to decode from its first document and does not look like a manifest
 * (no `apiVersion:`, `kind:` and `metadata:` in it) is someone's unrelated
 * YAML or JSON — a Helm values file, a `package.json` — and is skipped.
 */
export function parseManifestFile(
  text: string,
  file: string,
): ParsedDocument[] {
  const looksLikeManifest = MANIFEST_MARKERS.every(marker =>
    text.includes(marker),
  );
  if (file.endsWith('.json')) {
    const origin = { file, documentIndex: 0 };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw problem(
        origin,
        `not valid JSON (a .json file holds exactly one object): ${
          (error as Error).message
        }`,
      );
    }
    const outcome = classify(value);
    if (outcome.kind === 'object') {
      return [{ value: outcome.value, origin }];
    }
    if (outcome.kind === 'error' && looksLikeManifest) {
      throw problem(origin, outcome.reason);
    }
    return [];
  }

  const documents: ParsedDocument[] = [];
  const split = splitYaml(text);
  for (let index = 0; index < split.length; index++) {
    const { outcome } = split[index];
    const origin = { file, documentIndex: index };
    if (outcome.kind === 'empty') {
      continue;
    }
    if (outcome.kind === 'error') {
      if (documents.length === 0 && !looksLikeManifest) {
        return [];
      }
      throw problem(origin, outcome.reason);
    }
    documents.push({ value: outcome.value, origin });
  }
  return documents;
}

/** The objects a tool printed (`kustomize build`, `helm template`); any undecodable document is an error. */
export function parseToolOutput(text: string, tool: string): ParsedDocument[] {
  const documents: ParsedDocument[] = [];
  const split = splitYaml(text);
  for (let index = 0; index < split.length; index++) {
    const { outcome, template } = split[index];
    const origin = { tool, documentIndex: index, template };
    if (outcome.kind === 'empty') {
      continue;
    }
    if (outcome.kind === 'error') {
      throw problem(origin, outcome.reason);
    }
    documents.push({ value: outcome.value, origin });
  }
  return documents;
}

const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];

function validateObject(
  value: Record<string, unknown>,
  origin: DocumentOrigin,
  item?: number,
): KubernetesObject {
  const at = item === undefined ? '' : `list item ${item}: `;
  const kind = value.kind;
  if (typeof kind !== 'string' || kind === '') {
    throw problem(origin, `${at}the object has no 'kind'`);
  }
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    throw problem(origin, `${at}the ${kind} has no 'apiVersion'`);
  }
  const metadata = value.metadata;
  if (!isPlainObject(metadata)) {
    throw problem(origin, `${at}the ${kind} has no 'metadata'`);
  }
  const name = metadata.name;
  if (name !== undefined && typeof name !== 'string') {
    throw problem(origin, `${at}the ${kind}'s metadata.name is not a string`);
  }
  if (!name) {
    const annotations = isPlainObject(metadata.annotations)
      ? metadata.annotations
      : {};
    const isHook = HOOK_ANNOTATIONS.some(key => key in annotations);
    const generateName = metadata.generateName;
    if (!(isHook && typeof generateName === 'string' && generateName)) {
      throw problem(
        origin,
        `${at}the ${kind} has no metadata.name${
          generateName
            ? ' (metadata.generateName is only allowed on hooks: add an argocd.argoproj.io/hook annotation or set a name)'
            : ''
        }`,
      );
    }
  }
  return value as KubernetesObject;
}

/**
 * What Argo CD's repo-server does with decoded documents: an object with an
 * `items` array is a List and is replaced by its items (`kind: List`,
 * `ConfigMapList`...), a List with `items: null` is dropped; then every
 * object must have apiVersion, kind and metadata.name — or generateName, on
 * a hook, which gets its name when the hook runs.
 */
export function toKubernetesObjects(
  documents: ParsedDocument[],
): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const { value, origin } of documents) {
    const object = value as Record<string, unknown>;
    if (Array.isArray(object.items)) {
      object.items.forEach((item, index) => {
        if (!isPlainObject(item)) {
          throw problem(origin, `list item ${index} is not an object`);
        }
        objects.push(validateObject(item, origin, index));
      });
    } else if (
      object.items === null &&
      !('spec' in object) &&
      !('status' in object)
    ) {
      continue;
    } else {
      objects.push(validateObject(object, origin));
    }
  }
  return objects;
}
