import { StatusCause } from '../machinery/errors';
import { fromLabelSelectorObject, matchesLabels } from '../machinery/selectors';
import {
  isPlainObject,
  JsonObject,
  jsonEqual,
  KubeObject,
} from '../machinery/types';
import { metadataCauses } from '../machinery/validation';

/**
 * The validation rules of a real API server that tests and GitOps syncs are
 * most likely to meet (selectors, required fields, immutable fields). It is
 * not the whole of Kubernetes validation.
 */

function goMap(value: Record<string, unknown> | undefined): string {
  const entries = Object.entries(value ?? {}).map(
    ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
  );
  return `map[string]string{${entries.join(', ')}}`;
}

function required(field: string): StatusCause {
  return { type: 'FieldValueRequired', field, message: 'Required value' };
}

function immutable(field: string, value: unknown): StatusCause {
  return {
    type: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${JSON.stringify(value)}: field is immutable`,
  };
}

function validateContainers(
  spec: JsonObject | undefined,
  prefix: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${prefix}.containers`));
    return causes;
  }
  const names = new Set<string>();
  for (const [list, items] of [
    ['containers', containers],
    ['initContainers', spec?.initContainers ?? []],
  ] as Array<[string, JsonObject[]]>) {
    items.forEach((container, index) => {
      const field = `${prefix}.${list}[${index}]`;
      if (!container?.name) causes.push(required(`${field}.name`));
      else if (names.has(container.name)) {
        causes.push({
          type: 'FieldValueDuplicate',
          field: `${field}.name`,
          message: `Duplicate value: ${JSON.stringify(container.name)}`,
        });
      } else names.add(container.name);
      if (!container?.image) causes.push(required(`${field}.image`));
      (container?.ports ?? []).forEach(
        (port: JsonObject, portIndex: number) => {
          const portNumber = port?.containerPort;
          if (
            !Number.isInteger(portNumber) ||
            portNumber < 1 ||
            portNumber > 65535
          ) {
            causes.push({
              type: 'FieldValueInvalid',
              field: `${field}.ports[${portIndex}].containerPort`,
              message: `Invalid value: ${JSON.stringify(
                portNumber,
              )}: must be between 1 and 65535, inclusive`,
            });
          }
        },
      );
    });
  }
  return causes;
}

function validateWorkload(
  object: KubeObject,
  old: KubeObject | undefined,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = object.spec ?? {};
  const selector = spec.selector;
  if (!isPlainObject(selector)) {
    causes.push(required('spec.selector'));
  } else {
    const requirements = fromLabelSelectorObject(selector) ?? [];
    if (requirements.length === 0) {
      causes.push({
        type: 'FieldValueInvalid',
        field: 'spec.selector',
        message: `Invalid value: ${JSON.stringify(
          selector,
        )}: empty selector is invalid for deployment`,
      });
    } else if (!matchesLabels(requirements, spec.template?.metadata?.labels)) {
      causes.push({
        type: 'FieldValueInvalid',
        field: 'spec.template.metadata.labels',
        message: `Invalid value: ${goMap(
          spec.template?.metadata?.labels,
        )}: \`selector\` does not match template \`labels\``,
      });
    }
  }
  if (old && old.spec?.selector && !jsonEqual(old.spec.selector, selector)) {
    causes.push(immutable('spec.selector', selector));
  }
  causes.push(...validateContainers(spec.template?.spec, 'spec.template.spec'));
  if (
    spec.replicas !== undefined &&
    (!Number.isInteger(spec.replicas) || spec.replicas < 0)
  ) {
    causes.push({
      type: 'FieldValueInvalid',
      field: 'spec.replicas',
      message: `Invalid value: ${spec.replicas}: must be greater than or equal to 0`,
    });
  }
  return causes;
}

