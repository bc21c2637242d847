import {
  associativeList,
  atomicList,
  atomicStruct,
  mapOf,
  MapType,
  OPEN,
  SCALAR,
  setList,
  struct,
  TypeNode,
} from './typeNode';

/**
 * Field shapes of the built-in kinds, from the `+listType`, `+listMapKey`,
 * `+mapType`, `+structType` and `patchStrategy`/`patchMergeKey` markers of the
 * Kubernetes 1.32 API types. Only the parts that differ from "struct with named
 * fields, atomic lists" are spelled out; everything else is {@link OPEN}.
 */

const conditionsByType = associativeList(['type'], OPEN);

export const objectMetaType: MapType = struct({
  labels: mapOf(),
  annotations: mapOf(),
  finalizers: setList('merge'),
  ownerReferences: associativeList(['uid'], OPEN),
  managedFields: atomicList(),
});

const labelSelectorType = atomicStruct();

const resourceRequirementsType = struct({
  limits: mapOf(),
  requests: mapOf(),
  claims: associativeList(['name'], OPEN),
});

const containerType = struct(
  {
    ports: associativeList(['containerPort', 'protocol'], OPEN, {
      keyDefaults: { protocol: 'TCP' },
      patchMergeKey: 'containerPort',
      patchStrategy: 'merge',
    }),
    env: associativeList(['name'], OPEN),
    volumeMounts: associativeList(['mountPath'], OPEN),
    volumeDevices: associativeList(['devicePath'], OPEN),
    resizePolicy: atomicList(),
    resources: resourceRequirementsType,
    command: atomicList(SCALAR),
    args: atomicList(SCALAR),
    envFrom: atomicList(),
  },
  { alwaysPresent: ['resources'] },
);

export const podSpecType = struct({
  volumes: associativeList(['name'], struct({}, { retainKeys: true })),
  initContainers: associativeList(['name'], containerType),
  containers: associativeList(['name'], containerType),
  ephemeralContainers: associativeList(['name'], containerType),
  imagePullSecrets: associativeList(['name'], OPEN),
  hostAliases: associativeList(['ip'], OPEN),
  topologySpreadConstraints: associativeList(
    ['topologyKey', 'whenUnsatisfiable'],
    OPEN,
    { patchMergeKey: 'topologyKey', patchStrategy: 'merge' },
  ),
  resourceClaims: associativeList(['name'], OPEN),
  schedulingGates: associativeList(['name'], OPEN),
  nodeSelector: mapOf(),
  tolerations: atomicList(),
  readinessGates: atomicList(),
  overhead: mapOf(),
});

export const podTemplateSpecType = struct(
  { metadata: objectMetaType, spec: podSpecType },
  { alwaysPresent: ['metadata', 'spec'] },
);

const podStatusType = struct({
  conditions: associativeList(['type'], OPEN),
  podIPs: associativeList(['ip'], OPEN),
  hostIPs: atomicList(),
  containerStatuses: atomicList(),
  initContainerStatuses: atomicList(),
  ephemeralContainerStatuses: atomicList(),
  resourceClaimStatuses: associativeList(['name'], OPEN),
});

/** A top-level object: metadata, plus the kind's own fields. */
function topLevel(
  fields: Record<string, TypeNode>,
  alwaysPresent: string[] = [],
): MapType {
  return struct(
    { metadata: objectMetaType, ...fields },
    { alwaysPresent: ['metadata', ...alwaysPresent] },
  );
}

const workloadStatus = struct({ conditions: conditionsByType });

const deploymentType = topLevel(
  {
    spec: struct(
      {
        selector: labelSelectorType,
        template: podTemplateSpecType,
        strategy: struct({}, { retainKeys: true }),
      },
      { alwaysPresent: ['template', 'strategy'] },
    ),
    status: workloadStatus,
  },
  ['spec', 'status'],
);

const replicaSetType = topLevel(
  {
    spec: struct(
      { selector: labelSelectorType, template: podTemplateSpecType },
      { alwaysPresent: ['template'] },
    ),
    status: workloadStatus,
  },
  ['spec', 'status'],
);

