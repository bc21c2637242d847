import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { ListApplicationSetsResponse } from '@driftless/backstage-plugin-gitops-common';
import Grid from '@material-ui/core/Grid';
import { useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { useLiveData } from '../../hooks/useLiveData';
import { ApplicationSetsTable } from '../ApplicationSetsTable';
import { ClustersTable } from '../ClustersTable';
import { ControllerStatusCard } from '../ControllerStatusCard';
import { FleetApplicationsCard } from './FleetApplicationsCard';

function ApplicationSetsSection() {
  const gitopsApi = useApi(gitopsApiRef);
  const generated = useRef(new Set<string>());
  const { value, error } = useLiveData<ListApplicationSetsResponse>(
    () => gitopsApi.listApplicationSets(),
    [gitopsApi],
    // Signals name apps; the table shows the status of the generated ones.
    { relevant: signal => generated.current.has(signal.key) },
  );
  generated.current = new Set(
    (value?.items ?? []).flatMap(set =>
      set.status.resources.map(
        resource => `${resource.namespace}/${resource.name}`,
      ),
    ),
  );
  if (error && !value) {
    return <ResponseErrorPanel error={error} title="ApplicationSets" />;
  }
  if (!value) {
    return <Progress />;
  }
  return <ApplicationSetsTable applicationSets={value.items} />;
}

/**
 * The body of the GitOps page, shared by both frontend systems: the fleet
 * of applications, the ApplicationSets, and the controller with its clusters.
 * Each part loads on its own, so one failing leaves the others readable.
 */
export const GitOpsPageContent = () => {
  const gitopsApi = useApi(gitopsApiRef);
  const { value, loading, error } = useAsyncRetry(async () => {
    const [health, clusters] = await Promise.all([
      gitopsApi.getHealth(),
      gitopsApi.listClusters(),
    ]);
    return { health, clusters: clusters.items };
  }, [gitopsApi]);

  let controller;
  if (loading) {
    controller = (
      <Grid item xs={12}>
        <Progress />
      </Grid>
    );
  } else if (error || !value) {
    controller = (
      <Grid item xs={12}>
        <ResponseErrorPanel error={error ?? new Error('No response')} />
      </Grid>
    );
  } else {
    controller = (
      <>
        <Grid item xs={12} lg={6}>
          <ControllerStatusCard health={value.health} />
        </Grid>
        <Grid item xs={12} lg={6}>
          <ClustersTable clusters={value.clusters} />
        </Grid>
      </>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <FleetApplicationsCard clusters={value?.clusters ?? []} />
      </Grid>
      <Grid item xs={12}>
        <ApplicationSetsSection />
      </Grid>
      {controller}
    </Grid>
  );
};
