import { diffLines } from 'diff';
import { stringify } from 'yaml';

/** What the API puts in place of a Secret value: `+`, longer for each distinct value. */
const SECRET_MASK = /^\++$/;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Masks what a Secret object could still hold in clear, in place. The
 * backend masks Secret values before they leave it; this is the portal's own
 * guarantee that it never displays one, whatever a backend sends. Equal
 * values get equal masks (shared through `masks` across the states of one
 * resource), so a diff still shows which keys changed, as the backend's do.
 */
function maskSecretObject(object: unknown, masks: Map<string, string>): void {
  if (!isPlainObject(object)) return;
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return;
  const maskOf = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    let mask = masks.get(text);
    if (!mask) {
      // Longer than any mask the backend hands out, so they cannot collide.
      mask = '+'.repeat(64 + masks.size * 4);
      masks.set(text, mask);
    }
    return mask;
  };
  for (const field of ['data', 'stringData']) {
    const values = object[field];
    if (!isPlainObject(values)) continue;
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string' || !SECRET_MASK.test(value)) {
        values[key] = maskOf(value);
      }
    }
  }
  const metadata = object.metadata;
  const annotations = isPlainObject(metadata)
    ? metadata.annotations
    : undefined;
  if (isPlainObject(annotations)) {
    const lastApplied = annotations[LAST_APPLIED];
    if (typeof lastApplied === 'string' && !SECRET_MASK.test(lastApplied)) {
      annotations[LAST_APPLIED] = maskOf(lastApplied);
    }
  }
}

/**
 * A manifest as the API sends it (JSON text) in YAML, as people write them.
 * `metadata.managedFields` is left out, as Argo CD's UI does by default: it
 * is bookkeeping of the API server, long, and never part of a diff. A text
 * that is not JSON is shown as it is; a Secret's values are always masked.
 */
export function manifestYaml(
  json: string | undefined,
  secretMasks: Map<string, string> = new Map(),
): string {
  if (!json) return '';
  let object: unknown;
  try {
    object = JSON.parse(json);
  } catch {
    return json;
  }
  if (isPlainObject(object) && isPlainObject(object.metadata)) {
    const { managedFields: _ignored, ...metadata } = object.metadata;
    object.metadata = metadata;
  }
  maskSecretObject(object, secretMasks);
  return stringify(object, { lineWidth: 0 });
}

/** The states of one managed resource in YAML, Secret values masked consistently across them. */
export interface ResourceManifests {
  /** The desired object from Git. */
  desired: string;
  /** The object in the cluster. */
  live: string;
  /** Left side of the diff: the live object as compared (ignored fields removed). */
  liveCompared: string;
  /** Right side of the diff: what the live object would become once applied. */
  predicted: string;
}

export function resourceManifests(
  resource:
    | {
        targetState?: string;
        liveState?: string;
        predictedLiveState?: string;
        normalizedLiveState?: string;
      }
    | undefined,
): ResourceManifests {
  const masks = new Map<string, string>();
  return {
    desired: manifestYaml(resource?.targetState, masks),
    live: manifestYaml(resource?.liveState, masks),
    liveCompared: manifestYaml(
      resource?.normalizedLiveState ?? resource?.liveState,
      masks,
    ),
    predicted: manifestYaml(
      resource?.predictedLiveState ?? resource?.targetState,
      masks,
    ),
  };
}

export type DiffRowType = 'same' | 'removed' | 'added' | 'changed';

export interface DiffSide {
  /** 1-based line number in that side's text. */
  line: number;
  text: string;
}

export interface DiffRow {
  type: DiffRowType;
  left?: DiffSide;
  right?: DiffSide;
}

export interface CollapsedRows {
  type: 'collapsed';
  count: number;
}

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Rows of a side-by-side diff: removed lines followed by added ones are
 * paired as changed rows, the rest stand alone on their side.
 */
export function sideBySideDiff(left: string, right: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let leftLine = 1;
  let rightLine = 1;
  const parts = diffLines(left, right);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part.added && !part.removed) {
      for (const text of linesOf(part.value)) {
        rows.push({
          type: 'same',
          left: { line: leftLine++, text },
          right: { line: rightLine++, text },
        });
      }
      continue;
    }
    if (part.removed && parts[i + 1]?.added) {
      const removed = linesOf(part.value);
      const added = linesOf(parts[i + 1].value);
      for (let j = 0; j < Math.max(removed.length, added.length); j++) {
        let type: DiffRowType = 'changed';
        if (j >= added.length) type = 'removed';
        else if (j >= removed.length) type = 'added';
        const row: DiffRow = { type };
        if (j < removed.length) {
          row.left = { line: leftLine++, text: removed[j] };
        }
        if (j < added.length) {
          row.right = { line: rightLine++, text: added[j] };
        }
        rows.push(row);
      }
      i++;
      continue;
    }
    for (const text of linesOf(part.value)) {
      rows.push(
        part.removed
          ? { type: 'removed', left: { line: leftLine++, text } }
          : { type: 'added', right: { line: rightLine++, text } },
      );
    }
  }
  return rows;
}

/** Keeps `context` unchanged rows around each change and folds the rest. */
export function collapseUnchanged(
  rows: DiffRow[],
  context = 3,
): Array<DiffRow | CollapsedRows> {
  const keep = rows.map(() => false);
  rows.forEach((row, index) => {
    if (row.type === 'same') return;
    for (
      let k = Math.max(0, index - context);
      k <= Math.min(rows.length - 1, index + context);
      k++
    ) {
      keep[k] = true;
    }
  });
  const result: Array<DiffRow | CollapsedRows> = [];
  let folded = 0;
  rows.forEach((row, index) => {
    if (keep[index]) {
      if (folded) result.push({ type: 'collapsed', count: folded });
      folded = 0;
      result.push(row);
    } else {
      folded++;
    }
  });
  if (folded) result.push({ type: 'collapsed', count: folded });
  return result;
}
