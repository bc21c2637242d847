import { BUILTIN_SCHEMAS } from '../schema/builtinSchemas';
import { NameRule } from '../machinery/validation';
import {
  ALL_VERBS,
  ResourceType,
  storageKeyOf,
  TableColumn,
} from './resourceType';

interface BuiltinSpec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  generation?: boolean;
  nameRule?: NameRule;
  verbs?: string[];
  columns?: TableColumn[];
  allowCreateOnUpdate?: boolean;
  eventTable?: boolean;
}

const podReady = (pod: any): string => {
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers?.length ?? statuses.length;
  return `${statuses.filter(status => status.ready).length}/${total}`;
};

const podStatusReason = (pod: any): string => {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting?.reason;
    if (waiting && waiting !== 'ContainerCreating') return waiting;
    const terminated = status.state?.terminated?.reason;
    if (
      terminated &&
      pod.status?.phase !== 'Succeeded' &&
      pod.status?.phase !== 'Failed'
    )
      return terminated;
  }
  if (pod.status?.phase === 'Succeeded') return 'Completed';
  if (pod.status?.phase === 'Failed') return 'Error';
  if (pod.status?.phase === 'Pending' && pod.spec?.nodeName)
    return 'ContainerCreating';
  return pod.status?.phase ?? 'Pending';
};

const restarts = (pod: any): number =>
  (pod.status?.containerStatuses ?? []).reduce(
    (sum: number, status: any) => sum + (status.restartCount ?? 0),
    0,
  );

