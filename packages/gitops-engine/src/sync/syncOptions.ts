import { SYNC_OPTIONS_ANNOTATION } from '../diff/ApplicationComparator';
import type { KubernetesObject } from '../render/types';

function optionName(option: string): string {
  const equals = option.indexOf('=');
  return (equals < 0 ? option : option.slice(0, equals)).trim();
}

/**
 * A list of `Name=value` sync options (Argo CD's `SyncOptions`): an option is
 * present only as written (`Replace=true`), values are read by name.
 */
export class SyncOptions {
  readonly items: readonly string[];

  constructor(items: readonly string[] = []) {
    this.items = items.map(item => item.trim()).filter(Boolean);
  }

  /** The options in an object's `argocd.argoproj.io/sync-options` annotation (comma-separated). */
  static ofObject(object: KubernetesObject | undefined): SyncOptions {
    const value = object?.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION];
    return new SyncOptions(typeof value === 'string' ? value.split(',') : []);
  }

  has(option: string): boolean {
    return this.items.includes(option);
  }

  /** The value of the last option with this name (`Prune` → `false`), undefined when absent. */
  value(name: string): string | undefined {
    let found: string | undefined;
    for (const item of this.items) {
      if (optionName(item) === name) {
        const equals = item.indexOf('=');
        found = equals < 0 ? '' : item.slice(equals + 1).trim();
      }
    }
    return found;
  }
}

/**
 * The options a sync runs with: the Application's `syncPolicy.syncOptions`,
 * with the operation's options laid over them name by name (an operation's
 * `Prune=true` replaces the app's `Prune=false`, other app options stay).
 * Argo CD copies the app's options into the operation when a sync is asked
 * without options; merging keeps that and lets a request change one option.
 */
export function mergeSyncOptions(
  applicationOptions: readonly string[] = [],
  operationOptions: readonly string[] = [],
): string[] {
  const overridden = new Set(operationOptions.map(optionName));
  return [
    ...applicationOptions.filter(option => !overridden.has(optionName(option))),
    ...operationOptions,
  ]
    .map(option => option.trim())
    .filter(Boolean);
}
