import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  ClusterSummary,
  GitOpsApplication,
  ListApplicationsResponse,
} from '@driftless/backstage-plugin-gitops-common';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { RiArrowLeftSLine, RiArrowRightSLine } from '@remixicon/react';
import { useRef, useState } from 'react';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { useLiveData } from '../../hooks/useLiveData';
import {
  applicationKey,
  identityOf,
  primarySource,
} from '../../lib/applications';
import {
  HealthStatus,
  OperationStatus,
  RelativeTime,
  RevisionLink,
  SyncStatus,
} from '../status';
import { FleetFiltersBar } from './FleetFiltersBar';
import {
  hasFilters,
  isBusy,
  NO_FILTERS,
  DEFAULT_PAGE_SIZE,
  PAGE_SIZES,
  toListQuery,
  type FleetFilters,
} from './fleetQuery';

const useStyles = makeStyles(theme => ({
  progress: { height: 2, marginBottom: -2 },
  stack: { display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) },
  pager: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'flex-end',
    gap: theme.spacing(2),
    paddingTop: theme.spacing(1),
  },
  empty: { padding: theme.spacing(3), textAlign: 'center' },
}));

function ApplicationRow({ app }: { app: GitOpsApplication }) {
  const classes = useStyles();
  const operation = app.status.operationState;
  return (
    <TableRow data-testid={`application-${applicationKey(identityOf(app))}`}>
      <TableCell>
        <div className={classes.stack}>
          <strong>{app.metadata.name}</strong>
          <Typography variant="caption" color="textSecondary">
            {app.metadata.namespace}
          </Typography>
        </div>
      </TableCell>
      <TableCell>{app.spec.project}</TableCell>
      <TableCell>
        <div className={classes.stack}>
          <span>
            {app.spec.destination.name || app.spec.destination.server || '—'}
          </span>
          <Typography variant="caption" color="textSecondary">
            {app.spec.destination.namespace ?? ''}
          </Typography>
        </div>
      </TableCell>
      <TableCell>
        <div className={classes.stack}>
          <SyncStatus status={app.status.sync.status} />
          <RevisionLink
            repoURL={primarySource(app)?.repoURL}
            revision={app.status.sync.revision}
          />
        </div>
      </TableCell>
      <TableCell>
        <HealthStatus
          status={app.status.health.status}
          detail={app.status.health.message}
        />
      </TableCell>
      <TableCell>
        {operation ? (
          <div className={classes.stack}>
            <OperationStatus
              phase={operation.phase}
              detail={operation.message}
            />
            <RelativeTime value={operation.finishedAt ?? operation.startedAt} />
          </div>
        ) : (
          '—'
        )}
      </TableCell>
    </TableRow>
  );
}

function rangeText(
  pageIndex: number,
  pageSize: number,
  shown: number,
  totalCount: number | undefined,
): string {
  if (totalCount === undefined) return `Page ${pageIndex + 1}`;
  if (shown === 0) return `0 of ${totalCount.toLocaleString('en-US')}`;
  // The API counts only for users who may read every app; their pages are
  // full but the last, so the range is exact.
  const first = pageIndex * pageSize + 1;
  return `${first.toLocaleString('en-US')}–${(first + shown - 1).toLocaleString(
    'en-US',
  )} of ${totalCount.toLocaleString('en-US')}`;
}

/**
 * Every application the user may read, one page at a time: the API pages
 * with a cursor, so a fleet of any size loads a page's worth of apps. The
 * page follows status changes live (signals, else polling).
 */
export function FleetApplicationsCard(props: { clusters: ClusterSummary[] }) {
  const classes = useStyles();
  const gitopsApi = useApi(gitopsApiRef);
  const [filters, setFilters] = useState<FleetFilters>(NO_FILTERS);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  /** The cursor of each page visited so far; the first page has none. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const pageIndex = cursors.length - 1;
  const cursor = cursors[pageIndex];
  const shownKeys = useRef(new Set<string>());

  const live = useLiveData<ListApplicationsResponse>(
    () => gitopsApi.listApplications(toListQuery(filters, pageSize, cursor)),
    [gitopsApi, JSON.stringify(filters), pageSize, cursor],
    {
      busy: page => isBusy(page.items),
      // A status filter can bring any app in or out of the page.
      relevant: signal =>
        filters.sync.length > 0 ||
        filters.health.length > 0 ||
        shownKeys.current.has(signal.key),
    },
  );
  const page = live.value;
  shownKeys.current = new Set(
    (page?.items ?? []).map(app => applicationKey(identityOf(app))),
  );

  const changeFilters = (next: FleetFilters) => {
    setFilters(next);
    setCursors([undefined]);
  };
  const changePageSize = (next: number) => {
    setPageSize(next);
    setCursors([undefined]);
  };

  let body;
  if (live.error && !page) {
    body = <ResponseErrorPanel error={live.error} />;
  } else if (page && page.items.length === 0 && !page.nextCursor) {
    body = (
      <div className={classes.empty}>
        {hasFilters(filters) ? (
          <>
            <Typography>No applications match these filters.</Typography>
            <Button onClick={() => changeFilters(NO_FILTERS)}>
              Clear filters
            </Button>
          </>
        ) : (
          <Typography>
            No applications yet, or none you may read. Applications come from
            the platform repositories in app-config (
            <code>gitops.applications</code>).
          </Typography>
        )}
      </div>
    );
  } else {
    body = (
      <Table size="small" aria-label="Applications">
        <TableHead>
          <TableRow>
            <TableCell>Application</TableCell>
            <TableCell>Project</TableCell>
            <TableCell>Destination</TableCell>
            <TableCell>Sync</TableCell>
            <TableCell>Health</TableCell>
            <TableCell>Last operation</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(page?.items ?? []).map(app => (
            <ApplicationRow key={applicationKey(identityOf(app))} app={app} />
          ))}
          {page && page.items.length === 0 && (
            <TableRow>
              <TableCell colSpan={6}>
                None you may read on this page; the next page may have some.
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard title="Applications">
      <FleetFiltersBar
        filters={filters}
        onChange={changeFilters}
        clusters={props.clusters}
      />
      <div className={classes.progress}>
        {live.loading && <LinearProgress aria-label="Loading applications" />}
      </div>
      {live.error && page && (
        <Typography color="error" variant="body2" role="alert">
          Could not refresh the list: {live.error.message}. Showing the last
          answer; trying again.
        </Typography>
      )}
      {body}
      <nav className={classes.pager} aria-label="Application pages">
        <Typography variant="body2" component="span">
          Rows per page
        </Typography>
        <Select
          value={pageSize}
          onChange={event => changePageSize(Number(event.target.value))}
          inputProps={{ 'aria-label': 'Rows per page' }}
        >
          {PAGE_SIZES.map(size => (
            <MenuItem key={size} value={size}>
              {size}
            </MenuItem>
          ))}
        </Select>
        <Typography variant="body2" component="span" aria-live="polite">
          {page
            ? rangeText(pageIndex, pageSize, page.items.length, page.totalCount)
            : ''}
        </Typography>
        <IconButton
          aria-label="Previous page"
          disabled={pageIndex === 0}
          onClick={() => setCursors(previous => previous.slice(0, -1))}
        >
          <RiArrowLeftSLine />
        </IconButton>
        <IconButton
          aria-label="Next page"
          disabled={!page?.nextCursor || live.loading}
          onClick={() =>
            setCursors(previous => [...previous, page?.nextCursor])
          }
        >
          <RiArrowRightSLine />
        </IconButton>
      </nav>
    </InfoCard>
  );
}
