import type {
  GitOpsApplication,
  ResourceActionView,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useEffect, useState } from 'react';
import {
  formatSeconds,
  secondsUntil,
  type AnalysisRunModel,
  type AnalysisRunSummary,
  type BlueGreenModel,
  type CanaryModel,
  type CanaryStep,
  type PromotionState,
  type RolloutModel,
} from '../../lib/rollouts';
import { AnalysisStatus, RelativeTime } from '../status';
import { RolloutActions } from './RolloutActions';
import { RolloutPhaseBadge } from './RolloutPhaseBadge';

const useStyles = makeStyles<Theme>(theme => {
  const status = (theme.palette as any).status ?? {};
  return {
    section: { marginTop: theme.spacing(2) },
    bar: {
      display: 'flex',
      height: 20,
      borderRadius: theme.shape.borderRadius,
      overflow: 'hidden',
      border: `1px solid ${theme.palette.divider}`,
    },
    stable: {
      background: status.ok ?? theme.palette.success.main,
      color: theme.palette.getContrastText(
        status.ok ?? theme.palette.success.main,
      ),
    },
    canary: {
      background: status.running ?? theme.palette.info.main,
      color: theme.palette.getContrastText(
        status.running ?? theme.palette.info.main,
      ),
    },
    segment: {
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      fontSize: 12,
      whiteSpace: 'nowrap',
      overflow: 'hidden',
    },
    steps: { listStyle: 'none', margin: 0, padding: 0 },
    step: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
      padding: theme.spacing(0.5, 1),
      borderLeft: `3px solid transparent`,
    },
    current: {
      borderLeftColor: theme.palette.primary.main,
      background: theme.palette.action.selected,
      fontWeight: 600,
    },
    done: { color: theme.palette.text.secondary },
    pending: {},
    mono: { fontFamily: 'monospace' },
  };
});

