import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  GitOpsApplication,
  RollbackRequest,
} from '@driftless/backstage-plugin-gitops-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Radio from '@material-ui/core/Radio';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { gitopsApiRef } from '../../api/GitOpsApi';
import {
  identityOf,
  isAutomatedSync,
  primarySource,
} from '../../lib/applications';
import { errorMessage } from '../common/errorMessage';
import { RelativeTime, RevisionLink } from '../status';
import { AUTOMATED_ROLLBACK_REASON } from './reasons';

/**
 * Argo CD's history and rollback: pick a deployment from the history and
 * sync its revision and source again. Refused (and explained) while
 * automated sync is on, as the backend refuses it.
 */
export function RollbackDialog(props: {
  app: GitOpsApplication;
  open: boolean;
  onClose: () => void;
  onRollback: (request: RollbackRequest) => Promise<void>;
}) {
  const { app, open, onClose, onRollback } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const history = useAsync(
    async () => (open ? gitopsApi.getHistory(identityOf(app)) : undefined),
    [open, gitopsApi, app.metadata.namespace, app.metadata.name],
  );
  const [chosen, setChosen] = useState<number>();
  const [prune, setPrune] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const automated = isAutomatedSync(app);
  // Newest first; the newest entry is what runs now, so it is no target.
  const entries = [...(history.value?.items ?? [])].reverse();
  const currentId = entries[0]?.id;

  const submit = async () => {
    if (chosen === undefined) return;
    setSubmitting(true);
    setError(undefined);
    try {
      await onRollback({ id: chosen, prune, dryRun });
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="gitops-rollback-title"
    >
      <DialogTitle id="gitops-rollback-title">
        Roll back {app.metadata.name}
      </DialogTitle>
      <DialogContent dividers>
        {automated && (
          <Alert severity="warning">{AUTOMATED_ROLLBACK_REASON}</Alert>
        )}
        {history.loading && <Progress />}
        {history.error && (
          <ResponseErrorPanel
            error={history.error}
            title={`Could not load the deployment history: ${errorMessage(
              history.error,
            )}`}
          />
        )}
        {history.value && entries.length === 0 && (
          <Typography>No deployments are recorded yet.</Typography>
        )}
        {entries.length === 1 && (
          <Typography>
            Only the current deployment is recorded: there is nothing earlier to
            roll back to.
          </Typography>
        )}
        {entries.length > 0 && (
          <Table size="small" aria-label="Deployment history">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox" />
                <TableCell>ID</TableCell>
                <TableCell>Revision</TableCell>
                <TableCell>Deployed</TableCell>
                <TableCell>By</TableCell>
                <TableCell>Result</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {entries.map(entry => {
                const revision = entry.revision ?? entry.revisions?.[0];
                const current = entry.id === currentId;
                const selectable = !automated && !current;
                return (
                  <TableRow
                    key={entry.id}
                    hover={selectable}
                    selected={chosen === entry.id}
                    onClick={() => selectable && setChosen(entry.id)}
                  >
                    <TableCell padding="checkbox">
                      <Radio
                        checked={chosen === entry.id}
                        disabled={!selectable}
                        onChange={() => setChosen(entry.id)}
                        inputProps={{ 'aria-label': `Deployment ${entry.id}` }}
                      />
                    </TableCell>
                    <TableCell>{entry.id}</TableCell>
                    <TableCell>
                      <RevisionLink
                        repoURL={(entry.source ?? primarySource(app))?.repoURL}
                        revision={revision}
                      />
                      {current && ' (current)'}
                    </TableCell>
                    <TableCell>
                      <RelativeTime value={entry.deployedAt} />
                    </TableCell>
                    <TableCell>
                      {entry.initiatedBy.automated
                        ? 'automated sync'
                        : entry.initiatedBy.username ?? '—'}
                    </TableCell>
                    <TableCell>{entry.phase ?? 'Succeeded'}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
        <FormControlLabel
          control={
            <Checkbox
              checked={prune}
              onChange={e => setPrune(e.target.checked)}
            />
          }
          label="Prune resources that revision does not have"
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={dryRun}
              onChange={e => setDryRun(e.target.checked)}
            />
          }
          label="Dry run"
        />
      </DialogContent>
      <DialogActions>
        {error && (
          <Alert severity="error" role="alert" style={{ flex: 1 }}>
            The rollback was not started: {error}
          </Alert>
        )}
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={automated || chosen === undefined || submitting}
        >
          Roll back
        </Button>
      </DialogActions>
    </Dialog>
  );
}
