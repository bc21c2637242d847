import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import type {
  ApplicationEventView,
  GitOpsApplication,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert, ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
import { useMemo, useState, type ReactNode } from 'react';
import {
  clusterOf,
  identityOf,
  lastSyncTime,
  primarySource,
  syncedRevision,
  targetRevisionOf,
} from '../../lib/applications';
import {
  managedResourceFor,
  resourceRows,
  type ResourceRow,
} from '../../lib/resources';
import { ResourceDetailsDrawer } from '../resources/ResourceDetailsDrawer';
import { ResourcesTable } from '../resources/ResourcesTable';
import { ResourcesTree } from '../resources/ResourcesTree';
import {
  HealthStatus,
  OperationStatus,
  RelativeTime,
  RevisionLink,
  SyncStatus,
} from '../status';
import { ConditionsBanner } from './ConditionsBanner';
import { HistoryTable } from './HistoryTable';
import { useApplicationDetails } from './useApplicationDetails';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(3),
    marginBottom: theme.spacing(2),
  },
  fact: { display: 'flex', flexDirection: 'column', gap: 2 },
  label: { color: theme.palette.text.secondary, fontSize: 12 },
}));

function Fact(props: { label: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <span className={classes.fact}>
      <span className={classes.label}>{props.label}</span>
      <span>{props.children}</span>
    </span>
  );
}

function ApplicationFacts(props: { app: GitOpsApplication }) {
  const classes = useStyles();
  const { app } = props;
  const operation = app.status.operationState;
  return (
    <Box className={classes.facts}>
      <Fact label="Sync">
        <SyncStatus status={app.status.sync.status} />
      </Fact>
      <Fact label="Health">
        <HealthStatus
          status={app.status.health.status}
          detail={app.status.health.message}
        />
      </Fact>
      <Fact label="Revision">
        <RevisionLink
          repoURL={primarySource(app)?.repoURL}
          revision={syncedRevision(app)}
        />
      </Fact>
      <Fact label="Target">{targetRevisionOf(app)}</Fact>
      <Fact label="Destination">
        {clusterOf(app)}
        {app.spec.destination.namespace
          ? ` / ${app.spec.destination.namespace}`
          : ''}
      </Fact>
      <Fact label="Last sync">
        <RelativeTime value={lastSyncTime(app)} fallback="never" />
      </Fact>
      {operation && (
        <Fact label="Operation">
          <OperationStatus phase={operation.phase} detail={operation.message} />
        </Fact>
      )}
    </Box>
  );
}

function EventsTable(props: { events: ApplicationEventView[] }) {
  if (props.events.length === 0) {
    return <Typography variant="body2">No events recorded.</Typography>;
  }
  return (
    <Table size="small" aria-label="Application events">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Reason</TableCell>
          <TableCell>Message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.events.map(event => (
          <TableRow key={event.metadata.name}>
            <TableCell>
              <RelativeTime value={event.lastTimestamp} />
            </TableCell>
            <TableCell>{event.type}</TableCell>
            <TableCell>{event.reason}</TableCell>
            <TableCell>{event.message}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

type ResourceViewMode = 'tree' | 'table';

/**
 * One application on the entity's GitOps tab: its problems first, then its
 * status, its resources (as a tree or a filterable table, each opening a
 * details drawer), its sync history and its events. Updates live.
 */
export function ApplicationDetailsView(props: { app: GitOpsApplication }) {
  const identity = identityOf(props.app);
  const { value, error, loading } = useApplicationDetails(identity);
  const [mode, setMode] = useState<ResourceViewMode>('tree');
  const [openId, setOpenId] = useState<string>();
  const rows = useMemo(
    () => (value ? resourceRows(value.app, value.tree) : []),
    [value],
  );

  if (loading) return <Progress />;
  if (!value) {
    return <ResponseErrorPanel error={error ?? new Error('No response')} />;
  }
  const { app } = value;
  const open: ResourceRow | undefined = rows.find(row => row.id === openId);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ConditionsBanner app={app} />
        {error && (
          <Alert severity="warning">
            Showing the last known state: loading it again failed (
            {error.message}).
          </Alert>
        )}
        <ApplicationFacts app={app} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Resources"
          action={
            <ToggleButtonGroup
              exclusive
              size="small"
              value={mode}
              onChange={(_event, next: ResourceViewMode | null) =>
                next && setMode(next)
              }
              aria-label="Show resources as"
            >
              <ToggleButton value="tree" aria-label="Tree">
                Tree
              </ToggleButton>
              <ToggleButton value="table" aria-label="Table">
                Table
              </ToggleButton>
            </ToggleButtonGroup>
          }
        >
          {value.treeError && (
            <Alert severity="warning">
              The live resource tree could not be loaded ({value.treeError}).
              Showing the resources of the last comparison, without what they
              own in the cluster.
            </Alert>
          )}
          {rows.length === 0 && (
            <Typography variant="body2">
              The application has no resources: its source renders none, or it
              has not been compared yet.
            </Typography>
          )}
          {rows.length > 0 && mode === 'tree' && (
            <ResourcesTree
              app={app}
              rows={rows}
              onOpen={row => setOpenId(row.id)}
            />
          )}
          {rows.length > 0 && mode === 'table' && (
            <ResourcesTable rows={rows} onOpen={row => setOpenId(row.id)} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={7}>
        <InfoCard title="Sync history">
          <HistoryTable app={app} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={5}>
        <InfoCard title="Events">
          {value.eventsError && (
            <Alert severity="warning">
              Events could not be loaded ({value.eventsError}).
            </Alert>
          )}
          <EventsTable events={value.events} />
        </InfoCard>
      </Grid>
      {open && (
        <ResourceDetailsDrawer
          key={open.id}
          app={app}
          row={open}
          managed={managedResourceFor(open, value.managed)}
          managedError={value.managedError}
          events={value.events}
          onClose={() => setOpenId(undefined)}
        />
      )}
    </Grid>
  );
}
