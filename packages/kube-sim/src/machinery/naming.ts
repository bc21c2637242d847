/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** A small seeded PRNG (mulberry32) so generated names repeat run after run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomSuffix(random: () => number, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++)
    out += ALPHANUMS[Math.floor(random() * ALPHANUMS.length)];
  return out;
}

/** FNV-1a, 32 bit, as the controllers use for pod-template-hash. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Encodes a number with the safe alphabet, as rand.SafeEncodeString does. */
export function safeEncode(value: number): string {
  const digits = String(value);
  let out = '';
  for (const digit of digits)
    out += ALPHANUMS[digit.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

/** A stable hash of a JSON value, spelled like a pod-template-hash (`7bd6dc57d5`). */
export function templateHash(value: unknown, collisionCount = 0): string {
  return safeEncode(
    fnv32a(
      stableStringify(value) + (collisionCount ? String(collisionCount) : ''),
    ),
  );
}

/** JSON with object keys sorted, so equal values hash equally. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter(key => record[key] !== undefined)
      .sort()
      .map(key => `${JSON.stringify(key)}:${stableStringify(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
