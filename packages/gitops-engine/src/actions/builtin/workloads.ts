import { getField } from '../../health/objectFields';
import { isLuaTruthy } from '../../health/lua/luaValues';
import type { UnstructuredObject } from '../../health/types';
import type { ResourceAction } from '../types';
import {
  BuiltinAction,
  BuiltinActionRefusal,
  BuiltinKindActions,
  ensureObject,
  requireObject,
  restartTimestamp,
} from './builtinAction';

// The actions Argo CD offers on Deployments, StatefulSets and DaemonSets, with
// the same names, icons and parameters, written for Driftless.

/** The annotation `kubectl rollout restart` sets: a new pod template makes the controller replace every pod. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

const restart: BuiltinAction = (obj, { now }) => {
  const template = requireObject(
    obj,
    ['spec', 'template'],
    'a restart changes the pod template',
  );
  ensureObject(template, ['metadata', 'annotations'])[RESTARTED_AT_ANNOTATION] =
    restartTimestamp(now);
};

const scale: BuiltinAction = (obj, { params }) => {
  const replicas = params.replicas;
  if (replicas === undefined) {
    throw new BuiltinActionRefusal(
      'invalid-parameters',
      'the parameter "replicas" is missing: give the number of replicas, e.g. "3"',
    );
  }
  // Stricter than Argo CD's tonumber(): a replica count is a whole number.
  if (
    !/^\s*\d+\s*$/.test(replicas) ||
    !Number.isSafeInteger(Number(replicas))
  ) {
    throw new BuiltinActionRefusal(
      'invalid-parameters',
      `invalid number: ${replicas}; the parameter "replicas" must be a whole number of 0 or more`,
    );
  }
  requireObject(obj, ['spec'], 'the replica count is spec.replicas').replicas =
    Number(replicas);
};

const RESTART_ACTION: ResourceAction = {
  name: 'restart',
  disabled: false,
  iconClass: 'fa fa-fw fa-redo',
};
const SCALE_ACTION: ResourceAction = {
  name: 'scale',
  disabled: false,
  iconClass: 'fa fa-fw fa-plus-circle',
  params: [{ name: 'replicas' }],
};

export const deploymentActions: BuiltinKindActions = {
  discover: (obj: UnstructuredObject) => {
    const paused = isLuaTruthy(getField(obj, ['spec', 'paused']));
    return [
      { ...RESTART_ACTION },
      {
        name: 'pause',
        disabled: paused,
        iconClass: 'fa fa-fw fa-pause-circle',
      },
      {
        name: 'resume',
        disabled: !paused,
        iconClass: 'fa fa-fw fa-play-circle',
      },
      { ...SCALE_ACTION, params: [{ name: 'replicas' }] },
    ];
  },
  actions: {
    restart,
    pause: obj => {
      requireObject(obj, ['spec'], 'a Deployment needs a spec').paused = true;
    },
    resume: obj => {
      delete requireObject(obj, ['spec'], 'a Deployment needs a spec').paused;
    },
    scale,
  },
};

export const statefulSetActions: BuiltinKindActions = {
  discover: () => [
    { ...RESTART_ACTION },
    { ...SCALE_ACTION, params: [{ name: 'replicas' }] },
  ],
  actions: { restart, scale },
};

export const daemonSetActions: BuiltinKindActions = {
  discover: () => [{ ...RESTART_ACTION }],
  actions: { restart },
};
