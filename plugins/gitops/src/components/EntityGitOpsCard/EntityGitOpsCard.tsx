import {
  CodeSnippet,
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  ARGOCD_PROJECT_NAME_ANNOTATION,
  DRIFTLESS_APP_NAME_ANNOTATION,
  DRIFTLESS_APP_SELECTOR_ANNOTATION,
  getEntityApplicationLinks,
  type EntityApplicationLinks,
  type GitOpsApplication,
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
import { useEntityApplications } from '../../hooks/useEntityApplications';
import {
  applicationKey,
  groupByEnvironmentAndCluster,
  isOperationRunning,
  lastSyncTime,
  operationProgress,
  primarySource,
  syncedRevision,
  targetRevisionOf,
} from '../../lib/applications';
import { ApplicationActions } from '../ApplicationActions';
import { ApplicationDetailsLink } from '../common/ApplicationDetailsLink';
import { errorMessage } from '../common/errorMessage';
import {
  HealthStatus,
  OperationStatus,
  RelativeTime,
  RevisionLink,
  SyncStatus,
} from '../status';

const COLUMNS = [
  'Application',
  'Sync',
  'Health',
  'Revision',
  'Target',
  'Last sync',
  'Operation',
  'Actions',
];

const useStyles = makeStyles(theme => ({
  group: {
    background: theme.palette.background.default,
    fontWeight: 600,
  },
  // On a narrow overview column the table scrolls sideways instead of
  // breaking names and SHAs into one letter per line.
  scroll: { overflowX: 'auto' },
  table: {
    '& td, & th': { paddingTop: 6, paddingBottom: 6, whiteSpace: 'nowrap' },
  },
  detail: {
    color: theme.palette.text.secondary,
    display: 'block',
    maxWidth: 280,
    whiteSpace: 'normal',
  },
}));

/** Where the operation is (`Sync phase · wave 2`), or its result once it failed. */
function OperationCell(props: { app: GitOpsApplication }) {
  const classes = useStyles();
  const progress = operationProgress(props.app);
  const running = isOperationRunning(props.app);
  if (!progress || (!running && progress.phase === 'Succeeded')) {
    return <span aria-label="No operation running">—</span>;
  }
  const where = [
    progress.syncPhase ? `${progress.syncPhase} phase` : undefined,
    progress.wave !== undefined ? `wave ${progress.wave}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Box>
      <OperationStatus phase={progress.phase} />
      {running && where && (
        <Typography variant="caption" className={classes.detail}>
          {where}
        </Typography>
      )}
      {progress.message && (
        <Typography variant="caption" className={classes.detail}>
          {progress.message}
        </Typography>
      )}
    </Box>
  );
}

function ApplicationRow(props: {
  app: GitOpsApplication;
  onChanged: () => void;
}) {
  const { app, onChanged } = props;
  const source = primarySource(app);
  const conditions = app.status.conditions ?? [];
  const running = isOperationRunning(app);
  return (
    <TableRow data-testid={`gitops-app-${app.metadata.name}`}>
      <TableCell>
        <Typography variant="body2" component="span">
          <ApplicationDetailsLink appKey={applicationKey(app.metadata)}>
            {app.metadata.name}
          </ApplicationDetailsLink>
        </Typography>
        {conditions.length > 0 && (
          <Typography variant="caption" color="error" component="div">
            {conditions[0].type}: {conditions[0].message}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <SyncStatus status={app.status.sync.status} />
      </TableCell>
      <TableCell>
        <HealthStatus
          status={app.status.health.status}
          detail={app.status.health.message}
        />
      </TableCell>
      <TableCell>
        <RevisionLink
          repoURL={source?.repoURL}
          revision={syncedRevision(app)}
        />
      </TableCell>
      <TableCell>
        <code>{targetRevisionOf(app)}</code>
      </TableCell>
      <TableCell>
        {running && lastSyncTime(app) ? 'started ' : ''}
        <RelativeTime value={lastSyncTime(app)} fallback="never" />
      </TableCell>
      <TableCell>
        <OperationCell app={app} />
      </TableCell>
      <TableCell align="right">
        <ApplicationActions app={app} onChanged={onChanged} />
      </TableCell>
    </TableRow>
  );
}

/** No GitOps annotation: which one to add, with an example using the entity's name. */
function MissingAnnotation(props: { entityName: string }) {
  const example = `metadata:
  annotations:
    ${ARGOCD_APP_NAME_ANNOTATION}: ${props.entityName}`;
  return (
    <EmptyState
      missing="field"
      title="No GitOps Applications linked"
      description={
        <>
          Add the <code>{ARGOCD_APP_NAME_ANNOTATION}</code> annotation with the
          names of this entity's Applications (comma-separated), or{' '}
          <code>{ARGOCD_APP_SELECTOR_ANNOTATION}</code> with a label selector
          such as <code>app.kubernetes.io/part-of={props.entityName}</code>.
          Driftless also reads <code>{DRIFTLESS_APP_NAME_ANNOTATION}</code> and{' '}
          <code>{DRIFTLESS_APP_SELECTOR_ANNOTATION}</code>.
        </>
      }
      action={<CodeSnippet text={example} language="yaml" />}
    />
  );
}

function NoMatchingApplications(props: { links: EntityApplicationLinks }) {
  const { links } = props;
  const named = [
    ...links.appNames.map(name => `named ${name}`),
    ...links.appSelectors.map(selector => `labelled ${selector}`),
  ].join(', or ');
  return (
    <EmptyState
      missing="data"
      title="No Applications match this entity"
      description={
        <>
          The GitOps backend has no Application {named}
          {links.projectName
            ? ` in project ${links.projectName} (${ARGOCD_PROJECT_NAME_ANNOTATION})`
            : ''}{' '}
          that you may see. Check the entity's annotations against the
          Applications' names and labels.
        </>
      }
    />
  );
}

function LinkedApplicationsCard(props: {
  title: string;
  links: EntityApplicationLinks;
}) {
  const classes = useStyles();
  const { entity } = useEntity();
  const { value, error, loading, reload } = useEntityApplications(entity);

  let body;
  if (loading) {
    body = <Progress />;
  } else if (!value) {
    body = (
      <ResponseErrorPanel
        error={error ?? new Error('No response')}
        title={`Could not load this entity's Applications: ${errorMessage(
          error,
        )}`}
      />
    );
  } else if (value.applications.length === 0) {
    body = <NoMatchingApplications links={props.links} />;
  } else {
    const groups = groupByEnvironmentAndCluster(value.applications);
    body = (
      <>
        {error && (
          <Alert severity="warning">
            Showing the last known state: loading it again failed (
            {errorMessage(error)}).
          </Alert>
        )}
        {value.truncated && (
          <Alert severity="info">
            Showing the first {value.applications.length} Applications.
          </Alert>
        )}
        <Box className={classes.scroll}>
          <Table
            size="small"
            className={classes.table}
            aria-label="Applications"
          >
            <TableHead>
              <TableRow>
                {COLUMNS.map(column => (
                  <TableCell
                    key={column}
                    align={column === 'Actions' ? 'right' : undefined}
                  >
                    {column}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {groups.map(group => [
                <TableRow key={`group-${group.title}`}>
                  <TableCell
                    colSpan={COLUMNS.length}
                    className={classes.group}
                    component="th"
                    scope="rowgroup"
                  >
                    {group.title}
                  </TableCell>
                </TableRow>,
                ...group.applications.map(app => (
                  <ApplicationRow
                    key={applicationKey(app.metadata)}
                    app={app}
                    onChanged={reload}
                  />
                )),
              ])}
            </TableBody>
          </Table>
        </Box>
      </>
    );
  }
  return (
    <InfoCard
      title={props.title}
      noPadding={Boolean(value?.applications.length)}
    >
      {body}
    </InfoCard>
  );
}

/**
 * The GitOps overview card: one row per Application the entity's
 * annotations link, grouped by environment and cluster, with its sync and
 * health, revision, last sync, running operation and actions. Updates live.
 *
 * @public
 */
export const EntityGitOpsCard = (props: { title?: string }) => {
  const { entity } = useEntity();
  const title = props.title ?? 'GitOps';
  const links = getEntityApplicationLinks(entity);
  if (!links) {
    return (
      <InfoCard title={title}>
        <MissingAnnotation entityName={entity.metadata.name} />
      </InfoCard>
    );
  }
  return <LinkedApplicationsCard title={title} links={links} />;
};
