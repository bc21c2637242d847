import type {
  ApplicationEventView,
  GitOpsApplication,
  ManagedResource,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import { RiCloseLine } from '@remixicon/react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { identityOf, primarySource } from '../../lib/applications';
import { manifestYaml, resourceManifests } from '../../lib/manifests';
import {
  describeResource,
  resourceEvents,
  type ResourceRow,
} from '../../lib/resources';
import {
  HealthStatus,
  RelativeTime,
  RevisionLink,
  SyncStatus,
} from '../status';
import { DiffView } from './DiffView';
import { KubernetesEvents } from './KubernetesEvents';
import { ManifestView } from './ManifestView';

const useStyles = makeStyles(theme => ({
  paper: { width: 'min(1100px, 95vw)', padding: theme.spacing(2) },
  facts: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(3),
  },
  section: { marginTop: theme.spacing(2) },
}));

export type ResourceDetailsTab = 'diff' | 'live' | 'desired' | 'events';

function ownerName(parentId: string | undefined): string {
  // Ids are `group/kind/namespace/name`.
  const [, kind, , name] = parentId?.split('/') ?? [];
  return kind && name ? `${kind} ${name}` : 'another resource';
}

/**
 * The live manifest of a resource the cluster made (a ReplicaSet, a Pod):
 * managed-resources only holds the ones Git defines, so it is read on
 * demand from the app's resource route.
 */
function LiveChildManifest(props: {
  app: GitOpsApplication;
  row: ResourceRow;
}) {
  const gitopsApi = useApi(gitopsApiRef);
  const { app, row } = props;
  const { value, error, loading } = useAsync(async () => {
    if (!row.version) {
      throw new Error(
        `the resource tree gives no API version for ${describeResource(row)}`,
      );
    }
    const live = await gitopsApi.getLiveResource(identityOf(app), {
      group: row.group,
      version: row.version,
      kind: row.kind,
      ...(row.namespace ? { namespace: row.namespace } : {}),
      name: row.name,
    });
    return manifestYaml(JSON.stringify(live));
  }, [gitopsApi, app.metadata.namespace, app.metadata.name, row.id]);
  if (loading) return <Progress />;
  if (error) {
    return (
      <Alert severity="warning">
        The live manifest of {describeResource(row)} could not be loaded:{' '}
        {error.message}
      </Alert>
    );
  }
  return (
    <ManifestView
      yaml={value ?? ''}
      missing={`${describeResource(row)} no longer exists in the cluster.`}
    />
  );
}