const statefulSetType = topLevel(
  {
    spec: struct(
      {
        selector: labelSelectorType,
        template: podTemplateSpecType,
        volumeClaimTemplates: atomicList(),
        updateStrategy: struct({}, { retainKeys: true }),
      },
      { alwaysPresent: ['template', 'updateStrategy'] },
    ),
    status: workloadStatus,
  },
  ['spec', 'status'],
);

const daemonSetType = topLevel(
  {
    spec: struct(
      {
        selector: labelSelectorType,
        template: podTemplateSpecType,
        updateStrategy: struct({}, { retainKeys: true }),
      },
      { alwaysPresent: ['template', 'updateStrategy'] },
    ),
    status: workloadStatus,
  },
  ['spec', 'status'],
);

const jobSpecType = struct(
  {
    selector: labelSelectorType,
    template: podTemplateSpecType,
    podFailurePolicy: struct({ rules: atomicList() }),
  },
  { alwaysPresent: ['template'] },
);

const jobType = topLevel(
  {
    spec: jobSpecType,
    status: struct({ conditions: atomicList() }),
  },
  ['spec', 'status'],
);

const cronJobType = topLevel(
  {
    spec: struct(
      {
        jobTemplate: struct(
          { metadata: objectMetaType, spec: jobSpecType },
          { alwaysPresent: ['metadata', 'spec'] },
        ),
      },
      { alwaysPresent: ['jobTemplate'] },
    ),
    status: struct({ active: atomicList() }),
  },
  ['spec', 'status'],
);

const podType = topLevel({ spec: podSpecType, status: podStatusType }, [
  'spec',
  'status',
]);

const serviceType = topLevel(
  {
    spec: struct({
      ports: associativeList(['port', 'protocol'], OPEN, {
        keyDefaults: { protocol: 'TCP' },
        patchMergeKey: 'port',
        patchStrategy: 'merge',
      }),
      selector: mapOf(SCALAR, true),
      clusterIPs: atomicList(SCALAR),
      externalIPs: atomicList(SCALAR),
      ipFamilies: atomicList(SCALAR),
      loadBalancerSourceRanges: atomicList(SCALAR),
    }),
    status: struct(
      {
        loadBalancer: struct({ ingress: atomicList() }),
        conditions: conditionsByType,
      },
      { alwaysPresent: ['loadBalancer'] },
    ),
  },
  ['spec', 'status'],
);

const namespaceType = topLevel(
  {
    spec: struct({ finalizers: atomicList(SCALAR) }),
    status: struct({ conditions: conditionsByType }),
  },
  ['spec', 'status'],
);

const persistentVolumeClaimType = topLevel(
  {
    spec: struct({
      accessModes: atomicList(SCALAR),
      selector: labelSelectorType,
      resources: struct({ limits: mapOf(), requests: mapOf() }),
    }),
    status: struct({
      accessModes: atomicList(SCALAR),
      capacity: mapOf(),
      conditions: conditionsByType,
    }),
  },
  ['spec', 'status'],
);

const nodeType = topLevel(
  {
    spec: struct({ taints: atomicList(), podCIDRs: setList('merge') }),
    status: struct({
      conditions: conditionsByType,
      addresses: associativeList(['type'], OPEN),
      capacity: mapOf(),
      allocatable: mapOf(),
    }),
  },
  ['spec', 'status'],
);

const ingressType = topLevel(
  {
    spec: struct({ rules: atomicList(), tls: atomicList() }),
    status: struct(
      { loadBalancer: struct({ ingress: atomicList() }) },
      { alwaysPresent: ['loadBalancer'] },
    ),
  },
  ['spec', 'status'],
);

const networkPolicyType = topLevel(
  {
    spec: struct({
      podSelector: labelSelectorType,
      ingress: atomicList(),
      egress: atomicList(),
      policyTypes: atomicList(SCALAR),
    }),
  },
  ['spec'],
);

