/**
 * Raised when a field has a type the Kubernetes schema does not allow, for
 * example a string where an integer belongs. Argo CD's typed conversion fails
 * the same way, and the health of the object becomes Unknown with this message.
 */
export class ObjectConversionError extends Error {
  constructor(typeName: string, path: string, detail: string) {
    super(
      `failed to convert unstructured ${typeName} to typed: ${path}: ${detail}`,
    );
    this.name = 'ObjectConversionError';
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Reads nested fields without a schema; `null` and absent fields both read as undefined. */
export function getField(root: unknown, path: readonly string[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current === null ? undefined : current;
}

/**
 * Reads the fields of one object with the types the Kubernetes schema gives
 * them: a field may be absent, but a present field of the wrong type is an
 * {@link ObjectConversionError}.
 */
export class TypedFieldReader {
  constructor(
    private readonly root: unknown,
    private readonly typeName: string,
    private readonly basePath = '',
  ) {}

  private fail(
    path: readonly string[],
    expected: string,
    value: unknown,
  ): never {
    const fullPath = [this.basePath, ...path].filter(Boolean).join('.');
    throw new ObjectConversionError(
      this.typeName,
      fullPath,
      `expected ${expected}, got ${describeType(value)}`,
    );
  }

  int(...path: string[]): number | undefined {
    const value = getField(this.root, path);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return this.fail(path, 'an integer', value);
    }
    return value;
  }

  string(...path: string[]): string | undefined {
    const value = getField(this.root, path);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return this.fail(path, 'a string', value);
    return value;
  }

  bool(...path: string[]): boolean | undefined {
    const value = getField(this.root, path);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') return this.fail(path, 'a boolean', value);
    return value;
  }

  /** Whether an object field is present (and is an object). */
  has(...path: string[]): boolean {
    const value = getField(this.root, path);
    if (value === undefined) return false;
    if (!isRecord(value)) return this.fail(path, 'an object', value);
    return true;
  }

  /** A list of objects, e.g. `status.conditions`; absent reads as empty. */
  records(...path: string[]): TypedFieldReader[] {
    const value = getField(this.root, path);
    if (value === undefined) return [];
    if (!Array.isArray(value)) return this.fail(path, 'an array', value);
    const listPath = [this.basePath, ...path].filter(Boolean).join('.');
    return value.map((item, index) => {
      if (item !== null && !isRecord(item)) {
        return this.fail(
          [...path.slice(0, -1), `${path[path.length - 1]}[${index}]`],
          'an object',
          item,
        );
      }
      return new TypedFieldReader(
        item ?? {},
        this.typeName,
        `${listPath}[${index}]`,
      );
    });
  }

  /** The length of a list field; absent reads as 0. */
  arrayLength(...path: string[]): number {
    const value = getField(this.root, path);
    if (value === undefined) return 0;
    if (!Array.isArray(value)) return this.fail(path, 'an array', value);
    return value.length;
  }
}
