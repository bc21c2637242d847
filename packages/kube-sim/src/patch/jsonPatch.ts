import { ApiError } from '../machinery/errors';
import { cloneJson, isPlainObject, jsonEqual } from '../machinery/types';

/** RFC 6902 JSON Patch (`application/json-patch+json`). */

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function patchError(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw patchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(
  document: unknown,
  tokens: string[],
  op: string,
): { parent: any; key: string } {
  let node: any = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isPlainObject(node)) node = node[token];
    else node = undefined;
    if (node === undefined || node === null) {
      throw patchError(
        `${op} operation does not apply: doc is missing path: /${tokens.join(
          '/',
        )}`,
      );
    }
  }
  return { parent: node, key: tokens[tokens.length - 1] };
}

function getAt(document: unknown, tokens: string[]): unknown {
  let node: any = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isPlainObject(node)) node = node[token];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

function addAt(document: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, key } = resolveParent(document, tokens, 'add');
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw patchError(
        `add operation does not apply: index out of range: ${key}`,
      );
    }
    parent.splice(index, 0, value);
  } else if (isPlainObject(parent)) {
    parent[key] = value;
  } else {
    throw patchError(
      `add operation does not apply: doc is missing path: /${tokens.join('/')}`,
    );
  }
  return document;
}

function removeAt(document: unknown, tokens: string[], op = 'remove'): unknown {
  const { parent, key } = resolveParent(document, tokens, op);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw patchError(
        `${op} operation does not apply: doc is missing path: /${tokens.join(
          '/',
        )}`,
      );
    }
    return parent.splice(index, 1)[0];
  }
  if (!isPlainObject(parent) || !(key in parent)) {
    throw patchError(
      `${op} operation does not apply: doc is missing path: /${tokens.join(
        '/',
      )}`,
    );
  }
  const removed = parent[key];
  delete parent[key];
  return removed;
}

export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw patchError('json patch must be an array of operations');
  let result = cloneJson(document);
  for (const raw of patch as Operation[]) {
    const tokens = parsePointer(String(raw.path ?? ''));
    switch (raw.op) {
      case 'add':
        result = addAt(result, tokens, cloneJson(raw.value));
        break;
      case 'remove':
        removeAt(result, tokens);
        break;
      case 'replace':
        if (tokens.length === 0) {
          result = cloneJson(raw.value);
        } else {
          removeAt(result, tokens, 'replace');
          result = addAt(result, tokens, cloneJson(raw.value));
        }
        break;
      case 'move': {
        const value = removeAt(
          result,
          parsePointer(String(raw.from ?? '')),
          'move',
        );
        result = addAt(result, tokens, value);
        break;
      }
      case 'copy': {
        const value = getAt(result, parsePointer(String(raw.from ?? '')));
        if (value === undefined)
          throw patchError(
            `copy operation does not apply: doc is missing from path: ${raw.from}`,
          );
        result = addAt(result, tokens, cloneJson(value));
        break;
      }
      case 'test': {
        const value = getAt(result, tokens);
        if (!jsonEqual(value, raw.value)) {
          throw patchError(`testing value ${raw.path} failed: test failed`);
        }
        break;
      }
      default:
        throw patchError(`Unexpected kind: ${raw.op}`);
    }
  }
  return result;
}
