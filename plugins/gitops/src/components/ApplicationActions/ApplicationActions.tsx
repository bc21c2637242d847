import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  GitOpsApplication,
  RollbackRequest,
  SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import IconButton from '@material-ui/core/IconButton';
import ListItemText from '@material-ui/core/ListItemText';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import { RiMore2Fill } from '@remixicon/react';
import { useState } from 'react';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { useApplicationPermissions } from '../../hooks/useApplicationPermissions';
import { identityOf } from '../../lib/applications';
import { errorMessage } from '../common/errorMessage';
import { GatedButton } from './GatedButton';
import { actionAvailability } from './reasons';
import { RollbackDialog } from './RollbackDialog';
import { SyncDialog } from './SyncDialog';

type DialogName = 'sync' | 'rollback' | 'terminate';

/**
 * Sync and Refresh, and in the menu Hard refresh, Rollback and Terminate,
 * for one application. Each is enabled only when the user's permissions
 * and the app's state allow it, and says why otherwise. `onChanged` runs
 * after an action so the caller loads the new state at once.
 */
export function ApplicationActions(props: {
  app: GitOpsApplication;
  onChanged: () => void;
}) {
  const { app, onChanged } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const permissions = useApplicationPermissions(identityOf(app));
  const reasons = actionAvailability(app, permissions);
  const [dialog, setDialog] = useState<DialogName>();
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);
  const [busy, setBusy] = useState<string>();
  const name = app.metadata.name;
  const key = identityOf(app);

  /**
   * Runs an action and reports success. Failures are posted to the alert
   * API unless a dialog shows them itself (`inline`); either way they are
   * rethrown so a dialog stays open.
   */
  async function act(
    label: string,
    run: () => Promise<unknown>,
    done: string,
    options: { inline?: boolean } = {},
  ) {
    setBusy(label);
    try {
      await run();
      alertApi.post({
        message: done,
        severity: 'success',
        display: 'transient',
      });
    } catch (error) {
      if (!options.inline) {
        alertApi.post({
          message: `${label} of ${name} failed: ${errorMessage(error)}`,
          severity: 'error',
        });
      }
      throw error;
    } finally {
      setBusy(undefined);
      onChanged();
    }
  }

  const refresh = (hard: boolean) =>
    act(
      hard ? 'Hard refresh' : 'Refresh',
      () => gitopsApi.refresh(key, { hard }),
      hard
        ? `${name} rendered anew and compared with the cluster`
        : `${name} compared with Git again`,
    ).catch(() => {});

  const sync = (request: SyncRequest) =>
    act(
      request.dryRun ? 'Dry run' : 'Sync',
      () => gitopsApi.sync(key, request),
      request.dryRun ? `Dry run of ${name} started` : `Sync of ${name} started`,
      { inline: true },
    );

  const rollback = (request: RollbackRequest) =>
    act(
      'Rollback',
      () => gitopsApi.rollback(key, request),
      `Rollback of ${name} to deployment ${request.id} started`,
      { inline: true },
    );

  const terminate = () =>
    act(
      'Terminate',
      () => gitopsApi.terminateOperation(key),
      `Termination of ${name}'s operation requested`,
    )
      .catch(() => {})
      .finally(() => setDialog(undefined));

  const menuItem = (
    label: string,
    reason: string | undefined,
    onClick: () => void,
  ) => (
    <MenuItem
      disabled={Boolean(reason)}
      onClick={() => {
        setMenuAnchor(null);
        onClick();
      }}
    >
      {/* A disabled item shows its reason in the menu itself. */}
      <ListItemText
        primary={label}
        secondary={reason}
        secondaryTypographyProps={{
          style: { whiteSpace: 'normal', maxWidth: 360 },
        }}
      />
    </MenuItem>
  );

  return (
    <Box display="flex" alignItems="center" style={{ gap: 4 }}>
      <GatedButton
        label="Sync"
        size="small"
        variant="outlined"
        color="primary"
        disabledReason={reasons.sync}
        onClick={() => setDialog('sync')}
        aria-label={`Sync ${name}`}
      />
      <GatedButton
        label={busy === 'Refresh' ? 'Refreshing…' : 'Refresh'}
        size="small"
        disabledReason={
          reasons.refresh ?? (busy ? `${busy} in progress` : undefined)
        }
        onClick={() => refresh(false)}
        aria-label={`Refresh ${name}`}
      />
      <IconButton
        size="small"
        aria-label={`More actions for ${name}`}
        aria-haspopup="menu"
        onClick={event => setMenuAnchor(event.currentTarget)}
      >
        <RiMore2Fill size={18} />
      </IconButton>
      <Menu
        anchorEl={menuAnchor}
        open={Boolean(menuAnchor)}
        onClose={() => setMenuAnchor(null)}
      >
        {menuItem('Hard refresh', reasons.refresh, () => refresh(true))}
        {menuItem('Rollback…', reasons.rollback, () => setDialog('rollback'))}
        {menuItem('Terminate operation…', reasons.terminate, () =>
          setDialog('terminate'),
        )}
      </Menu>
      {dialog === 'sync' && (
        <SyncDialog
          app={app}
          open
          overrideAllowed={permissions.override.allowed}
          onClose={() => setDialog(undefined)}
          onSync={sync}
        />
      )}
      {dialog === 'rollback' && (
        <RollbackDialog
          app={app}
          open
          onClose={() => setDialog(undefined)}
          onRollback={rollback}
        />
      )}
      <Dialog
        open={dialog === 'terminate'}
        onClose={() => setDialog(undefined)}
        aria-labelledby="gitops-terminate-title"
      >
        <DialogTitle id="gitops-terminate-title">
          Terminate the operation of {name}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            The running operation stops after the step it is in: resources
            applied so far stay applied, running hooks are stopped and deleted,
            and the operation ends Failed. Nothing is rolled back.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDialog(undefined)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={terminate}
            disabled={busy === 'Terminate'}
          >
            Terminate
          </Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
