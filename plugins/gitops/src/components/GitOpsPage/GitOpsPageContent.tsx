import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { ClustersTable } from '../ClustersTable';
import { ControllerStatusCard } from '../ControllerStatusCard';

/** The body of the GitOps page, shared by both frontend systems. */
export const GitOpsPageContent = () => {
  const gitopsApi = useApi(gitopsApiRef);
  const { value, loading, error } = useAsyncRetry(async () => {
    const [health, clusters] = await Promise.all([
      gitopsApi.getHealth(),
      gitopsApi.listClusters(),
    ]);
    return { health, clusters: clusters.items };
  }, [gitopsApi]);

  if (loading) {
    return <Progress />;
  }
  if (error || !value) {
    return <ResponseErrorPanel error={error ?? new Error('No response')} />;
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} lg={6}>
        <ControllerStatusCard health={value.health} />
      </Grid>
      <Grid item xs={12} lg={6}>
        <ClustersTable clusters={value.clusters} />
      </Grid>
    </Grid>
  );
};
