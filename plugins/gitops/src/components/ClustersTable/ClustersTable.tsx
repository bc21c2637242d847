import { Table, type TableColumn } from '@backstage/core-components';
import type { ClusterSummary } from '@driftless/backstage-plugin-gitops-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';

const columns: TableColumn<ClusterSummary>[] = [
  { title: 'Name', field: 'name', highlight: true },
  { title: 'API server', field: 'server' },
  {
    title: 'Labels',
    render: cluster =>
      Object.entries(cluster.labels).map(([key, value]) => (
        <Chip key={key} size="small" label={`${key}=${value}`} />
      )),
  },
  { title: 'Authentication', field: 'authProvider' },
  { title: 'Defined by', field: 'source' },
];

/** The clusters Driftless can deploy to. */
export const ClustersTable = ({ clusters }: { clusters: ClusterSummary[] }) => (
  <Table<ClusterSummary>
    title={`Clusters (${clusters.length})`}
    options={{ paging: false, search: clusters.length > 10, padding: 'dense' }}
    columns={columns}
    data={clusters}
    emptyContent={
      <Typography variant="body2" style={{ padding: 16 }}>
        No clusters are configured. Add them under <code>gitops.clusters</code>{' '}
        in app-config (see <code>app-config.production.yaml</code>).
      </Typography>
    }
  />
);