function EventsTab(props: {
  app: GitOpsApplication;
  row: ResourceRow;
  events: ApplicationEventView[];
}) {
  const classes = useStyles();
  const { app, row } = props;
  const { lastOperation, deployments, mentions } = resourceEvents(
    app,
    row,
    props.events,
  );
  const operation = app.status.operationState;
  const repoURL = primarySource(app)?.repoURL;
  if (
    lastOperation.length === 0 &&
    deployments.length === 0 &&
    mentions.length === 0
  ) {
    return (
      <Typography variant="body2" className={classes.section}>
        No sync, deployment or application event names {describeResource(row)}.
      </Typography>
    );
  }
  return (
    <>
      {operation && lastOperation.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="subtitle2" component="h3">
            Last operation ({operation.phase}, started{' '}
            <RelativeTime value={operation.startedAt} />)
          </Typography>
          <Table size="small" aria-label="Results in the last operation">
            <TableHead>
              <TableRow>
                <TableCell>Phase</TableCell>
                <TableCell>Result</TableCell>
                <TableCell>Message</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {lastOperation.map((result, index) => (
                <TableRow key={index}>
                  <TableCell>{result.syncPhase ?? '—'}</TableCell>
                  <TableCell>
                    {result.hookPhase ?? result.status ?? '—'}
                  </TableCell>
                  <TableCell>{result.message ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
      {deployments.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="subtitle2" component="h3">
            Deployments that applied it
          </Typography>
          <Table size="small" aria-label="Deployments of this resource">
            <TableHead>
              <TableRow>
                <TableCell>Deployed</TableCell>
                <TableCell>Revision</TableCell>
                <TableCell>Result</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {deployments.map(({ entry, status }) => (
                <TableRow key={entry.id}>
                  <TableCell>
                    <RelativeTime value={entry.deployedAt} />
                  </TableCell>
                  <TableCell>
                    <RevisionLink
                      repoURL={entry.source?.repoURL ?? repoURL}
                      revision={entry.revision ?? entry.revisions?.[0]}
                    />
                  </TableCell>
                  <TableCell>{status ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
      {mentions.length > 0 && (
        <Box className={classes.section}>
          <Typography variant="subtitle2" component="h3">
            Application events naming it
          </Typography>
          <Table size="small" aria-label="Events about this resource">
            <TableHead>
              <TableRow>
                <TableCell>When</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Reason</TableCell>
                <TableCell>Message</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {mentions.map(event => (
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
        </Box>
      )}
    </>
  );
}

/**
 * One resource: its diff (the live object as compared against what it would
 * become once applied), its live and desired manifests, and what happened to
 * it. Secret values arrive masked from the backend and are masked again
 * here, so the drawer never shows one.
 */
export function ResourceDetailsDrawer(props: {
  app: GitOpsApplication;
  row: ResourceRow;
  managed?: ManagedResource;
  /** Why the managed resources could not be loaded, when they could not. */
  managedError?: string;
  events: ApplicationEventView[];
  initialTab?: ResourceDetailsTab;
  onClose: () => void;
}) {
  const classes = useStyles();
  const { app, row, managed, managedError, events, onClose } = props;
  const [tab, setTab] = useState<ResourceDetailsTab>(
    props.initialTab ?? (row.managed ? 'diff' : 'events'),
  );
  const manifests = useMemo(() => resourceManifests(managed), [managed]);
  const isSecret = row.kind === 'Secret' && row.group === '';
  const title = describeResource(row);
  const noComparison =
    managedError ??
    'The GitOps backend has no comparison for this resource yet: refresh the application.';
  let desiredMissing = 'Git does not define this resource.';
  if (row.managed) {
    desiredMissing = managed
      ? 'Git no longer defines this resource; a sync with prune deletes it.'
      : noComparison;
  }

  return (
    <Drawer
      anchor="right"
      open
      onClose={onClose}
      classes={{ paper: classes.paper }}
      PaperProps={{ role: 'dialog', 'aria-label': title }}
    >
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="h5" component="h2">
          {title}
        </Typography>
        <IconButton aria-label="Close" onClick={onClose}>
          <RiCloseLine />
        </IconButton>
      </Box>
      <Box className={classes.facts} my={1}>
        {row.syncStatus && <SyncStatus status={row.syncStatus} />}
        {row.health && (
          <HealthStatus
            status={row.health.status}
            detail={row.health.message}
          />
        )}
        {row.syncWave !== undefined && <span>Sync wave {row.syncWave}</span>}
        {row.hook && <span>Hook</span>}
        {row.requiresPruning && (
          <span title="Git no longer defines it; a sync with prune deletes it">
            Requires pruning
          </span>
        )}
        {!row.managed && <span>Made by {ownerName(row.parentId)}</span>}
        {row.createdAt && (
          <span>
            Created <RelativeTime value={row.createdAt} />
          </span>
        )}
        {row.info.map(fact => (
          <span key={fact.name}>
            {fact.name}: {fact.value}
          </span>
        ))}
        {row.images.length > 0 && <span>Images: {row.images.join(', ')}</span>}
      </Box>
      {row.message && <Alert severity="info">{row.message}</Alert>}
      {isSecret && (
        <Alert severity="info">
          Secret values are masked: each value shows as a run of + signs, the
          same run for the same value, so a changed value shows as a changed
          run. The portal never receives or shows the values.
        </Alert>
      )}
      <Tabs
        value={tab}
        onChange={(_e, value) => setTab(value)}
        indicatorColor="primary"
        aria-label="Resource details"
      >
        <Tab value="diff" label="Diff" />
        <Tab value="live" label="Live manifest" />
        <Tab value="desired" label="Desired manifest" />
        <Tab value="events" label="Events" />
      </Tabs>
      <Box mt={2}>
        {tab === 'diff' &&
          (row.managed && managed ? (
            <DiffView
              left={manifests.liveCompared}
              right={manifests.predicted}
              leftTitle="Live (as compared)"
              rightTitle="Desired (as the cluster would store it)"
            />
          ) : (
            <Typography variant="body2">
              {row.managed
                ? noComparison
                : `${title} is made by ${ownerName(
                    row.parentId,
                  )} in the cluster, not defined in Git, so there is nothing to compare.`}
            </Typography>
          ))}
        {tab === 'live' &&
          (row.managed ? (
            <ManifestView
              yaml={manifests.live}
              missing={
                managed
                  ? 'The resource does not exist in the cluster yet: a sync creates it.'
                  : noComparison
              }
            />
          ) : (
            <LiveChildManifest app={app} row={row} />
          ))}
        {tab === 'desired' && (
          <ManifestView yaml={manifests.desired} missing={desiredMissing} />
        )}
        {tab === 'events' && (
          <>
            <KubernetesEvents app={app} row={row} />
            <EventsTab app={app} row={row} events={events} />
          </>
        )}
      </Box>
    </Drawer>
  );
}
