import { analysisRunActions, rolloutActions } from './argoRollouts';
import type { BuiltinKindActions } from './builtinAction';
import {
  daemonSetActions,
  deploymentActions,
  statefulSetActions,
} from './workloads';

export { BuiltinActionRefusal } from './builtinAction';
export type { BuiltinActionContext, BuiltinKindActions } from './builtinAction';
export { RESTARTED_AT_ANNOTATION } from './workloads';

/** The actions Driftless ships, by `argocd-cm` key (`group/Kind`): those of Argo CD's `resource_customizations` for these kinds. */
const BUILTIN_ACTIONS: ReadonlyMap<string, BuiltinKindActions> = new Map([
  ['argoproj.io/Rollout', rolloutActions],
  ['argoproj.io/AnalysisRun', analysisRunActions],
  ['apps/Deployment', deploymentActions],
  ['apps/StatefulSet', statefulSetActions],
  ['apps/DaemonSet', daemonSetActions],
]);

/** The built-in actions of a kind (group '' for the core group), if it has any. */
export function findBuiltinActions(
  group: string,
  kind: string,
): BuiltinKindActions | undefined {
  return BUILTIN_ACTIONS.get(group ? `${group}/${kind}` : kind);
}
