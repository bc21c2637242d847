import { mergeSyncOptions, SyncOptions } from './syncOptions';

describe('SyncOptions', () => {
  it('has an option only as written, and reads values by name', () => {
    const options = new SyncOptions([
      ' Replace=true ',
      'Prune=confirm',
      'PrunePropagationPolicy=orphan',
    ]);
    expect(options.has('Replace=true')).toBe(true);
    expect(options.has('Replace=false')).toBe(false);
    expect(options.value('Prune')).toBe('confirm');
    expect(options.value('PrunePropagationPolicy')).toBe('orphan');
    expect(options.value('Validate')).toBeUndefined();
  });

  it("reads an object's comma-separated sync-options annotation", () => {
    const options = SyncOptions.ofObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'a',
        annotations: {
          'argocd.argoproj.io/sync-options': 'Prune=false, Delete=false',
        },
      },
    });
    expect(options.items).toEqual(['Prune=false', 'Delete=false']);
    expect(SyncOptions.ofObject(undefined).items).toEqual([]);
  });
});

describe('mergeSyncOptions', () => {
  it("lays the operation's options over the application's, name by name", () => {
    expect(
      mergeSyncOptions(
        ['CreateNamespace=true', 'Prune=false', 'Validate=false'],
        ['Prune=true', 'Replace=true'],
      ),
    ).toEqual([
      'CreateNamespace=true',
      'Validate=false',
      'Prune=true',
      'Replace=true',
    ]);
    expect(mergeSyncOptions(undefined, ['ApplyOutOfSyncOnly=true'])).toEqual([
      'ApplyOutOfSyncOnly=true',
    ]);
    expect(mergeSyncOptions(['PruneLast=true'])).toEqual(['PruneLast=true']);
  });
});
