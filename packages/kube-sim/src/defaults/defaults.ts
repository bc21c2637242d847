import { canonicalizeResourceList } from '../machinery/quantity';
import { isPlainObject, JsonObject, KubeObject } from '../machinery/types';
import { defaultPodSpec, defaultPodTemplate } from './podSpec';

/** Cluster-wide values defaulting hands out (service IPs, node ports). */
export interface Allocators {
  allocateClusterIP(): string;
  allocateNodePort(): number;
  defaultStorageClass(): string | undefined;
}

function defaultDeployment(object: KubeObject): void {
  const spec = (object.spec ??= {});
  spec.replicas ??= 1;
  if (!isPlainObject(spec.strategy)) spec.strategy = {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    if (!isPlainObject(spec.strategy.rollingUpdate))
      spec.strategy.rollingUpdate = {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate((spec.template ??= {}));
}

function defaultStatefulSet(object: KubeObject): void {
  const spec = (object.spec ??= {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  if (!isPlainObject(spec.updateStrategy)) spec.updateStrategy = {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    if (!isPlainObject(spec.updateStrategy.rollingUpdate))
      spec.updateStrategy.rollingUpdate = {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  if (!isPlainObject(spec.persistentVolumeClaimRetentionPolicy))
    spec.persistentVolumeClaimRetentionPolicy = {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  for (const claim of spec.volumeClaimTemplates ?? []) {
    if (!isPlainObject(claim)) continue;
    claim.apiVersion ??= 'v1';
    claim.kind ??= 'PersistentVolumeClaim';
    if (!isPlainObject(claim.metadata)) claim.metadata = {};
    if (!('creationTimestamp' in claim.metadata))
      claim.metadata.creationTimestamp = null;
    claim.spec ??= {};
    claim.spec.volumeMode ??= 'Filesystem';
    canonicalizeResourceList(claim.spec.resources?.requests);
    canonicalizeResourceList(claim.spec.resources?.limits);
    claim.status ??= { phase: 'Pending' };
  }
  defaultPodTemplate((spec.template ??= {}));
}

function defaultDaemonSet(object: KubeObject): void {
  const spec = (object.spec ??= {});
  if (!isPlainObject(spec.updateStrategy)) spec.updateStrategy = {};
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    if (!isPlainObject(spec.updateStrategy.rollingUpdate))
      spec.updateStrategy.rollingUpdate = {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate((spec.template ??= {}));
}

function defaultJobSpec(
  spec: JsonObject,
  uid: string | undefined,
  jobName: string | undefined,
): void {
  spec.parallelism ??= 1;
  spec.completions ??= spec.completionMode === 'Indexed' ? spec.parallelism : 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  defaultPodTemplate((spec.template ??= {}));
  if (uid && jobName && !spec.manualSelector) {
    const template = spec.template;
    template.metadata.labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': jobName,
      'controller-uid': uid,
      'job-name': jobName,
      ...(template.metadata.labels ?? {}),
    };
    spec.selector ??= {
      matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
    };
  }
}

function defaultCronJob(object: KubeObject): void {
  const spec = (object.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  if (!isPlainObject(spec.jobTemplate)) spec.jobTemplate = {};
  if (!isPlainObject(spec.jobTemplate.metadata)) spec.jobTemplate.metadata = {};
  if (!('creationTimestamp' in spec.jobTemplate.metadata))
    spec.jobTemplate.metadata.creationTimestamp = null;
  spec.jobTemplate.spec ??= {};
  defaultPodTemplate((spec.jobTemplate.spec.template ??= {}));
}

function defaultService(
  object: KubeObject,
  old: KubeObject | undefined,
  allocators: Allocators,
): void {
  const spec = (object.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  // A real server keeps allocated values an update leaves out.
  if (old?.spec) {
    if (spec.clusterIP === undefined && old.spec.clusterIP !== undefined)
      spec.clusterIP = old.spec.clusterIP;
    if (spec.clusterIPs === undefined && old.spec.clusterIPs !== undefined)
      spec.clusterIPs = old.spec.clusterIPs;
    for (const port of spec.ports ?? []) {
      if (port?.nodePort !== undefined) continue;
      const previous = (old.spec.ports ?? []).find(
        (p: JsonObject) =>
          p.port === port?.port &&
          (p.protocol ?? 'TCP') === (port?.protocol ?? 'TCP'),
      );
      if (previous?.nodePort !== undefined && spec.type !== 'ClusterIP')
        port.nodePort = previous.nodePort;
    }
  }
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      spec.clusterIP = spec.clusterIPs?.[0] ?? allocators.allocateClusterIP();
    }
    if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0)
      spec.clusterIPs = [spec.clusterIP];
    spec.ipFamilies ??= spec.clusterIP === 'None' ? ['IPv4'] : ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  const needsNodePorts =
    spec.type === 'NodePort' ||
    (spec.type === 'LoadBalancer' &&
      spec.allocateLoadBalancerNodePorts !== false);
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
    spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  for (const port of spec.ports ?? []) {
    if (!isPlainObject(port)) continue;
    port.protocol ??= 'TCP';
    if (spec.type !== 'ExternalName' && port.targetPort === undefined)
      port.targetPort = port.port;
    if (needsNodePorts && port.nodePort === undefined)
      port.nodePort = allocators.allocateNodePort();
  }
}

function defaultSecret(object: KubeObject): void {
  object.type ??= 'Opaque';
  if (isPlainObject(object.stringData)) {
    object.data = { ...(object.data ?? {}) };
    for (const [key, value] of Object.entries(object.stringData)) {
      object.data[key] = Buffer.from(String(value), 'utf8').toString('base64');
    }
    delete object.stringData;
  }
}

function defaultNamespace(object: KubeObject): void {
  object.metadata.labels = {
    ...(object.metadata.labels ?? {}),
    'kubernetes.io/metadata.name': object.metadata.name!,
  };
  object.spec ??= {};
  object.spec.finalizers ??= ['kubernetes'];
}

function defaultPersistentVolumeClaim(
  object: KubeObject,
  old: KubeObject | undefined,
  allocators: Allocators,
): void {
  const spec = (object.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  if (spec.storageClassName === undefined) {
    const fromOld = old?.spec?.storageClassName;
    const storageClass =
      fromOld ?? (old ? undefined : allocators.defaultStorageClass());
    if (storageClass !== undefined) spec.storageClassName = storageClass;
  }
  if (old?.spec?.volumeName && spec.volumeName === undefined)
    spec.volumeName = old.spec.volumeName;
  canonicalizeResourceList(spec.resources?.requests);
  canonicalizeResourceList(spec.resources?.limits);
}

function defaultNetworkPolicy(object: KubeObject): void {
  const spec = (object.spec ??= {});
  spec.podSelector ??= {};
  if (!Array.isArray(spec.policyTypes)) {
    spec.policyTypes = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0)
      spec.policyTypes.push('Egress');
  }
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule?.ports ?? []) {
      if (isPlainObject(port)) port.protocol ??= 'TCP';
    }
  }
}

function defaultHorizontalPodAutoscaler(object: KubeObject): void {
  const spec = (object.spec ??= {});
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: 80 },
        },
      },
    ];
  }
}