const roleType = topLevel({ rules: atomicList() });
const clusterRoleType = topLevel({
  rules: atomicList(),
  aggregationRule: struct({ clusterRoleSelectors: atomicList() }),
});
const roleBindingType = topLevel({
  subjects: atomicList(),
  roleRef: atomicStruct(),
});

const hpaType = topLevel(
  {
    spec: struct({ metrics: atomicList() }),
    status: struct({
      conditions: conditionsByType,
      currentMetrics: atomicList(),
    }),
  },
  ['spec', 'status'],
);

const pdbType = topLevel(
  {
    spec: struct({ selector: labelSelectorType }),
    status: struct({
      conditions: conditionsByType,
      disruptedPods: mapOf(),
    }),
  },
  ['spec', 'status'],
);

const resourceQuotaType = topLevel(
  {
    spec: struct({ hard: mapOf(), scopes: atomicList(SCALAR) }),
    status: struct({ hard: mapOf(), used: mapOf() }),
  },
  ['spec', 'status'],
);

const limitRangeType = topLevel({ spec: struct({ limits: atomicList() }) }, [
  'spec',
]);

const endpointsType = topLevel({ subsets: atomicList() });

const dataObjectType = topLevel({
  data: mapOf(),
  binaryData: mapOf(),
  stringData: mapOf(),
});

const serviceAccountType = topLevel({
  secrets: associativeList(['name'], OPEN),
  imagePullSecrets: atomicList(),
});

const eventType = topLevel({});

const crdType = topLevel(
  {
    spec: struct({
      versions: atomicList(),
      names: struct({
        shortNames: atomicList(SCALAR),
        categories: atomicList(SCALAR),
      }),
    }),
    status: struct({
      conditions: conditionsByType,
      storedVersions: atomicList(SCALAR),
    }),
  },
  ['spec', 'status'],
);

const storageClassType = topLevel({
  parameters: mapOf(),
  mountOptions: atomicList(SCALAR),
  allowedTopologies: atomicList(),
});

const controllerRevisionType = topLevel({ data: OPEN });

/** Schema per built-in kind (by `group/Kind`). */
export const BUILTIN_SCHEMAS: Record<string, MapType> = {
  '/Namespace': namespaceType,
  '/ConfigMap': dataObjectType,
  '/Secret': dataObjectType,
  '/ServiceAccount': serviceAccountType,
  '/Service': serviceType,
  '/Endpoints': endpointsType,
  '/Pod': podType,
  '/PersistentVolumeClaim': persistentVolumeClaimType,
  '/PersistentVolume': topLevel(
    {
      spec: struct({ accessModes: atomicList(SCALAR), capacity: mapOf() }),
      status: struct({}),
    },
    ['spec', 'status'],
  ),
  '/Node': nodeType,
  '/Event': eventType,
  '/ResourceQuota': resourceQuotaType,
  '/LimitRange': limitRangeType,
  'apps/Deployment': deploymentType,
  'apps/ReplicaSet': replicaSetType,
  'apps/StatefulSet': statefulSetType,
  'apps/DaemonSet': daemonSetType,
  'apps/ControllerRevision': controllerRevisionType,
  'batch/Job': jobType,
  'batch/CronJob': cronJobType,
  'networking.k8s.io/Ingress': ingressType,
  'networking.k8s.io/IngressClass': topLevel({ spec: struct({}) }, ['spec']),
  'networking.k8s.io/NetworkPolicy': networkPolicyType,
  'rbac.authorization.k8s.io/Role': roleType,
  'rbac.authorization.k8s.io/ClusterRole': clusterRoleType,
  'rbac.authorization.k8s.io/RoleBinding': roleBindingType,
  'rbac.authorization.k8s.io/ClusterRoleBinding': roleBindingType,
  'autoscaling/HorizontalPodAutoscaler': hpaType,
  'policy/PodDisruptionBudget': pdbType,
  'apiextensions.k8s.io/CustomResourceDefinition': crdType,
  'storage.k8s.io/StorageClass': storageClassType,
};
