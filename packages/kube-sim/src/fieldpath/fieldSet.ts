import { JsonObject } from '../machinery/types';

/**
 * A set of field paths, as `metadata.managedFields[].fieldsV1` encodes them.
 * Path elements are kept in their FieldsV1 spelling: `f:<field>`,
 * `k:{"name":"x"}` (associative list item), `v:"x"` (set item), `i:<index>`.
 * A node is a member when the path leading to it is itself in the set (`.`).
 */
export class FieldSet {
  member = false;
  children: Map<string, FieldSet> | undefined;

  static fromFieldsV1(fields: JsonObject | undefined): FieldSet {
    const set = new FieldSet();
    if (fields) set.readFieldsV1(fields);
    return set;
  }

  private readFieldsV1(fields: JsonObject): void {
    for (const key of Object.keys(fields)) {
      if (key === '.') {
        this.member = true;
        continue;
      }
      const child = this.child(key);
      const value = fields[key];
      const hasEntries =
        value && typeof value === 'object' && Object.keys(value).length > 0;
      if (hasEntries) {
        child.readFieldsV1(value);
      } else {
        child.member = true;
      }
    }
  }

  /** FieldsV1 JSON; keys sorted as the API server writes them. */
  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    if (this.member && this.children && this.children.size > 0) out['.'] = {};
    if (this.children) {
      const keys = [...this.children.keys()].sort(compareElements);
      for (const key of keys) {
        const child = this.children.get(key)!;
        out[key] = child.toFieldsV1();
      }
    }
    return out;
  }

  child(key: string): FieldSet {
    if (!this.children) this.children = new Map();
    let node = this.children.get(key);
    if (!node) {
      node = new FieldSet();
      this.children.set(key, node);
    }
    return node;
  }

  get(key: string): FieldSet | undefined {
    return this.children?.get(key);
  }

  insert(path: readonly string[]): void {
    const [first, ...rest] = path;
    if (first === undefined) {
      this.member = true;
      return;
    }
    this.child(first).insert(rest);
  }

  has(path: readonly string[]): boolean {
    return this.at(path)?.member ?? false;
  }

  /** The subtree under `path` (not a copy); undefined when nothing is there. */
  at(path: readonly string[]): FieldSet | undefined {
    if (path.length === 0) return this;
    return this.children?.get(path[0])?.at(path.slice(1));
  }

  isEmpty(): boolean {
    if (this.member) return false;
    if (!this.children) return true;
    for (const child of this.children.values()) {
      if (!child.isEmpty()) return false;
    }
    return true;
  }

  clone(): FieldSet {
    const copy = new FieldSet();
    copy.member = this.member;
    if (this.children) {
      copy.children = new Map();
      for (const [key, child] of this.children) {
        copy.children.set(key, child.clone());
      }
    }
    return copy;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    out.addAll(other);
    return out;
  }

  /** Adds every path of `other` to this set, in place. */
  addAll(other: FieldSet): void {
    if (other.member) this.member = true;
    if (!other.children) return;
    for (const [key, child] of other.children) {
      this.child(key).addAll(child);
    }
  }

  difference(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !(other?.member ?? false);
    if (this.children) {
      for (const [key, child] of this.children) {
        const otherChild = other?.children?.get(key);
        const rest = otherChild ? child.difference(otherChild) : child.clone();
        if (!rest.isEmpty()) {
          if (!out.children) out.children = new Map();
          out.children.set(key, rest);
        }
      }
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    if (this.children && other.children) {
      for (const [key, child] of this.children) {
        const otherChild = other.children.get(key);
        if (!otherChild) continue;
        const both = child.intersection(otherChild);
        if (!both.isEmpty()) {
          if (!out.children) out.children = new Map();
          out.children.set(key, both);
        }
      }
    }
    return out;
  }

  /** Calls `visit` with every member path, parents before children. */
  forEachPath(visit: (path: string[]) => void, prefix: string[] = []): void {
    if (this.member && prefix.length > 0) visit(prefix);
    if (!this.children) return;
    const keys = [...this.children.keys()].sort(compareElements);
    for (const key of keys) {
      this.children.get(key)!.forEachPath(visit, [...prefix, key]);
    }
  }

  /**
   * A copy in which every field (`f:`) that has members below it is a member
   * itself, as structured-merge-diff's EnsureNamedFieldsAreMembers makes them
   * before pruning: owning a leaf keeps the fields that lead to it.
   */
  withFieldsAsMembers(): FieldSet {
    const copy = new FieldSet();
    copy.member = this.member;
    if (this.children) {
      copy.children = new Map();
      for (const [key, child] of this.children) {
        const next = child.withFieldsAsMembers();
        if (key.startsWith('f:') && next.children && next.children.size > 0)
          next.member = true;
        copy.children.set(key, next);
      }
    }
    return copy;
  }

  /** Drops subtrees that hold no member, in place. */
  compact(): this {
    if (this.children) {
      for (const [key, child] of this.children) {
        child.compact();
        if (child.isEmpty()) this.children.delete(key);
      }
      if (this.children.size === 0) this.children = undefined;
    }
    return this;
  }

  /** Removes the subtree at `path`, in place. */
  remove(path: readonly string[]): void {
    if (path.length === 0) {
      this.member = false;
      this.children = undefined;
      return;
    }
    const parent = this.at(path.slice(0, -1));
    parent?.children?.delete(path[path.length - 1]);
  }
}

/**
 * Orders path elements as structured-merge-diff serialises them: by element
 * kind (field, value, key, index), then by content.
 */
function compareElements(a: string, b: string): number {
  const rank = (element: string) => 'fvki'.indexOf(element[0]);
  const byKind = rank(a) - rank(b);
  if (byKind !== 0) return byKind;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export const fieldElement = (name: string): string => `f:${name}`;

/** `k:{"containerPort":80,"protocol":"TCP"}`: key fields sorted by name. */
export function keyElement(fields: Record<string, unknown>): string {
  const names = Object.keys(fields).sort();
  const parts = names.map(
    name => `${JSON.stringify(name)}:${JSON.stringify(fields[name])}`,
  );
  return `k:{${parts.join(',')}}`;
}

export const valueElement = (value: unknown): string =>
  `v:${JSON.stringify(value)}`;

/** Renders a path the way apply conflicts name fields: `.spec.containers[name="app"].image`. */
export function formatPath(path: readonly string[]): string {
  let out = '';
  for (const element of path) {
    const body = element.slice(2);
    switch (element[0]) {
      case 'f':
        out += `.${body}`;
        break;
      case 'k': {
        const fields = JSON.parse(body) as Record<string, unknown>;
        out += `[${Object.keys(fields)
          .map(name => `${name}=${JSON.stringify(fields[name])}`)
          .join(',')}]`;
        break;
      }
      case 'v':
        out += `[=${body}]`;
        break;
      default:
        out += `[${body}]`;
    }
  }
  return out;
}
