import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  GitOpsApplication,
  ResourceActionView,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { useState } from 'react';
import { gitopsApiRef } from '../../api/GitOpsApi';
import { GatedButton } from '../ApplicationActions/GatedButton';
import { useApplicationPermissions } from '../../hooks/useApplicationPermissions';
import { identityOf } from '../../lib/applications';
import {
  ROLLOUT_ACTION_TITLES,
  ROLLOUT_ACTIONS,
  describeRolloutAction,
  disabledActionReason,
  type RolloutActionName,
  type RolloutModel,
} from '../../lib/rollouts';

export const ACTION_PERMISSION_REASON =
  "You are not allowed to run actions on this application's resources (permission gitops.application.action).";

/** Why each action cannot run now, or undefined when it can. */
export function rolloutActionAvailability(
  model: RolloutModel,
  offered: ResourceActionView[] | Error,
  permission: { allowed: boolean; loading: boolean },
): Record<RolloutActionName, string | undefined> {
  const reasons = {} as Record<RolloutActionName, string | undefined>;
  for (const action of ROLLOUT_ACTIONS) {
    if (permission.loading) {
      reasons[action] = 'Checking your permissions…';
    } else if (!permission.allowed) {
      reasons[action] = ACTION_PERMISSION_REASON;
    } else if (offered instanceof Error) {
      reasons[
        action
      ] = `The backend could not say which actions this Rollout offers: ${offered.message}`;
    } else {
      const found = offered.find(candidate => candidate.name === action);
      if (!found) {
        reasons[
          action
        ] = `The GitOps backend does not offer "${action}" for Rollouts; it may be an older version, or argocd-cm replaces the built-in Rollout actions.`;
      } else if (found.disabled) {
        reasons[action] = disabledActionReason(action, model);
      }
    }
  }
  return reasons;
}

/**
 * Argo Rollouts' actions on one Rollout, each behind a confirmation that
 * says what it will do. They run through the backend's resource actions,
 * which check the same permission.
 */
export function RolloutActions(props: {
  app: GitOpsApplication;
  model: RolloutModel;
  offered: ResourceActionView[] | Error;
  onDone: () => void;
}) {
  const { app, model, offered, onDone } = props;
  const gitopsApi = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const permissions = useApplicationPermissions(identityOf(app));
  const reasons = rolloutActionAvailability(model, offered, permissions.action);
  const [confirming, setConfirming] = useState<RolloutActionName>();
  const [running, setRunning] = useState(false);

  const run = async (action: RolloutActionName) => {
    setRunning(true);
    try {
      await gitopsApi.runResourceAction(identityOf(app), {
        group: model.ref.group,
        version: model.ref.version,
        kind: model.ref.kind,
        namespace: model.ref.namespace,
        name: model.ref.name,
        action,
      });
      alertApi.post({
        message: `${ROLLOUT_ACTION_TITLES[action]}: sent to Rollout ${model.name}.`,
        severity: 'success',
        display: 'transient',
      });
      onDone();
    } catch (error) {
      alertApi.post({
        message: `${ROLLOUT_ACTION_TITLES[action]} of Rollout ${
          model.namespace
        }/${model.name} failed: ${(error as Error).message}`,
        severity: 'error',
      });
    } finally {
      setRunning(false);
      setConfirming(undefined);
    }
  };

  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={8}
      role="group"
      aria-label={`Actions on Rollout ${model.name}`}
    >
      {ROLLOUT_ACTIONS.map(action => (
        <GatedButton
          key={action}
          label={ROLLOUT_ACTION_TITLES[action]}
          size="small"
          variant={action === 'promote' ? 'contained' : 'outlined'}
          color={action === 'abort' ? 'secondary' : 'primary'}
          disabledReason={reasons[action]}
          onClick={() => setConfirming(action)}
        />
      ))}
      <Dialog
        open={confirming !== undefined}
        onClose={() => !running && setConfirming(undefined)}
        aria-labelledby="rollout-action-title"
      >
        {confirming && (
          <>
            <DialogTitle id="rollout-action-title">
              {ROLLOUT_ACTION_TITLES[confirming]} Rollout {model.name}?
            </DialogTitle>
            <DialogContent>
              <DialogContentText>
                {describeRolloutAction(confirming, model)}
              </DialogContentText>
              <DialogContentText variant="body2">
                Application {app.metadata.namespace}/{app.metadata.name},
                namespace {model.namespace}. The change goes to the live
                Rollout, not to Git.
              </DialogContentText>
            </DialogContent>
            <DialogActions>
              <Button
                onClick={() => setConfirming(undefined)}
                disabled={running}
              >
                Cancel
              </Button>
              <Button
                color={confirming === 'abort' ? 'secondary' : 'primary'}
                variant="contained"
                disabled={running}
                onClick={() => run(confirming)}
              >
                {ROLLOUT_ACTION_TITLES[confirming]}
              </Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </Box>
  );
}
