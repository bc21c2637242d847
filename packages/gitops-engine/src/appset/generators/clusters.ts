import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER } from '../../cluster/types';
import { matchesLabelSelector } from '../../labels';
import type { Params } from '../params';
import { sanitizeName } from '../names';
import { goStringMap } from '../template/go/values';
import type { ClusterGenerator } from '../types';
import type { ClusterGeneratorCluster, ParamsGenerator } from './context';
import { GeneratorError } from './errors';
import { selectorRequirements } from './selector';
import { appendValues } from './values';

/**
 * The clusters generator over the clusters the caller supplies: `name`,
 * `nameNormalized`, `server`, `project`, labels and annotations
 * (`metadata.labels.<k>` flat, `metadata: {labels, annotations}` nested),
 * `values`. The local cluster (`in-cluster`, https://kubernetes.default.svc)
 * is added last, only when the selector is empty and no supplied cluster has
 * that server (or that name). `flatList` gives one set `{clusters: [...]}`.
 */
export const clustersParams: ParamsGenerator<ClusterGenerator> = async (
  spec,
  run,
) => {
  const supplied = run.context.clusters;
  if (supplied === undefined) {
    throw new GeneratorError(
      run.path,
      'no cluster list was supplied to the clusters generator',
    );
  }
  const all = typeof supplied === 'function' ? await supplied() : supplied;
  const selector = spec.selector ?? {};
  const hasSelector =
    Object.keys(selector.matchLabels ?? {}).length > 0 ||
    (selector.matchExpressions ?? []).length > 0;
  const requirements = selectorRequirements(selector, run.path);
  // One entry per cluster name, as Argo CD keys its cluster secrets by name.
  const byName = new Map<string, ClusterGeneratorCluster>();
  for (const cluster of all) {
    byName.set(cluster.name, cluster);
  }
  const selected = [...byName.values()].filter(cluster =>
    matchesLabelSelector(requirements, cluster.labels ?? {}),
  );
  const result: Params[] = [];
  for (const cluster of selected) {
    const params: Params = {
      name: cluster.name,
      nameNormalized: sanitizeName(cluster.name),
      server: cluster.server,
      project: cluster.project ?? '',
    };
    const labels = cluster.labels ?? {};
    const annotations = cluster.annotations ?? {};
    if (run.mode.goTemplate) {
      const metadata: Params = {};
      if (Object.keys(annotations).length > 0)
        metadata.annotations = goStringMap({ ...annotations });
      if (Object.keys(labels).length > 0)
        metadata.labels = goStringMap({ ...labels });
      params.metadata = metadata;
    } else {
      for (const [key, value] of Object.entries(annotations))
        params[`metadata.annotations.${key}`] = value;
      for (const [key, value] of Object.entries(labels))
        params[`metadata.labels.${key}`] = value;
    }
    result.push(appendValues(spec.values, params, run.mode));
  }
  const hasLocal = selected.some(
    cluster =>
      cluster.server === IN_CLUSTER_SERVER || cluster.name === IN_CLUSTER_NAME,
  );
  if (!hasSelector && !hasLocal) {
    result.push(
      appendValues(
        spec.values,
        {
          name: IN_CLUSTER_NAME,
          nameNormalized: IN_CLUSTER_NAME,
          server: IN_CLUSTER_SERVER,
          project: '',
        },
        run.mode,
      ),
    );
  }
  return spec.flatList ? [{ clusters: result }] : result;
};
