import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import type {
  ExternalToolStatus,
  GitOpsHealthResponse,
} from '@driftless/backstage-plugin-gitops-common';
import Typography from '@material-ui/core/Typography';

const toolColumns: TableColumn<ExternalToolStatus>[] = [
  { title: 'Tool', field: 'name' },
  {
    title: 'Status',
    render: tool =>
      tool.version ? (
        <StatusOK>{tool.version}</StatusOK>
      ) : (
        <StatusWarning>{tool.error ?? 'not found'}</StatusWarning>
      ),
  },
  { title: 'Path', field: 'path', emptyValue: '—' },
];

/** The controller's own health: database and the render tools it found. */
export const ControllerStatusCard = ({
  health,
}: {
  health: GitOpsHealthResponse;
}) => (
  <InfoCard title="Controller">
    <Typography variant="body1" component="div" gutterBottom>
      {health.database.status === 'ok' ? (
        <StatusOK>
          Database connected — {health.database.applications ?? 0} Applications
          stored
        </StatusOK>
      ) : (
        <StatusError>Database unavailable: {health.database.error}</StatusError>
      )}
    </Typography>
    <Table<ExternalToolStatus>
      title="Render tools"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={toolColumns}
      data={health.tools}
    />
  </InfoCard>
);