function validateJob(
  object: KubeObject,
  old: KubeObject | undefined,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const restartPolicy = object.spec?.template?.spec?.restartPolicy;
  if (restartPolicy !== 'Never' && restartPolicy !== 'OnFailure') {
    causes.push({
      type: 'FieldValueNotSupported',
      field: 'spec.template.spec.restartPolicy',
      message: `Unsupported value: ${JSON.stringify(
        restartPolicy,
      )}: supported values: "OnFailure", "Never"`,
    });
  }
  causes.push(
    ...validateContainers(object.spec?.template?.spec, 'spec.template.spec'),
  );
  if (old) {
    if (!jsonEqual(old.spec?.template, object.spec?.template)) {
      causes.push(immutable('spec.template', object.spec?.template));
    }
    if (!jsonEqual(old.spec?.selector, object.spec?.selector)) {
      causes.push(immutable('spec.selector', object.spec?.selector));
    }
    if (!jsonEqual(old.spec?.completions, object.spec?.completions)) {
      causes.push(immutable('spec.completions', object.spec?.completions));
    }
  }
  return causes;
}

function validateService(
  object: KubeObject,
  old: KubeObject | undefined,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = object.spec ?? {};
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (!types.includes(spec.type)) {
    causes.push({
      type: 'FieldValueNotSupported',
      field: 'spec.type',
      message: `Unsupported value: ${JSON.stringify(
        spec.type,
      )}: supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
    });
  }
  const ports: JsonObject[] = spec.ports ?? [];
  if (
    ports.length === 0 &&
    spec.clusterIP !== 'None' &&
    spec.type !== 'ExternalName'
  ) {
    causes.push(required('spec.ports'));
  }
  ports.forEach((port, index) => {
    if (!Number.isInteger(port?.port) || port.port < 1 || port.port > 65535) {
      causes.push({
        type: 'FieldValueInvalid',
        field: `spec.ports[${index}].port`,
        message: `Invalid value: ${JSON.stringify(
          port?.port,
        )}: must be between 1 and 65535, inclusive`,
      });
    }
    if (ports.length > 1 && !port?.name)
      causes.push(required(`spec.ports[${index}].name`));
  });
  if (
    old?.spec?.clusterIP &&
    old.spec.clusterIP !== spec.clusterIP &&
    spec.type !== 'ExternalName' &&
    old.spec.type !== 'ExternalName'
  ) {
    causes.push({
      type: 'FieldValueInvalid',
      field: 'spec.clusterIPs[0]',
      message: `Invalid value: ${JSON.stringify([
        spec.clusterIP,
      ])}: may not change once set`,
    });
  }
  return causes;
}

function validateDataKeys(
  object: KubeObject,
  old: KubeObject | undefined,
): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const field of ['data', 'binaryData']) {
    for (const key of Object.keys(object[field] ?? {})) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.length > 253) {
        causes.push({
          type: 'FieldValueInvalid',
          field: `${field}[${key}]`,
          message: `Invalid value: ${JSON.stringify(
            key,
          )}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        });
      }
    }
  }
  if (old?.immutable === true) {
    if (
      !jsonEqual(old.data, object.data) ||
      !jsonEqual(old.binaryData, object.binaryData)
    ) {
      causes.push({
        type: 'FieldValueForbidden',
        field: 'data',
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
    if (object.immutable !== true) {
      causes.push({
        type: 'FieldValueForbidden',
        field: 'immutable',
        message: 'Forbidden: field is immutable when `immutable` is set',
      });
    }
  }
  if (object.kind === 'Secret') {
    for (const [key, value] of Object.entries(object.data ?? {})) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
        causes.push({
          type: 'FieldValueInvalid',
          field: `data[${key}]`,
          message:
            'Invalid value: "<secret contents redacted>": illegal base64 data',
        });
      }
    }
    if (old && old.type !== object.type)
      causes.push(immutable('type', object.type));
  }
  return causes;
}