/** Re-renders every second while `active`, for countdowns. */
function useNow(active: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function TimeLeft(props: { until: string; what: string }) {
  const now = useNow(true);
  const left = secondsUntil(props.until, now);
  return (
    <span>
      {left > 0
        ? `${formatSeconds(left)} left before ${props.what}`
        : `${props.what} is due`}
    </span>
  );
}

export function WeightBar(props: { canary: CanaryModel }) {
  const classes = useStyles();
  const { actualWeight, setWeight, maxWeight } = props.canary;
  const canary = Math.round((actualWeight / maxWeight) * 100);
  const stable = 100 - canary;
  const label = `Stable ${stable}%, canary ${canary}% (the steps set ${setWeight}%)`;
  return (
    <div>
      <div className={classes.bar} role="img" aria-label={label} title={label}>
        {stable > 0 && (
          <div
            className={`${classes.segment} ${classes.stable}`}
            style={{ width: `${stable}%` }}
          >
            Stable {stable}%
          </div>
        )}
        {canary > 0 && (
          <div
            className={`${classes.segment} ${classes.canary}`}
            style={{ width: `${canary}%` }}
          >
            Canary {canary}%
          </div>
        )}
      </div>
      <Typography variant="caption" color="textSecondary">
        {props.canary.trafficRouting
          ? 'Traffic weight as the traffic router reports it'
          : 'Share of available pods on the canary (no traffic router)'}
        ; set weight {setWeight}%.
      </Typography>
    </div>
  );
}

function isRunModel(
  run: AnalysisRunModel | AnalysisRunSummary,
): run is AnalysisRunModel {
  return (run as AnalysisRunModel).metrics !== undefined;
}

function stepStateText(step: CanaryStep, model: RolloutModel): string {
  if (step.state === 'done') return 'done';
  if (step.state === 'pending') return 'pending';
  if (model.aborted) return 'current (rollout aborted)';
  if (step.holding) return 'current, paused';
  return 'current';
}

export function CanarySteps(props: { model: RolloutModel }) {
  const classes = useStyles();
  const { model } = props;
  const canary = model.canary!;
  if (canary.steps.length === 0) {
    return (
      <Typography variant="body2">
        No steps: each new version replaces the old one at once.
      </Typography>
    );
  }
  return (
    <ol className={classes.steps} aria-label={`Canary steps of ${model.name}`}>
      {canary.steps.map(step => (
        <li
          key={step.index}
          className={`${classes.step} ${classes[step.state]}`}
          aria-current={step.state === 'current' ? 'step' : undefined}
          data-step-state={step.state}
        >
          <span>{step.index + 1}.</span>
          <span>{step.label}</span>
          <Typography variant="caption" color="textSecondary">
            {stepStateText(step, model)}
          </Typography>
          {step.pauseEndsAt && (
            <Typography variant="caption">
              <TimeLeft until={step.pauseEndsAt} what="the pause ends" />
            </Typography>
          )}
          {step.state === 'current' &&
            step.kind === 'pause' &&
            step.holding &&
            step.pauseSeconds === undefined && (
              <Typography variant="caption">waits for a promote</Typography>
            )}
          {step.analysisRun && (
            <AnalysisStatus
              status={step.analysisRun.phase}
              detail={`${step.analysisRun.name}${
                step.analysisRun.message ? `: ${step.analysisRun.message}` : ''
              }`}
            />
          )}
        </li>
      ))}
    </ol>
  );
}

const PROMOTION_TEXT: Record<PromotionState, string> = {
  promoted: 'Promoted: the active Service runs the current version',
  'awaiting-promotion':
    'Awaiting promotion: the new version runs behind the preview Service',
  'pre-promotion-analysis': 'Pre-promotion analysis running before the switch',
  'post-promotion-analysis': 'Switched; the post-promotion analysis decides',
  progressing: 'The new version is starting behind the preview Service',
  aborted: 'Aborted: the active Service stays on the stable version',
};

function autoPromotionText(blueGreen: BlueGreenModel): string {
  if (!blueGreen.autoPromotionEnabled) {
    return 'Waits for someone to promote it (autoPromotionEnabled: false).';
  }
  if (blueGreen.autoPromotionSeconds === undefined) {
    return 'Promotes by itself once the preview is ready.';
  }
  return `Promotes by itself ${formatSeconds(
    blueGreen.autoPromotionSeconds,
  )} after the preview is ready.`;
}

const STRATEGY_NAMES: Record<RolloutModel['strategy'], string> = {
  canary: 'Canary',
  blueGreen: 'Blue-green',
  unknown: 'Unknown strategy',
};

export function BlueGreenSummary(props: {
  model: RolloutModel;
  blueGreen: BlueGreenModel;
}) {
  const classes = useStyles();
  const { model, blueGreen } = props;
  const revisionOf = (hash?: string) => {
    const found = model.revisions.find(r => r.podTemplateHash === hash);
    if (!hash) return 'no version yet';
    return found?.revision !== undefined
      ? `revision ${found.revision} (${hash})`
      : hash;
  };
  return (
    <div>
      <Typography variant="body2" data-promotion={blueGreen.promotion}>
        {PROMOTION_TEXT[blueGreen.promotion]}
      </Typography>
      <Table size="small" aria-label={`Services of ${model.name}`}>
        <TableBody>
          <TableRow>
            <TableCell component="th" scope="row">
              Active Service
            </TableCell>
            <TableCell className={classes.mono}>
              {blueGreen.activeService}
            </TableCell>
            <TableCell>{revisionOf(blueGreen.activeHash)}</TableCell>
          </TableRow>
          {blueGreen.previewService && (
            <TableRow>
              <TableCell component="th" scope="row">
                Preview Service
              </TableCell>
              <TableCell className={classes.mono}>
                {blueGreen.previewService}
              </TableCell>
              <TableCell>{revisionOf(blueGreen.previewHash)}</TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <Typography variant="caption" color="textSecondary" component="p">
        {autoPromotionText(blueGreen)} The old version scales down{' '}
        {formatSeconds(blueGreen.scaleDownDelaySeconds)} after the switch
        (scaleDownDelaySeconds).
        {blueGreen.previewReplicaCount !== undefined &&
          ` The preview runs ${blueGreen.previewReplicaCount} replica(s) until promoted.`}
      </Typography>
      {blueGreen.autoPromoteAt && (
        <Typography variant="caption">
          <TimeLeft until={blueGreen.autoPromoteAt} what="auto-promotion" />
        </Typography>
      )}
    </div>
  );
}

export function RevisionsTable(props: { model: RolloutModel }) {
  const classes = useStyles();
  const { model } = props;
  if (model.revisions.length === 0) return null;
  return (
    <Table size="small" aria-label={`Revisions of ${model.name}`}>
      <TableHead>
        <TableRow>
          <TableCell>Revision</TableCell>
          <TableCell>Role</TableCell>
          <TableCell>Image</TableCell>
          <TableCell>Pods ready</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {model.revisions.map(revision => (
          <TableRow
            key={revision.replicaSet}
            data-revision={revision.podTemplateHash}
          >
            <TableCell>
              {revision.revision !== undefined ? `${revision.revision} ` : ''}
              <span className={classes.mono}>{revision.podTemplateHash}</span>
            </TableCell>
            <TableCell>
              {revision.roles.length > 0 ? (
                revision.roles.map(role => (
                  <Chip key={role} size="small" label={role} />
                ))
              ) : (
                <Typography variant="caption" color="textSecondary">
                  older
                </Typography>
              )}
            </TableCell>
            <TableCell className={classes.mono}>
              {revision.images.join(', ') || '—'}
            </TableCell>
            <TableCell>
              {revision.podsReady}/{revision.podsTotal}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function AnalysisRunView(props: {
  run: AnalysisRunModel | AnalysisRunSummary;
}) {
  const { run } = props;
  const heading = (
    <Box display="flex" alignItems="center" gridGap={8}>
      <Typography variant="subtitle2" component="h4">
        {run.name}
      </Typography>
      <AnalysisStatus status={run.phase} />
      {isRunModel(run) && run.kind !== 'Unknown' && (
        <Typography variant="caption" color="textSecondary">
          {run.kind === 'Step' && run.stepIndex !== undefined
            ? `step ${run.stepIndex + 1}`
            : run.kind}
          {run.startedAt && (
            <>
              {', started '}
              <RelativeTime value={run.startedAt} />
            </>
          )}
        </Typography>
      )}
    </Box>
  );
  return (
    <div data-analysis-run={run.name}>
      {heading}
      {run.message && (
        <Typography variant="body2" color="textSecondary">
          {run.message}
        </Typography>
      )}
      {isRunModel(run) && run.metrics.length > 0 && (
        <Table size="small" aria-label={`Metrics of ${run.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Metric</TableCell>
              <TableCell>Verdict</TableCell>
              <TableCell>Measurements</TableCell>
              <TableCell>Condition</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {run.metrics.map(metric => (
              <TableRow key={metric.name}>
                <TableCell>
                  {metric.name}
                  {metric.provider && (
                    <Typography variant="caption" color="textSecondary">
                      {` (${metric.provider})`}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <AnalysisStatus
                    status={metric.phase}
                    detail={metric.message}
                  />
                </TableCell>
                <TableCell>
                  <Typography variant="caption" component="div">
                    {metric.taken}
                    {metric.count !== undefined
                      ? ` of ${metric.count}`
                      : ''}{' '}
                    taken: {metric.successful} successful, {metric.failed}{' '}
                    failed
                    {metric.failureLimit !== undefined
                      ? ` (limit ${metric.failureLimit})`
                      : ''}
                    {metric.inconclusive
                      ? `, ${metric.inconclusive} inconclusive`
                      : ''}
                    {metric.errors ? `, ${metric.errors} errors` : ''}
                  </Typography>
                  <Box display="flex" flexWrap="wrap" gridGap={4}>
                    {metric.measurements.map((measurement, i) => (
                      <Chip
                        key={i}
                        size="small"
                        variant="outlined"
                        label={`${measurement.value ?? '…'} ${
                          measurement.phase
                        }`}
                        title={[measurement.startedAt, measurement.message]
                          .filter(Boolean)
                          .join(' — ')}
                      />
                    ))}
                  </Box>
                </TableCell>
                <TableCell>
                  <Typography variant="caption">
                    {[
                      metric.successCondition &&
                        `success: ${metric.successCondition}`,
                      metric.failureCondition &&
                        `failure: ${metric.failureCondition}`,
                    ]
                      .filter(Boolean)
                      .join('; ') || '—'}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

/** One Rollout: strategy view, revisions, analyses and actions. */
export function RolloutPanel(props: {
  app: GitOpsApplication;
  model: RolloutModel;
  offered: ResourceActionView[] | Error;
  onChanged: () => void;
}) {
  const classes = useStyles();
  const { app, model, offered, onChanged } = props;
  const strategyName = STRATEGY_NAMES[model.strategy];
  return (
    <section aria-label={`Rollout ${model.name}`} data-rollout={model.name}>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <Typography variant="h6" component="h3">
          {model.name}
        </Typography>
        <Chip size="small" label={strategyName} />
        <RolloutPhaseBadge model={model} />
        <Typography variant="caption" color="textSecondary">
          {model.namespace}
          {model.revision ? ` · revision ${model.revision}` : ''} ·{' '}
          {model.availableReplicas}/{model.replicas} available
          {model.images.length ? ` · ${model.images.join(', ')}` : ''}
        </Typography>
      </Box>
      {model.message && model.phase !== 'Healthy' && (
        <Typography variant="body2" color="textSecondary">
          {model.message}
        </Typography>
      )}
      {model.pausedByUser && (
        <Alert severity="info">
          Paused by a person (spec.paused): it stays where it is until resumed.
        </Alert>
      )}
      {!model.reported && (
        <Alert severity="info">
          The Argo Rollouts controller has not reported on this Rollout yet. Is
          it installed in the cluster?
        </Alert>
      )}
      {model.canary && (
        <div className={classes.section}>
          <WeightBar canary={model.canary} />
          <CanarySteps model={model} />
        </div>
      )}
      {model.blueGreen && (
        <div className={classes.section}>
          <BlueGreenSummary model={model} blueGreen={model.blueGreen} />
        </div>
      )}
      <div className={classes.section}>
        <RevisionsTable model={model} />
      </div>
      {model.analysisRuns.length > 0 && (
        <div className={classes.section}>
          <Typography variant="subtitle1" component="h4">
            Analysis runs
          </Typography>
          {model.analysisRuns.map(run => (
            <AnalysisRunView key={run.name} run={run} />
          ))}
        </div>
      )}
      <div className={classes.section}>
        <RolloutActions
          app={app}
          model={model}
          offered={offered}
          onDone={onChanged}
        />
      </div>
    </section>
  );
}
