import {
  resourceEventCount,
  resourceEventLastSeen,
  resourceEventSource,
  type GitOpsApplication,
  type ResourceEventView,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { identityOf } from '../../lib/applications';
import { describeResource, type ResourceRow } from '../../lib/resources';
import { errorMessage } from '../common/errorMessage';
import { RelativeTime } from '../status';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  warning: { color: theme.palette.warning.dark, fontWeight: 500 },
  message: { whiteSpace: 'pre-wrap', wordBreak: 'break-word' },
}));

function EventsTable(props: { events: ResourceEventView[] }) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label="Kubernetes events of this resource">
      <TableHead>
        <TableRow>
          <TableCell>Type</TableCell>
          <TableCell>Reason</TableCell>
          <TableCell>Message</TableCell>
          <TableCell align="right">Count</TableCell>
          <TableCell>Last seen</TableCell>
          <TableCell>From</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.events.map(event => (
          <TableRow key={event.metadata.uid ?? event.metadata.name}>
            <TableCell
              className={event.type === 'Warning' ? classes.warning : undefined}
            >
              {event.type ?? '—'}
            </TableCell>
            <TableCell>{event.reason ?? '—'}</TableCell>
            <TableCell className={classes.message}>
              {event.message ?? ''}
            </TableCell>
            <TableCell align="right">{resourceEventCount(event)}</TableCell>
            <TableCell>
              <RelativeTime value={resourceEventLastSeen(event)} />
            </TableCell>
            <TableCell>{resourceEventSource(event) ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * What the cluster reports about the resource (`kubectl describe`'s
 * Events): scheduling, image pulls, restarts, scaling. Read when shown,
 * since Kubernetes keeps events for about an hour.
 */
export function KubernetesEvents(props: {
  app: GitOpsApplication;
  row: ResourceRow;
}) {
  const classes = useStyles();
  const gitopsApi = useApi(gitopsApiRef);
  const { app, row } = props;
  const missing = row.managed && row.health?.status === 'Missing';
  const { value, error, loading } = useAsync(async () => {
    if (missing) return [];
    const { items } = await gitopsApi.getResourceEvents(identityOf(app), {
      group: row.group,
      ...(row.version ? { version: row.version } : {}),
      kind: row.kind,
      ...(row.namespace ? { namespace: row.namespace } : {}),
      name: row.name,
    });
    return items;
  }, [gitopsApi, app.metadata.namespace, app.metadata.name, row.id, missing]);

  let content;
  if (missing) {
    content = (
      <Typography variant="body2">
        {describeResource(row)} does not exist in the cluster yet, so the
        cluster has no events about it.
      </Typography>
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = (
      <Alert severity="warning">
        The Kubernetes events of {describeResource(row)} could not be loaded:{' '}
        {errorMessage(error)}
      </Alert>
    );
  } else if (!value || value.length === 0) {
    content = (
      <Typography variant="body2">
        The cluster reports no events about {describeResource(row)} (it keeps
        them for about an hour).
      </Typography>
    );
  } else {
    content = <EventsTable events={value} />;
  }
  return (
    <Box className={classes.section}>
      <Typography variant="subtitle2" component="h3">
        Kubernetes events
      </Typography>
      {content}
    </Box>
  );
}
