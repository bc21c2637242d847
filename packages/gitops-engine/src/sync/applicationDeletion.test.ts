import type { KubernetesObject } from '../render/types';
import { application } from './__testUtils__/application';
import { planApplicationDeletion } from './applicationDeletion';

function live(
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  extra: Partial<KubernetesObject['metadata']> = {},
): KubernetesObject {
  return {
    apiVersion:
      kind === 'CustomResourceDefinition' ? 'apiextensions.k8s.io/v1' : 'v1',
    kind,
    metadata: { name, namespace: 'shop', annotations, ...extra },
  };
}

const names = (objects: KubernetesObject[]) =>
  objects.map(o => o.metadata.name);

describe('planApplicationDeletion', () => {
  const app = application('shop');

  it('deletes the highest wave first, and keeps CRDs, Delete=false and Helm keep', () => {
    const step = planApplicationDeletion(app, [
      live('ConfigMap', 'first', { 'argocd.argoproj.io/sync-wave': '-1' }),
      live('ConfigMap', 'last-a', { 'argocd.argoproj.io/sync-wave': '2' }),
      live('Secret', 'last-b', { 'argocd.argoproj.io/sync-wave': '2' }),
      live('ConfigMap', 'middle'),
      live('PersistentVolumeClaim', 'data', {
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'argocd.argoproj.io/sync-wave': '9',
      }),
      live('ConfigMap', 'helm-kept', { 'helm.sh/resource-policy': 'keep' }),
      live('CustomResourceDefinition', 'widgets.example.com'),
    ]);
    expect(names(step.deleteNow)).toEqual(['last-a', 'last-b']);
    expect(step.propagationPolicy).toBe('Foreground');
    expect(step.kept.map(k => [k.object.metadata.name, k.reason])).toEqual([
      ['data', 'Delete=false'],
      ['helm-kept', 'helm.sh/resource-policy: keep'],
      [
        'widgets.example.com',
        'CustomResourceDefinitions are never deleted with an application',
      ],
    ]);
    expect(step.done).toBe(false);
  });

  it('waits while objects are still being deleted, and is done when only kept ones are left', () => {
    const going = live(
      'ConfigMap',
      'going',
      {},
      { deletionTimestamp: '2026-05-01T10:00:00Z' },
    );
    expect(
      planApplicationDeletion(app, [going, live('ConfigMap', 'next')]),
    ).toMatchObject({
      deleteNow: [],
      waitingFor: { reason: 'deletion', objects: [going] },
      done: false,
    });
    const kept = planApplicationDeletion(
      application('shop', { syncPolicy: { syncOptions: ['Delete=false'] } }),
      [live('ConfigMap', 'a')],
    );
    expect(kept).toMatchObject({ deleteNow: [], done: true });
    expect(kept.kept).toHaveLength(1);
    expect(planApplicationDeletion(app, [])).toMatchObject({ done: true });
  });

  it('waits for approval of Delete=confirm objects, and deletes in the background when the finalizer says so', () => {
    const objects = [
      live('Namespace', 'shop', {
        'argocd.argoproj.io/sync-options': 'Delete=confirm',
      }),
    ];
    expect(
      planApplicationDeletion(app, objects, {
        deletionRequestedAt: '2026-05-01T10:00:00Z',
      }).waitingFor,
    ).toEqual({ reason: 'approval', objects });
    const approved = application(
      'shop',
      {},
      {
        annotations: {
          'argocd.argoproj.io/deletion-approved': '2026-05-01T10:05:00Z',
        },
        finalizers: ['resources-finalizer.argocd.argoproj.io/background'],
      },
    );
    expect(
      planApplicationDeletion(approved, objects, {
        deletionRequestedAt: '2026-05-01T10:00:00Z',
      }),
    ).toMatchObject({ deleteNow: objects, propagationPolicy: 'Background' });
  });
});
