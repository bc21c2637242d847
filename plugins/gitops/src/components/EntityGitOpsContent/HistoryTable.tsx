import type {
  ApplicationSourceView,
  GitOpsApplication,
  OperationInitiatorView,
  RevisionHistoryView,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { primarySource } from '../../lib/applications';
import { OperationStatus, RelativeTime, RevisionLink } from '../status';

function initiator(by: OperationInitiatorView | undefined): string {
  if (by?.automated) return 'automated sync';
  return by?.username ?? 'unknown';
}

/** `3 Synced, 1 Pruned`: what a sync did to its resources. */
export function summarizeResults(
  resources: Array<Record<string, unknown>> | undefined,
): string {
  const counts = new Map<string, number>();
  for (const resource of resources ?? []) {
    const status =
      typeof resource.status === 'string' ? resource.status : 'no result';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/** One link per source: multi-source apps deploy one revision per source. */
function Revisions(props: {
  revision?: string;
  revisions?: string[];
  source?: ApplicationSourceView;
  sources?: ApplicationSourceView[];
  fallbackRepoURL?: string;
}) {
  if (props.revisions && props.revisions.length > 0) {
    return (
      <Box display="flex" flexDirection="column">
        {props.revisions.map((revision, index) => (
          <RevisionLink
            key={index}
            repoURL={props.sources?.[index]?.repoURL ?? props.fallbackRepoURL}
            revision={revision}
          />
        ))}
      </Box>
    );
  }
  return (
    <RevisionLink
      repoURL={props.source?.repoURL ?? props.fallbackRepoURL}
      revision={props.revision}
    />
  );
}

/**
 * The app's deployments, newest first, each with its revision (linked to
 * the commit), when and by whom, and what the sync did. History records only
 * syncs that succeeded (as Argo CD's does), so the current or last
 * operation leads the table when it is not one of them: a failed, running
 * or dry-run sync.
 */
export function HistoryTable(props: { app: GitOpsApplication }) {
  const { app } = props;
  const history: RevisionHistoryView[] = [
    ...(app.status.history ?? []),
  ].reverse();
  const operation = app.status.operationState;
  const fallbackRepoURL = primarySource(app)?.repoURL;
  const operationNotInHistory =
    operation &&
    (operation.phase !== 'Succeeded' || operation.operation.sync?.dryRun);

  if (history.length === 0 && !operationNotInHistory) {
    return (
      <Typography variant="body2">
        No sync has deployed this application yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Sync history">
      <TableHead>
        <TableRow>
          <TableCell>ID</TableCell>
          <TableCell>Revision</TableCell>
          <TableCell>Deployed</TableCell>
          <TableCell>Initiated by</TableCell>
          <TableCell>Result</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {operation && operationNotInHistory && (
          <TableRow data-history="operation">
            <TableCell>
              {operation.operation.sync?.dryRun ? 'dry run' : 'current'}
            </TableCell>
            <TableCell>
              <Revisions
                revision={
                  operation.syncResult?.revision ??
                  operation.operation.sync?.revision
                }
                revisions={
                  operation.syncResult?.revisions ??
                  operation.operation.sync?.revisions
                }
                source={
                  operation.syncResult?.source ??
                  operation.operation.sync?.source
                }
                sources={
                  operation.syncResult?.sources ??
                  operation.operation.sync?.sources
                }
                fallbackRepoURL={fallbackRepoURL}
              />
            </TableCell>
            <TableCell>
              <RelativeTime
                value={operation.finishedAt ?? operation.startedAt}
              />
            </TableCell>
            <TableCell>{initiator(operation.operation.initiatedBy)}</TableCell>
            <TableCell>
              <OperationStatus
                phase={operation.phase}
                detail={operation.message}
              />
              {operation.message && (
                <Typography variant="caption" component="div">
                  {operation.message}
                </Typography>
              )}
            </TableCell>
          </TableRow>
        )}
        {history.map(entry => (
          <TableRow key={entry.id} data-history={entry.id}>
            <TableCell>{entry.id}</TableCell>
            <TableCell>
              <Revisions
                revision={entry.revision}
                revisions={entry.revisions}
                source={entry.source}
                sources={entry.sources}
                fallbackRepoURL={fallbackRepoURL}
              />
            </TableCell>
            <TableCell>
              <RelativeTime value={entry.deployedAt} />
            </TableCell>
            <TableCell>{initiator(entry.initiatedBy)}</TableCell>
            <TableCell>
              <OperationStatus phase={entry.phase ?? 'Succeeded'} />
              {entry.resources && entry.resources.length > 0 && (
                <Typography variant="caption" component="div">
                  {summarizeResults(entry.resources)}
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
