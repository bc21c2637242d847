import type { ManagedResource } from '@driftless/backstage-plugin-gitops-common';

/*
 * Defence in depth for `managed-resources`: the controller masks Secret
 * values before returning manifests, and this layer checks that it did. A
 * Secret state holding a value that is not a mask is masked here, its `diff`
 * (a patch that may quote the values) dropped, and the caller told so it can
 * log the controller bug. Values never reach a log or an error.
 */

const MASK = /^\++$/;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const STATE_FIELDS = [
  'targetState',
  'liveState',
  'predictedLiveState',
  'normalizedLiveState',
] as const;

function isSecret(resource: ManagedResource): boolean {
  return (resource.group ?? '') === '' && resource.kind === 'Secret';
}

/** Masks values as Argo CD does: equal values get equal masks, so a diff still shows which keys changed. */
class Masker {
  private readonly masks = new Map<string, string>();

  mask(value: unknown): string {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    let mask = this.masks.get(text);
    if (!mask) {
      mask = '+'.repeat(8 + this.masks.size);
      this.masks.set(text, mask);
    }
    return mask;
  }
}

/** Masks one Secret object in place; returns whether anything was in clear. */
function maskSecretObject(
  object: Record<string, unknown>,
  masker: Masker,
): boolean {
  let unmasked = false;
  for (const field of ['data', 'stringData']) {
    const values = object[field];
    if (values && typeof values === 'object' && !Array.isArray(values)) {
      for (const [key, value] of Object.entries(values)) {
        if (typeof value !== 'string' || !MASK.test(value)) {
          (values as Record<string, unknown>)[key] = masker.mask(value);
          unmasked = true;
        }
      }
    }
  }
  const metadata = object.metadata as
    | { annotations?: Record<string, unknown> }
    | undefined;
  const lastApplied = metadata?.annotations?.[LAST_APPLIED];
  // kubectl's copy of the applied object carries the Secret's values.
  if (typeof lastApplied === 'string' && !MASK.test(lastApplied)) {
    metadata!.annotations![LAST_APPLIED] = masker.mask(lastApplied);
    unmasked = true;
  }
  return unmasked;
}

export interface MaskedManagedResources {
  items: ManagedResource[];
  /** `namespace/name` of Secrets whose values the controller had left in clear. */
  unmaskedSecrets: string[];
}

export function ensureSecretValuesMasked(
  resources: ManagedResource[],
): MaskedManagedResources {
  const unmaskedSecrets: string[] = [];
  const items = resources.map(resource => {
    if (!isSecret(resource)) {
      return resource;
    }
    const masker = new Masker();
    const checked: ManagedResource = { ...resource };
    let unmasked = false;
    for (const field of STATE_FIELDS) {
      const state = resource[field];
      if (state === undefined || state === '' || state === 'null') {
        continue;
      }
      let object: unknown;
      try {
        object = JSON.parse(state);
      } catch {
        // Not JSON: nothing can tell what it holds, so it does not leave.
        delete checked[field];
        unmasked = true;
        continue;
      }
      if (object && typeof object === 'object' && !Array.isArray(object)) {
        if (maskSecretObject(object as Record<string, unknown>, masker)) {
          checked[field] = JSON.stringify(object);
          unmasked = true;
        }
      }
    }
    if (unmasked) {
      delete checked.diff;
      unmaskedSecrets.push(`${resource.namespace ?? ''}/${resource.name}`);
    }
    return checked;
  });
  return { items, unmaskedSecrets };
}