function defaultBinding(object: KubeObject): void {
  for (const subject of object.subjects ?? []) {
    if (!isPlainObject(subject)) continue;
    if (subject.kind === 'User' || subject.kind === 'Group')
      subject.apiGroup ??= 'rbac.authorization.k8s.io';
  }
}

function defaultCustomResourceDefinition(object: KubeObject): void {
  const spec = (object.spec ??= {});
  spec.conversion ??= { strategy: 'None' };
  const names = (spec.names ??= {});
  if (names.kind) {
    names.singular ??= String(names.kind).toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
}

/**
 * Applies the defaults of a kind. `old` is the stored object on updates (for
 * values an update keeps, such as allocated cluster IPs).
 */
export function applyBuiltinDefaults(
  group: string,
  kind: string,
  object: KubeObject,
  old: KubeObject | undefined,
  allocators: Allocators,
): void {
  switch (`${group}/${kind}`) {
    case 'apps/Deployment':
      defaultDeployment(object);
      break;
    case 'apps/ReplicaSet':
      object.spec ??= {};
      object.spec.replicas ??= 1;
      defaultPodTemplate((object.spec.template ??= {}));
      break;
    case 'apps/StatefulSet':
      defaultStatefulSet(object);
      break;
    case 'apps/DaemonSet':
      defaultDaemonSet(object);
      break;
    case 'batch/Job':
      defaultJobSpec(
        (object.spec ??= {}),
        object.metadata.uid,
        object.metadata.name,
      );
      break;
    case 'batch/CronJob':
      defaultCronJob(object);
      break;
    case '/Pod':
      defaultPodSpec((object.spec ??= {}), true);
      break;
    case '/Service':
      defaultService(object, old, allocators);
      break;
    case '/Secret':
      defaultSecret(object);
      break;
    case '/Namespace':
      defaultNamespace(object);
      break;
    case '/PersistentVolumeClaim':
      defaultPersistentVolumeClaim(object, old, allocators);
      break;
    case '/ResourceQuota':
      canonicalizeResourceList(object.spec?.hard);
      break;
    case '/Endpoints':
      for (const subset of object.subsets ?? []) {
        for (const port of subset?.ports ?? []) {
          if (isPlainObject(port)) port.protocol ??= 'TCP';
        }
      }
      break;
    case 'networking.k8s.io/NetworkPolicy':
      defaultNetworkPolicy(object);
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      defaultHorizontalPodAutoscaler(object);
      break;
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      defaultBinding(object);
      break;
    case 'storage.k8s.io/StorageClass':
      object.reclaimPolicy ??= 'Delete';
      object.volumeBindingMode ??= 'Immediate';
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      defaultCustomResourceDefinition(object);
      break;
    default:
      break;
  }
}

/** The status a create starts from (a real server drops what the client sent). */
export function initialStatus(
  group: string,
  kind: string,
  object: KubeObject,
): JsonObject | undefined {
  switch (`${group}/${kind}`) {
    case '/Pod':
      return { phase: 'Pending', qosClass: qosClass(object) };
    case '/Service':
      return { loadBalancer: {} };
    case '/Namespace':
      return { phase: 'Active' };
    case '/PersistentVolumeClaim':
      return { phase: 'Pending' };
    case 'networking.k8s.io/Ingress':
      return { loadBalancer: {} };
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      return undefined;
    default:
      return {};
  }
}

function qosClass(pod: KubeObject): string {
  const containers: JsonObject[] = pod.spec?.containers ?? [];
  let anyResources = false;
  let guaranteed = containers.length > 0;
  for (const container of containers) {
    const limits = container.resources?.limits ?? {};
    const requests = container.resources?.requests ?? {};
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0)
      anyResources = true;
    for (const resource of ['cpu', 'memory']) {
      if (limits[resource] === undefined) guaranteed = false;
      else if (
        requests[resource] !== undefined &&
        requests[resource] !== limits[resource]
      )
        guaranteed = false;
    }
  }
  if (!anyResources) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
