import { TypedFieldReader } from '../objectFields';
import { UnstructuredObject, HealthStatus } from '../types';
import { healthOf, quote } from './checkSupport';

// Deployment, StatefulSet, DaemonSet and ReplicaSet (apps/v1), with the rules
// and messages of Argo CD's gitops-engine, which follow `kubectl rollout status`.

function findCondition(reader: TypedFieldReader, type: string) {
  return reader
    .records('status', 'conditions')
    .find(c => c.string('type') === type);
}

export function deploymentHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'Deployment');
  if (r.bool('spec', 'paused')) {
    return healthOf('Suspended', 'Deployment is paused');
  }
  const generation = r.int('metadata', 'generation') ?? 0;
  const observedGeneration = r.int('status', 'observedGeneration') ?? 0;
  if (generation > observedGeneration) {
    return healthOf(
      'Progressing',
      'Waiting for rollout to finish: observed deployment generation less than desired generation',
    );
  }
  const desired = r.int('spec', 'replicas');
  const replicas = r.int('status', 'replicas') ?? 0;
  const updated = r.int('status', 'updatedReplicas') ?? 0;
  const available = r.int('status', 'availableReplicas') ?? 0;
  if (
    findCondition(r, 'Progressing')?.string('reason') ===
    'ProgressDeadlineExceeded'
  ) {
    const name = r.string('metadata', 'name') ?? '';
    return healthOf(
      'Degraded',
      `Deployment ${quote(name)} exceeded its progress deadline`,
    );
  }
  if (desired !== undefined && updated < desired) {
    return healthOf(
      'Progressing',
      `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
    );
  }
  if (replicas > updated) {
    return healthOf(
      'Progressing',
      `Waiting for rollout to finish: ${
        replicas - updated
      } old replicas are pending termination...`,
    );
  }
  if (available < updated) {
    return healthOf(
      'Progressing',
      `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    );
  }
  return healthOf('Healthy');
}

export function statefulSetHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'StatefulSet');
  const generation = r.int('metadata', 'generation') ?? 0;
  const observedGeneration = r.int('status', 'observedGeneration') ?? 0;
  if (observedGeneration === 0 || generation > observedGeneration) {
    return healthOf(
      'Progressing',
      'Waiting for statefulset spec update to be observed...',
    );
  }
  const desired = r.int('spec', 'replicas');
  const ready = r.int('status', 'readyReplicas') ?? 0;
  const updated = r.int('status', 'updatedReplicas') ?? 0;
  if (desired !== undefined && ready < desired) {
    return healthOf(
      'Progressing',
      `Waiting for ${desired - ready} pods to be ready...`,
    );
  }
  const strategy = r.string('spec', 'updateStrategy', 'type') ?? '';
  if (
    strategy === 'RollingUpdate' &&
    r.has('spec', 'updateStrategy', 'rollingUpdate')
  ) {
    const partition = r.int(
      'spec',
      'updateStrategy',
      'rollingUpdate',
      'partition',
    );
    if (
      desired !== undefined &&
      partition !== undefined &&
      updated < desired - partition
    ) {
      return healthOf(
        'Progressing',
        `Waiting for partitioned roll out to finish: ${updated} out of ${
          desired - partition
        } new pods have been updated...`,
      );
    }
    return healthOf(
      'Healthy',
      `partitioned roll out complete: ${updated} new pods have been updated...`,
    );
  }
  if (strategy === 'OnDelete') {
    return healthOf('Healthy', `statefulset has ${ready} ready pods`);
  }
  const updateRevision = r.string('status', 'updateRevision') ?? '';
  const currentRevision = r.string('status', 'currentRevision') ?? '';
  if (updateRevision !== currentRevision) {
    return healthOf(
      'Progressing',
      `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    );
  }
  const current = r.int('status', 'currentReplicas') ?? 0;
  return healthOf(
    'Healthy',
    `statefulset rolling update complete ${current} pods at revision ${currentRevision}...`,
  );
}

export function daemonSetHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'DaemonSet');
  const generation = r.int('metadata', 'generation') ?? 0;
  const observedGeneration = r.int('status', 'observedGeneration') ?? 0;
  if (generation > observedGeneration) {
    return healthOf(
      'Progressing',
      'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    );
  }
  const desired = r.int('status', 'desiredNumberScheduled') ?? 0;
  const updated = r.int('status', 'updatedNumberScheduled') ?? 0;
  const available = r.int('status', 'numberAvailable') ?? 0;
  if (r.string('spec', 'updateStrategy', 'type') === 'OnDelete') {
    return healthOf(
      'Healthy',
      `daemon set ${updated} out of ${desired} new pods have been updated`,
    );
  }
  const name = quote(r.string('metadata', 'name') ?? '');
  if (updated < desired) {
    return healthOf(
      'Progressing',
      `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    );
  }
  if (available < desired) {
    return healthOf(
      'Progressing',
      `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...`,
    );
  }
  return healthOf('Healthy');
}

export function replicaSetHealth(obj: UnstructuredObject): HealthStatus {
  const r = new TypedFieldReader(obj, 'ReplicaSet');
  const generation = r.int('metadata', 'generation') ?? 0;
  const observedGeneration = r.int('status', 'observedGeneration') ?? 0;
  if (generation > observedGeneration) {
    return healthOf(
      'Progressing',
      'Waiting for rollout to finish: observed replica set generation less than desired generation',
    );
  }
  const failure = findCondition(r, 'ReplicaFailure');
  if (failure?.string('status') === 'True') {
    return healthOf('Degraded', failure.string('message') ?? '');
  }
  const desired = r.int('spec', 'replicas');
  const available = r.int('status', 'availableReplicas') ?? 0;
  if (desired !== undefined && available < desired) {
    return healthOf(
      'Progressing',
      `Waiting for rollout to finish: ${available} out of ${desired} new replicas are available...`,
    );
  }
  return healthOf('Healthy');
}