function validatePod(
  object: KubeObject,
  old: KubeObject | undefined,
  internal: boolean,
): StatusCause[] {
  const causes = validateContainers(object.spec, 'spec');
  if (old && !internal) {
    const mutable = (spec: JsonObject | undefined) => {
      const copy = JSON.parse(JSON.stringify(spec ?? {}));
      for (const list of ['containers', 'initContainers']) {
        for (const container of copy[list] ?? []) delete container.image;
      }
      delete copy.activeDeadlineSeconds;
      delete copy.tolerations;
      delete copy.terminationGracePeriodSeconds;
      return copy;
    };
    if (!jsonEqual(mutable(old.spec), mutable(object.spec))) {
      causes.push({
        type: 'FieldValueForbidden',
        field: 'spec',
        message:
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      });
    }
  }
  return causes;
}

function validateCustomResourceDefinition(object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = object.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group) causes.push(required('spec.group'));
  if (!names.plural) causes.push(required('spec.names.plural'));
  if (!names.kind) causes.push(required('spec.names.kind'));
  if (
    spec.group &&
    names.plural &&
    object.metadata.name !== `${names.plural}.${spec.group}`
  ) {
    causes.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(
        object.metadata.name,
      )}: must be spec.names.plural+"."+spec.group`,
    });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      type: 'FieldValueNotSupported',
      field: 'spec.scope',
      message: `Unsupported value: ${JSON.stringify(
        spec.scope,
      )}: supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions: JsonObject[] = spec.versions ?? [];
  if (versions.length === 0) causes.push(required('spec.versions'));
  const storage = versions.filter(version => version.storage === true);
  if (versions.length > 0 && storage.length !== 1) {
    causes.push({
      type: 'FieldValueInvalid',
      field: 'spec.versions',
      message: `Invalid value: ${JSON.stringify(
        versions.map(v => v.name),
      )}: must have exactly one version marked as storage version`,
    });
  }
  return causes;
}

function validateIngress(object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  (object.spec?.rules ?? []).forEach((rule: JsonObject, ruleIndex: number) => {
    (rule?.http?.paths ?? []).forEach((path: JsonObject, pathIndex: number) => {
      const field = `spec.rules[${ruleIndex}].http.paths[${pathIndex}].pathType`;
      if (!path?.pathType) causes.push(required(field));
      else if (
        !['Exact', 'Prefix', 'ImplementationSpecific'].includes(path.pathType)
      ) {
        causes.push({
          type: 'FieldValueNotSupported',
          field,
          message: `Unsupported value: ${JSON.stringify(
            path.pathType,
          )}: supported values: "Exact", "ImplementationSpecific", "Prefix"`,
        });
      }
    });
  });
  return causes;
}

/** Problems with `object` (after defaulting); empty when it may be stored. */
export function validateBuiltinObject(
  group: string,
  kind: string,
  object: KubeObject,
  old: KubeObject | undefined,
  internal: boolean,
): StatusCause[] {
  const causes = metadataCauses(object.metadata);
  switch (`${group}/${kind}`) {
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
      causes.push(...validateWorkload(object, old));
      break;
    case 'batch/Job':
      causes.push(...validateJob(object, old));
      break;
    case 'batch/CronJob':
      if (!object.spec?.schedule) causes.push(required('spec.schedule'));
      causes.push(
        ...validateContainers(
          object.spec?.jobTemplate?.spec?.template?.spec,
          'spec.jobTemplate.spec.template.spec',
        ),
      );
      break;
    case '/Service':
      causes.push(...validateService(object, old));
      break;
    case '/ConfigMap':
    case '/Secret':
      causes.push(...validateDataKeys(object, old));
      break;
    case '/Pod':
      causes.push(...validatePod(object, old, internal));
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      causes.push(...validateCustomResourceDefinition(object));
      break;
    case 'networking.k8s.io/Ingress':
      causes.push(...validateIngress(object));
      break;
    default:
      break;
  }
  return causes;
}