const BUILTINS: BuiltinSpec[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    status: true,
    nameRule: 'dns1123-label',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    columns: [{ name: 'Status', type: 'string', value: 'status.phase' }],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    columns: [
      {
        name: 'Data',
        type: 'integer',
        value: (o: any) =>
          Object.keys(o.data ?? {}).length +
          Object.keys(o.binaryData ?? {}).length,
      },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'secrets',
    kind: 'Secret',
    namespaced: true,
    columns: [
      { name: 'Type', type: 'string', value: 'type' },
      {
        name: 'Data',
        type: 'integer',
        value: (o: any) => Object.keys(o.data ?? {}).length,
      },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    status: true,
    nameRule: 'dns1035-label',
    columns: [
      { name: 'Type', type: 'string', value: 'spec.type' },
      { name: 'Cluster-IP', type: 'string', value: 'spec.clusterIP' },
      {
        name: 'External-IP',
        type: 'string',
        value: (o: any) =>
          (o.status?.loadBalancer?.ingress ?? [])
            .map((i: any) => i.ip ?? i.hostname)
            .join(',') ||
          (o.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>'),
      },
      {
        name: 'Port(s)',
        type: 'string',
        value: (o: any) =>
          (o.spec?.ports ?? [])
            .map(
              (p: any) =>
                `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${
                  p.protocol ?? 'TCP'
                }`,
            )
            .join(',') || '<none>',
      },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
    allowCreateOnUpdate: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    status: true,
    columns: [
      { name: 'Ready', type: 'string', value: podReady },
      { name: 'Status', type: 'string', value: podStatusReason },
      { name: 'Restarts', type: 'integer', value: restarts },
      { name: 'IP', type: 'string', priority: 1, value: 'status.podIP' },
      { name: 'Node', type: 'string', priority: 1, value: 'spec.nodeName' },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    status: true,
    columns: [
      { name: 'Status', type: 'string', value: 'status.phase' },
      { name: 'Volume', type: 'string', value: 'spec.volumeName' },
      { name: 'Capacity', type: 'string', value: 'status.capacity.storage' },
      { name: 'StorageClass', type: 'string', value: 'spec.storageClassName' },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    status: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    status: true,
    columns: [
      {
        name: 'Status',
        type: 'string',
        value: (o: any) =>
          (o.status?.conditions ?? []).find((c: any) => c.type === 'Ready')
            ?.status === 'True'
            ? 'Ready'
            : 'NotReady',
      },
      {
        name: 'Version',
        type: 'string',
        value: 'status.nodeInfo.kubeletVersion',
      },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    nameRule: 'path-segment',
    eventTable: true,
    columns: [
      { name: 'Type', type: 'string', value: 'type' },
      { name: 'Reason', type: 'string', value: 'reason' },
      {
        name: 'Object',
        type: 'string',
        value: (o: any) =>
          `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${
            o.involvedObject?.name ?? ''
          }`,
      },
      { name: 'Message', type: 'string', value: 'message' },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    status: true,
  },
  {
    group: '',
    version: 'v1',
    resource: 'limitranges',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    allowCreateOnUpdate: true,
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Ready',
        type: 'string',
        value: (o: any) =>
          `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      },
      {
        name: 'Up-to-date',
        type: 'integer',
        value: (o: any) => o.status?.updatedReplicas ?? 0,
      },
      {
        name: 'Available',
        type: 'integer',
        value: (o: any) => o.status?.availableReplicas ?? 0,
      },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Desired',
        type: 'integer',
        value: (o: any) => o.spec?.replicas ?? 0,
      },
      {
        name: 'Current',
        type: 'integer',
        value: (o: any) => o.status?.replicas ?? 0,
      },
      {
        name: 'Ready',
        type: 'integer',
        value: (o: any) => o.status?.readyReplicas ?? 0,
      },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Ready',
        type: 'string',
        value: (o: any) =>
          `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Desired',
        type: 'integer',
        value: (o: any) => o.status?.desiredNumberScheduled ?? 0,
      },
      {
        name: 'Ready',
        type: 'integer',
        value: (o: any) => o.status?.numberReady ?? 0,
      },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'controllerrevisions',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    kind: 'Job',
    namespaced: true,
    categories: ['all'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Status',
        type: 'string',
        value: (o: any) => {
          const conditions: any[] = o.status?.conditions ?? [];
          if (
            conditions.some(c => c.type === 'Complete' && c.status === 'True')
          )
            return 'Complete';
          if (conditions.some(c => c.type === 'Failed' && c.status === 'True'))
            return 'Failed';
          return 'Running';
        },
      },
      {
        name: 'Completions',
        type: 'string',
        value: (o: any) =>
          `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`,
      },
    ],
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    status: true,
    generation: true,
    columns: [
      { name: 'Schedule', type: 'string', value: 'spec.schedule' },
      {
        name: 'Suspend',
        type: 'boolean',
        value: (o: any) => o.spec?.suspend ?? false,
      },
    ],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Class',
        type: 'string',
        value: (o: any) => o.spec?.ingressClassName ?? '<none>',
      },
      {
        name: 'Hosts',
        type: 'string',
        value: (o: any) =>
          (o.spec?.rules ?? []).map((r: any) => r.host ?? '*').join(',') || '*',
      },
      {
        name: 'Address',
        type: 'string',
        value: (o: any) =>
          (o.status?.loadBalancer?.ingress ?? [])
            .map((i: any) => i.ip ?? i.hostname)
            .join(','),
      },
    ],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingressclasses',
    kind: 'IngressClass',
    namespaced: false,
    generation: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    generation: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'roles',
    kind: 'Role',
    namespaced: true,
    nameRule: 'path-segment',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
    nameRule: 'path-segment',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
    nameRule: 'path-segment',
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
    nameRule: 'path-segment',
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    status: true,
  },
  {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
    generation: true,
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    status: true,
    generation: true,
    columns: [
      {
        name: 'Created At',
        type: 'string',
        value: 'metadata.creationTimestamp',
      },
    ],
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
  },
];

export function builtinResourceTypes(): ResourceType[] {
  return BUILTINS.map(spec => {
    const schema = BUILTIN_SCHEMAS[`${spec.group}/${spec.kind}`];
    if (!schema)
      throw new Error(
        `kube-sim: no schema for built-in kind ${spec.group}/${spec.kind}`,
      );
    return {
      group: spec.group,
      version: spec.version,
      resource: spec.resource,
      singular: spec.kind.toLowerCase(),
      kind: spec.kind,
      listKind: `${spec.kind}List`,
      namespaced: spec.namespaced,
      shortNames: spec.shortNames ?? [],
      categories: spec.categories ?? [],
      verbs: spec.verbs ?? ALL_VERBS,
      hasStatusSubresource: spec.status ?? false,
      tracksGeneration: spec.generation ?? false,
      strategicMerge: true,
      nameRule: spec.nameRule ?? 'dns1123-subdomain',
      schema,
      custom: false,
      storageKey: storageKeyOf(spec.group, spec.resource),
      columns: spec.columns,
      allowCreateOnUpdate: spec.allowCreateOnUpdate,
      eventTable: spec.eventTable,
      allowUnconditionalUpdate: true,
    };
  });
}
