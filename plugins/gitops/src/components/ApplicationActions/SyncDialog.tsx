import type {
  GitOpsApplication,
  ResourceStatusView,
  SyncRequest,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Alert } from '@material-ui/lab';
import { useMemo, useState } from 'react';
import { isAutomatedSync, targetRevisionOf } from '../../lib/applications';
import { errorMessage } from '../common/errorMessage';
import { SyncStatus } from '../status';

export interface SyncOptionsState {
  revision: string;
  prune: boolean;
  dryRun: boolean;
  applyOnly: boolean;
  force: boolean;
  serverSideApply: boolean;
  pruneLast: boolean;
  replace: boolean;
  /** Keys (see {@link resourceKey}) of the resources to sync. */
  selected: Set<string>;
}

export function resourceKey(resource: {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}): string {
  return `${resource.group ?? ''}/${resource.kind}/${
    resource.namespace ?? ''
  }/${resource.name}`;
}

/**
 * The sync request for the dialog's choices, in Argo CD's terms: "apply
 * only" is the apply strategy (hooks skipped), force goes with the chosen
 * strategy, the sync options are laid over the app's own, and resources are
 * named only when not all are selected.
 */
export function toSyncRequest(
  options: SyncOptionsState,
  resources: ResourceStatusView[],
  targetRevision: string,
): SyncRequest {
  const syncOptions = [
    ...(options.serverSideApply ? ['ServerSideApply=true'] : []),
    ...(options.pruneLast ? ['PruneLast=true'] : []),
    ...(options.replace ? ['Replace=true'] : []),
  ];
  const revision = options.revision.trim();
  const selectedAll = resources.every(r =>
    options.selected.has(resourceKey(r)),
  );
  return {
    ...(revision && revision !== targetRevision ? { revision } : {}),
    prune: options.prune,
    dryRun: options.dryRun,
    ...(syncOptions.length ? { syncOptions } : {}),
    ...(!selectedAll
      ? {
          resources: resources
            .filter(r => options.selected.has(resourceKey(r)))
            .map(r => ({
              group: r.group ?? '',
              kind: r.kind,
              name: r.name,
              ...(r.namespace ? { namespace: r.namespace } : {}),
            })),
        }
      : {}),
    ...syncStrategy(options),
  };
}

/** Argo CD's strategies: "apply only" skips hooks; force goes with whichever runs. */
function syncStrategy(
  options: SyncOptionsState,
): Pick<SyncRequest, 'strategy'> {
  if (options.applyOnly)
    return { strategy: { apply: { force: options.force } } };
  if (options.force) return { strategy: { hook: { force: true } } };
  return {};
}

/**
 * Why the dialog cannot sync the revision typed in, by the backend's sync
 * route's rules: another revision than the target deploys what the spec
 * does not track, unless it is only a dry run.
 */
export function revisionRefusal(options: {
  revision: string;
  targetRevision: string;
  dryRun: boolean;
  multiSource: boolean;
  automated: boolean;
  overrideAllowed: boolean;
}): string | undefined {
  const { revision, targetRevision } = options;
  if (revision === '' || revision === targetRevision || options.dryRun) {
    return undefined;
  }
  if (options.multiSource) {
    return 'An application with several sources syncs each source at its own target revision; clear the revision or choose a dry run.';
  }
  if (options.automated) {
    return `Automated sync is on, so this app only syncs its target revision (${targetRevision}); clear the revision or choose a dry run.`;
  }
  if (!options.overrideAllowed) {
    return `Syncing a revision other than the target revision (${targetRevision}) needs the gitops.application.override permission; choose a dry run to try it.`;
  }
  return undefined;
}

const OPTION_HELP: Record<
  | 'prune'
  | 'dryRun'
  | 'applyOnly'
  | 'force'
  | 'serverSideApply'
  | 'pruneLast'
  | 'replace',
  { label: string; help: string }
> = {
  prune: {
    label: 'Prune',
    help: 'Delete resources the app manages that Git no longer has.',
  },
  dryRun: {
    label: 'Dry run',
    help: 'The cluster checks every change without making it.',
  },
  applyOnly: {
    label: 'Apply only',
    help: 'Apply the manifests without running sync hooks.',
  },
  force: {
    label: 'Force',
    help: 'Delete and re-create resources the cluster refuses to change.',
  },
  serverSideApply: {
    label: 'Server-side apply',
    help: 'Driftless always applies server-side; this records the option in the operation.',
  },
  pruneLast: {
    label: 'Prune last',
    help: 'Prune only after every other resource synced and is healthy.',
  },
  replace: {
    label: 'Replace',
    help: 'Replace resources (PUT) instead of applying them; fields other tools set are lost.',
  },
};

/**
 * Argo CD's sync panel: revision, the manual sync flags, sync options and
 * which resources to sync.
 */
