/** Orders strings by UTF-16 code units, as JavaScript's `<` does; stable across locales. */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

/** Orders names by their UTF-8 bytes, as Go's directory walks do. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
