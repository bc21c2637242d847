import {
  describeWhereManaged,
  toManagementView,
  writableApplicationDocument,
} from './applicationView';

describe('toManagementView', () => {
  it.each([
    ['api', { origin: 'api', editable: true }],
    ['config:0', { origin: 'config:0', editable: false }],
    [
      'applicationset:argocd/shops',
      {
        origin: 'applicationset:argocd/shops',
        editable: false,
        owner: { kind: 'ApplicationSet', namespace: 'argocd', name: 'shops' },
      },
    ],
    [
      'app:argocd/root',
      {
        origin: 'app:argocd/root',
        editable: false,
        owner: { kind: 'Application', namespace: 'argocd', name: 'root' },
      },
    ],
  ])('reads origin %s', (origin, view) => {
    expect(toManagementView(origin)).toEqual(view);
  });

  it('names an origin it does not know as it is', () => {
    expect(describeWhereManaged('scaffolder')).toBe("'scaffolder'");
    expect(describeWhereManaged('config')).toBe(
      'the Git path in app-config gitops.applications; change its manifest in that repository',
    );
  });
});

describe('writableApplicationDocument', () => {
  it('keeps what a client writes and drops what the server sets', () => {
    expect(
      writableApplicationDocument({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: 'web',
          labels: { a: 'b' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
          generation: 3,
          creationTimestamp: '2026-01-01T00:00:00Z',
          resourceVersion: '12',
          uid: 'u',
          managedFields: [],
        },
        spec: { project: 'default' },
        status: { sync: { status: 'Synced' } },
        operation: { sync: {} },
        driftless: { origin: 'api', editable: true },
      }),
    ).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'web',
        labels: { a: 'b' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: { project: 'default' },
    });
  });

  it('leaves what is not an object for validation to refuse', () => {
    expect(writableApplicationDocument('text')).toBe('text');
    expect(writableApplicationDocument([1])).toEqual([1]);
  });
});