export function SyncDialog(props: {
  app: GitOpsApplication;
  open: boolean;
  /** Whether the user may sync other revisions than the target one. */
  overrideAllowed: boolean;
  onClose: () => void;
  onSync: (request: SyncRequest) => Promise<void>;
}) {
  const { app, open, overrideAllowed, onClose, onSync } = props;
  const targetRevision = targetRevisionOf(app);
  const resources = useMemo(
    () => (app.status.resources ?? []).filter(r => !r.hook),
    [app],
  );
  const [options, setOptions] = useState<SyncOptionsState>(() => ({
    revision: targetRevision,
    prune: false,
    dryRun: false,
    applyOnly: false,
    force: false,
    serverSideApply: false,
    pruneLast: false,
    replace: false,
    selected: new Set(resources.map(resourceKey)),
  }));
  const [submitting, setSubmitting] = useState(false);
  const set = <K extends keyof SyncOptionsState>(
    key: K,
    value: SyncOptionsState[K],
  ) => setOptions(previous => ({ ...previous, [key]: value }));
  const select = (keys: string[]) => set('selected', new Set(keys));

  const revisionProblem = revisionRefusal({
    revision: options.revision.trim(),
    targetRevision,
    dryRun: options.dryRun,
    multiSource: (app.spec.sources?.length ?? 0) > 1,
    automated: isAutomatedSync(app),
    overrideAllowed,
  });
  const noResources = resources.length > 0 && options.selected.size === 0;
  const [error, setError] = useState<string>();

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      await onSync(toSyncRequest(options, resources, targetRevision));
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSubmitting(false);
    }
  };

  const flag = (key: keyof typeof OPTION_HELP) => (
    <Box key={key}>
      <FormControlLabel
        control={
          <Checkbox
            checked={options[key]}
            onChange={event => set(key, event.target.checked)}
            color="primary"
          />
        }
        label={OPTION_HELP[key].label}
      />
      <FormHelperText style={{ marginTop: -8, marginLeft: 32 }}>
        {OPTION_HELP[key].help}
      </FormHelperText>
    </Box>
  );

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="gitops-sync-title"
    >
      <DialogTitle id="gitops-sync-title">Sync {app.metadata.name}</DialogTitle>
      <DialogContent dividers>
        <TextField
          id="gitops-sync-revision"
          label="Revision"
          value={options.revision}
          onChange={event => set('revision', event.target.value)}
          helperText={
            revisionProblem ??
            `A branch, tag or commit; the target revision is ${targetRevision}.`
          }
          error={Boolean(revisionProblem)}
          fullWidth
          margin="dense"
          variant="outlined"
        />
        <Box display="flex" flexWrap="wrap" mt={2}>
          <Box flex="1 1 280px">
            <Typography variant="subtitle2">Sync flags</Typography>
            <FormGroup>
              {flag('prune')}
              {flag('dryRun')}
              {flag('applyOnly')}
              {flag('force')}
            </FormGroup>
          </Box>
          <Box flex="1 1 280px">
            <Typography variant="subtitle2">Sync options</Typography>
            <FormGroup>
              {flag('serverSideApply')}
              {flag('pruneLast')}
              {flag('replace')}
            </FormGroup>
          </Box>
        </Box>
        {options.force && options.replace && (
          <Alert severity="warning">
            Force with Replace deletes and re-creates the resources.
          </Alert>
        )}
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            Resources ({options.selected.size} of {resources.length} selected)
          </Typography>
          <Box>
            <Button
              size="small"
              onClick={() => select(resources.map(resourceKey))}
            >
              All
            </Button>
            <Button
              size="small"
              onClick={() =>
                select(
                  resources.filter(r => r.status !== 'Synced').map(resourceKey),
                )
              }
            >
              Out of sync
            </Button>
            <Button size="small" onClick={() => select([])}>
              None
            </Button>
          </Box>
          {resources.length < (app.status.resources?.length ?? 0) && (
            <FormHelperText>
              Hooks run with a full sync and cannot be selected.
            </FormHelperText>
          )}
          <FormGroup>
            {resources.map(resource => {
              const key = resourceKey(resource);
              return (
                <FormControlLabel
                  key={key}
                  control={
                    <Checkbox
                      size="small"
                      checked={options.selected.has(key)}
                      onChange={event => {
                        const next = new Set(options.selected);
                        if (event.target.checked) next.add(key);
                        else next.delete(key);
                        set('selected', next);
                      }}
                    />
                  }
                  label={
                    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                      <span>
                        {resource.kind}{' '}
                        {resource.namespace ? `${resource.namespace}/` : ''}
                        {resource.name}
                      </span>
                      <SyncStatus status={resource.status} />
                    </Box>
                  }
                />
              );
            })}
          </FormGroup>
          {options.selected.size < resources.length &&
            options.selected.size > 0 && (
              <Alert severity="info">
                A sync of selected resources runs no hooks and prunes only what
                is selected.
              </Alert>
            )}
        </Box>
      </DialogContent>
      <DialogActions>
        {error && (
          <Alert severity="error" role="alert" style={{ flex: 1 }}>
            The sync was not started: {error}
          </Alert>
        )}
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={submitting || Boolean(revisionProblem) || noResources}
        >
          {options.dryRun ? 'Dry run' : 'Synchronize'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
