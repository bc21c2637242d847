import type {
  ManagedResource,
  ResourceNode,
  ResourceRef,
  ResourceTree,
} from '@driftless/backstage-plugin-gitops-common';

/*
 * Argo Rollouts as the Rollout card shows them, read from the live Rollout
 * (a managed resource's `liveState`), the app's resource tree (its
 * ReplicaSets, Pods and AnalysisRuns) and the live AnalysisRuns. Field names
 * and meanings follow Argo Rollouts' `v1alpha1` types, and the derived
 * values (current set weight, actual weight, phase) follow what its CLI and
 * dashboard compute (`pkg/kubectl-argo-rollouts/info`).
 */

type Json = Record<string, any>;

export const ROLLOUT_GROUP = 'argoproj.io';

export type StepState = 'done' | 'current' | 'pending';

/** `status.phase` of an AnalysisRun, and of each metric and measurement. */
export type AnalysisPhase =
  | 'Pending'
  | 'Running'
  | 'Successful'
  | 'Failed'
  | 'Error'
  | 'Inconclusive';

const ANALYSIS_PHASES: readonly string[] = [
  'Pending',
  'Running',
  'Successful',
  'Failed',
  'Error',
  'Inconclusive',
];

function analysisPhase(value: unknown): AnalysisPhase {
  return ANALYSIS_PHASES.includes(String(value))
    ? (String(value) as AnalysisPhase)
    : 'Pending';
}

/** An AnalysisRun as the Rollout's status names it (`name`, `status`, `message`). */
export interface AnalysisRunSummary {
  name: string;
  phase: AnalysisPhase;
  message?: string;
}

export interface MeasurementModel {
  phase: AnalysisPhase;
  /** The value the provider returned, as text (`[0.993]`). */
  value?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface MetricModel {
  name: string;
  /** The metric's verdict so far. */
  phase: AnalysisPhase;
  message?: string;
  successCondition?: string;
  failureCondition?: string;
  /** Measurements to take (`count`); unlimited when absent. */
  count?: number;
  failureLimit?: number;
  inconclusiveLimit?: number;
  /** `prometheus`, `job`, `web`, … */
  provider?: string;
  /** Measurements taken, by verdict. */
  taken: number;
  successful: number;
  failed: number;
  inconclusive: number;
  errors: number;
  /** Oldest first (Argo Rollouts keeps the last ten by default). */
  measurements: MeasurementModel[];
}

export type AnalysisRunKind =
  | 'Step'
  | 'Background'
  | 'PrePromotion'
  | 'PostPromotion'
  | 'Unknown';

export interface AnalysisRunModel {
  name: string;
  namespace?: string;
  /** The run's verdict: Successful, Failed, Error and Inconclusive are final. */
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  /** Which part of the Rollout started it (label `rollout-type`). */
  kind: AnalysisRunKind;
  /** The canary step that started it (label `step-index`). */
  stepIndex?: number;
  /** The pod-template hash of the version it analysed. */
  podTemplateHash?: string;
  /** `rollout.argoproj.io/revision` of that version. */
  revision?: string;
  metrics: MetricModel[];
}

export interface CanaryStep {
  index: number;
  kind:
    | 'setWeight'
    | 'pause'
    | 'analysis'
    | 'setCanaryScale'
    | 'setHeaderRoute'
    | 'setMirrorRoute'
    | 'experiment'
    | 'plugin'
    | 'other';
  /** `Set weight 20%`, `Pause 10m`, `Pause until promoted`, `Analysis: success-rate`. */
  label: string;
  state: StepState;
  weight?: number;
  /** A timed pause's length in seconds. */
  pauseSeconds?: number;
  /** The current pause step holds the Rollout now (its pause condition is set). */
  holding?: boolean;
  /** When the current timed pause ends (ISO 8601), once it started. */
  pauseEndsAt?: string;
  analysisTemplates?: string[];
  /** The step's AnalysisRun: the live one when loaded, else what the Rollout's status says of it. */
  analysisRun?: AnalysisRunModel | AnalysisRunSummary;
}

export interface CanaryModel {
  steps: CanaryStep[];
  /** `status.currentStepIndex`; `steps.length` once every step is done. */
  currentStepIndex: number;
  complete: boolean;
  /** The weight the steps set so far: 0 while aborted, the maximum once complete. */
  setWeight: number;
  /** The share of traffic (or, without a traffic router, of available pods) on the new version. */
  actualWeight: number;
  /** 100 unless the traffic router sets `maxTrafficWeight`. */
  maxWeight: number;
  trafficRouting: boolean;
  stableService?: string;
  canaryService?: string;
}

export type PromotionState =
  /** The active Service runs the current version; nothing to promote. */
  | 'promoted'
  /** The new version runs behind the preview Service and waits for someone to promote it. */
  | 'awaiting-promotion'
  /** The new version waits for its pre-promotion analysis. */
  | 'pre-promotion-analysis'
  /** The active Service switched; the post-promotion analysis decides. */
  | 'post-promotion-analysis'
  /** The new version's pods are starting behind the preview Service. */
  | 'progressing'
  | 'aborted';

export interface BlueGreenModel {
  activeService: string;
  previewService?: string;
  /** The pod-template hashes the Services select now. */
  activeHash?: string;
  previewHash?: string;
  promotion: PromotionState;
  autoPromotionEnabled: boolean;
  autoPromotionSeconds?: number;
  /** When auto-promotion happens, while waiting with `autoPromotionSeconds`. */
  autoPromoteAt?: string;
  /** How long the old version keeps running after the switch (default 30s). */
  scaleDownDelaySeconds: number;
  previewReplicaCount?: number;
}

export type RevisionRole = 'stable' | 'canary' | 'active' | 'preview';

export interface RolloutRevision {
  replicaSet: string;
  podTemplateHash: string;
  /** `rollout.argoproj.io/revision` of the ReplicaSet, when the tree gives it. */
  revision?: number;
  roles: RevisionRole[];
  images: string[];
  podsReady: number;
  podsTotal: number;
  createdAt?: string;
}

export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

export interface RolloutModel {
  ref: ResourceRef;
  name: string;
  namespace: string;
  strategy: 'canary' | 'blueGreen' | 'unknown';
  /** `status.phase` (Argo Rollouts v1.0+); absent until the controller reports. */
  phase?: RolloutPhase;
  message?: string;
  /** `rollout.argoproj.io/revision`: the number of the current version. */
  revision?: string;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** Reasons of `status.pauseConditions` (CanaryPauseStep, BlueGreenPause, AnalysisRunInconclusive, …). */
  pauseReasons: string[];
  /** When the oldest pause condition started. */
  pausedSince?: string;
  /** Paused by a person (`spec.paused`). */
  pausedByUser: boolean;
  aborted: boolean;
  /** Full promotion requested (`status.promoteFull`), not yet done. */
  promotingFully: boolean;
  stableHash?: string;
  currentHash?: string;
  /** The current version runs everywhere: nothing to promote, abort or retry. */
  fullyPromoted: boolean;
  /** The controller reported on this Rollout (`status` with a `currentPodHash`). */
  reported: boolean;
  images: string[];
  canary?: CanaryModel;
  blueGreen?: BlueGreenModel;
  /** The versions in use first (stable, canary / active, preview), then older ones, newest first. */
  revisions: RolloutRevision[];
  /** Newest first: the live runs when loaded, else the summaries the status gives. */
  analysisRuns: Array<AnalysisRunModel | AnalysisRunSummary>;
}

const UNIT_SECONDS: Record<string, number> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

/**
 * An Argo Rollouts duration (`30`, `"30"`, `"10m"`, `"1h30m"`) in seconds;
 * undefined when it cannot be read. Plain numbers are seconds.
 */
export function parseRolloutDuration(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map(p => p[0]).join('') !== value) {
    return undefined;
  }
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * UNIT_SECONDS[unit],
    0,
  );
}

/** `600` → `10m`, `5400` → `1h30m`, `45` → `45s`. */
export function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}

/** Seconds from `now` until `endsAt` (ISO 8601), never below 0. */
export function secondsUntil(endsAt: string, now: Date): number {
  const end = Date.parse(endsAt);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, Math.ceil((end - now.getTime()) / 1000));
}

function addSeconds(iso: string | undefined, seconds: number) {
  const start = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(start)
    ? undefined
    : new Date(start + seconds * 1000).toISOString();
}

function imagesOf(template: Json | undefined): string[] {
  const containers: Json[] = template?.spec?.containers ?? [];
  return containers.map(c => String(c.image ?? '')).filter(Boolean);
}

function numberOr(value: unknown, fallback: number): number {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed)
    ? parsed
    : fallback;
}

function templateNames(analysis: Json | undefined): string[] {
  return ((analysis?.templates ?? []) as Json[]).map(t =>
    String(t.templateName ?? ''),
  );
}

function describeStep(step: Json): Omit<CanaryStep, 'index' | 'state'> {
  if (step.setWeight !== undefined) {
    return {
      kind: 'setWeight',
      label: `Set weight ${step.setWeight}%`,
      weight: numberOr(step.setWeight, 0),
    };
  }
  if (step.pause !== undefined) {
    const seconds = parseRolloutDuration(step.pause?.duration);
    return seconds === undefined
      ? { kind: 'pause', label: 'Pause until promoted' }
      : {
          kind: 'pause',
          label: `Pause ${formatSeconds(seconds)}`,
          pauseSeconds: seconds,
        };
  }
  if (step.analysis !== undefined) {
    const templates = templateNames(step.analysis);
    return {
      kind: 'analysis',
      label: `Analysis: ${templates.join(', ') || 'inline'}`,
      analysisTemplates: templates,
    };
  }
  if (step.setCanaryScale !== undefined) {
    const scale: Json = step.setCanaryScale ?? {};
    let what = 'back to the traffic weight';
    if (scale.replicas !== undefined) what = `${scale.replicas} replicas`;
    else if (scale.weight !== undefined) what = `${scale.weight}%`;
    return { kind: 'setCanaryScale', label: `Set canary scale: ${what}` };
  }
  if (step.setHeaderRoute !== undefined) {
    return {
      kind: 'setHeaderRoute',
      label: `Header route ${step.setHeaderRoute?.name ?? ''}`.trim(),
    };
  }
  if (step.setMirrorRoute !== undefined) {
    return {
      kind: 'setMirrorRoute',
      label: `Mirror route ${step.setMirrorRoute?.name ?? ''}`.trim(),
    };
  }
  if (step.experiment !== undefined) {
    return { kind: 'experiment', label: 'Experiment' };
  }
  if (step.plugin !== undefined) {
    return {
      kind: 'plugin',
      label: `Plugin ${step.plugin?.name ?? ''}`.trim(),
    };
  }
  return { kind: 'other', label: Object.keys(step)[0] ?? 'Step' };
}

function summaryOf(run: Json | undefined): AnalysisRunSummary | undefined {
  if (!run?.name) return undefined;
  return {
    name: String(run.name),
    phase: analysisPhase(run.status),
    ...(run.message ? { message: String(run.message) } : {}),
  };
}

/** A live AnalysisRun, with each metric's measurements and verdict. */
export function toAnalysisRunModel(run: Json): AnalysisRunModel {
  const labels: Record<string, string> = run.metadata?.labels ?? {};
  const annotations: Record<string, string> = run.metadata?.annotations ?? {};
  const specMetrics: Json[] = run.spec?.metrics ?? [];
  const results: Json[] = run.status?.metricResults ?? [];
  const kind = labels['rollout-type'];
  const stepIndex = labels['step-index'];
  const names = [
    ...specMetrics.map(metric => String(metric.name)),
    ...results
      .map(result => String(result.name))
      .filter(name => !specMetrics.some(metric => metric.name === name)),
  ];
  const metrics: MetricModel[] = names.map(name => {
    const spec = specMetrics.find(metric => metric.name === name) ?? {};
    const result = results.find(r => r.name === name) ?? {};
    const measurements: MeasurementModel[] = (
      (result.measurements ?? []) as Json[]
    ).map(m => ({
      phase: analysisPhase(m.phase),
      ...(m.value !== undefined && m.value !== ''
        ? { value: String(m.value) }
        : {}),
      ...(m.message ? { message: String(m.message) } : {}),
      ...(m.startedAt ? { startedAt: String(m.startedAt) } : {}),
      ...(m.finishedAt ? { finishedAt: String(m.finishedAt) } : {}),
    }));
    const count = parseCount(spec.count);
    return {
      name,
      phase: result.phase ? analysisPhase(result.phase) : 'Pending',
      ...(result.message ? { message: String(result.message) } : {}),
      ...(spec.successCondition
        ? { successCondition: String(spec.successCondition) }
        : {}),
      ...(spec.failureCondition
        ? { failureCondition: String(spec.failureCondition) }
        : {}),
      ...(count !== undefined ? { count } : {}),
      ...(spec.failureLimit !== undefined
        ? { failureLimit: numberOr(spec.failureLimit, 0) }
        : {}),
      ...(spec.inconclusiveLimit !== undefined
        ? { inconclusiveLimit: numberOr(spec.inconclusiveLimit, 0) }
        : {}),
      ...(spec.provider && typeof spec.provider === 'object'
        ? { provider: Object.keys(spec.provider)[0] }
        : {}),
      taken: numberOr(result.count, measurements.length),
      successful: numberOr(result.successful, 0),
      failed: numberOr(result.failed, 0),
      inconclusive: numberOr(result.inconclusive, 0),
      errors: numberOr(result.error, 0),
      measurements,
    };
  });
  return {
    name: String(run.metadata?.name ?? ''),
    ...(run.metadata?.namespace
      ? { namespace: String(run.metadata.namespace) }
      : {}),
    phase: analysisPhase(run.status?.phase),
    ...(run.status?.message ? { message: String(run.status.message) } : {}),
    ...(run.status?.startedAt
      ? { startedAt: String(run.status.startedAt) }
      : {}),
    kind:
      kind === 'Step' ||
      kind === 'Background' ||
      kind === 'PrePromotion' ||
      kind === 'PostPromotion'
        ? kind
        : 'Unknown',
    ...(stepIndex !== undefined && /^\d+$/.test(stepIndex)
      ? { stepIndex: Number(stepIndex) }
      : {}),
    ...(labels['rollouts-pod-template-hash']
      ? { podTemplateHash: labels['rollouts-pod-template-hash'] }
      : {}),
    ...(annotations['rollout.argoproj.io/revision']
      ? { revision: annotations['rollout.argoproj.io/revision'] }
      : {}),
    metrics,
  };
}

/** `count` of a metric: a number or an int-or-string; absent means no limit. */
function parseCount(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const count = Number(value);
  return Number.isFinite(count) ? count : undefined;
}

/**
 * The weight the steps set so far, as Argo Rollouts' `GetCurrentSetWeight`:
 * 0 while aborted, the maximum once past the last step, else the last
 * `setWeight` at or before the current step.
 */
function currentSetWeight(
  steps: CanaryStep[],
  index: number,
  aborted: boolean,
  maxWeight: number,
): number {
  if (aborted) return 0;
  if (index >= steps.length) return maxWeight;
  for (let i = index; i >= 0; i--) {
    if (steps[i].weight !== undefined) return steps[i].weight!;
  }
  return 0;
}

interface ReadContext {
  status: Json;
  pauseConditions: Json[];
  aborted: boolean;
  runs: AnalysisRunModel[];
}

function canaryModel(
  spec: Json,
  context: ReadContext,
  revisions: RolloutRevision[],
): CanaryModel {
  const { status, pauseConditions, aborted, runs } = context;
  const canary: Json = spec.strategy.canary ?? {};
  const rawSteps: Json[] = Array.isArray(canary.steps) ? canary.steps : [];
  const trafficRouting = Boolean(canary.trafficRouting);
  const maxWeight = numberOr(canary.trafficRouting?.maxTrafficWeight, 100);
  // The Rollouts controller reads an unset index as 0.
  const currentStepIndex = Math.min(
    numberOr(status.currentStepIndex, 0),
    rawSteps.length,
  );
  const complete = currentStepIndex >= rawSteps.length;
  const stepPause = pauseConditions.find(c => c.reason === 'CanaryPauseStep');
  const currentRun = summaryOf(status.canary?.currentStepAnalysisRunStatus);
  const currentHash: string | undefined = status.currentPodHash;

  const steps: CanaryStep[] = rawSteps.map((raw, index) => {
    const described = describeStep(raw);
    let state: StepState = 'pending';
    if (index < currentStepIndex) state = 'done';
    else if (index === currentStepIndex) state = 'current';
    const step: CanaryStep = { index, ...described, state };
    if (state === 'current' && described.kind === 'pause' && stepPause) {
      step.holding = true;
      if (described.pauseSeconds !== undefined) {
        const endsAt = addSeconds(stepPause.startTime, described.pauseSeconds);
        if (endsAt) step.pauseEndsAt = endsAt;
      }
    }
    if (described.kind === 'analysis') {
      const live = runs.find(
        run =>
          run.kind === 'Step' &&
          run.stepIndex === index &&
          (!currentHash ||
            !run.podTemplateHash ||
            run.podTemplateHash === currentHash),
      );
      const fromStatus =
        state === 'current' && currentRun ? currentRun : undefined;
      const run =
        fromStatus && live?.name !== fromStatus.name ? fromStatus : live;
      if (run) step.analysisRun = run;
    }
    return step;
  });

  const setWeight = currentSetWeight(
    steps,
    currentStepIndex,
    aborted,
    maxWeight,
  );

  // As the Rollouts CLI computes it: the maximum once past the last step;
  // with a traffic router the weight it reports; without one the canary's
  // share of available pods.
  let actualWeight = 0;
  if (complete && !aborted) {
    actualWeight = maxWeight;
  } else if (trafficRouting) {
    actualWeight = numberOr(status.canary?.weights?.canary?.weight, setWeight);
  } else {
    const available = numberOr(status.availableReplicas, 0);
    const canaryRevision = revisions.find(r => r.roles.includes('canary'));
    if (available > 0 && canaryRevision) {
      actualWeight = Math.floor(
        (Math.min(canaryRevision.podsReady, available) * maxWeight) / available,
      );
    }
  }

  return {
    steps,
    currentStepIndex,
    complete,
    setWeight,
    actualWeight,
    maxWeight,
    trafficRouting,
    ...(canary.stableService
      ? { stableService: String(canary.stableService) }
      : {}),
    ...(canary.canaryService
      ? { canaryService: String(canary.canaryService) }
      : {}),
  };
}

function blueGreenModel(spec: Json, context: ReadContext): BlueGreenModel {
  const { status, pauseConditions, aborted } = context;
  const blueGreen: Json = spec.strategy.blueGreen ?? {};
  const autoPromotionSeconds = parseRolloutDuration(
    blueGreen.autoPromotionSeconds,
  );
  const autoPromotionEnabled = blueGreen.autoPromotionEnabled !== false;
  const activeHash: string | undefined = status.blueGreen?.activeSelector;
  const previewHash: string | undefined = status.blueGreen?.previewSelector;
  const currentHash: string | undefined = status.currentPodHash;
  const pause = pauseConditions.find(c => c.reason === 'BlueGreenPause');
  const preRun = summaryOf(status.blueGreen?.prePromotionAnalysisRunStatus);
  const postRun = summaryOf(status.blueGreen?.postPromotionAnalysisRunStatus);
  const running = (run?: AnalysisRunSummary) =>
    run?.phase === 'Running' || run?.phase === 'Pending';

  let promotion: PromotionState;
  if (aborted) promotion = 'aborted';
  else if (currentHash && activeHash === currentHash) {
    promotion =
      status.stableRS !== currentHash && running(postRun)
        ? 'post-promotion-analysis'
        : 'promoted';
  } else if (pause) promotion = 'awaiting-promotion';
  else if (running(preRun)) promotion = 'pre-promotion-analysis';
  else promotion = 'progressing';

  return {
    activeService: String(blueGreen.activeService ?? ''),
    ...(blueGreen.previewService
      ? { previewService: String(blueGreen.previewService) }
      : {}),
    ...(activeHash ? { activeHash } : {}),
    ...(previewHash ? { previewHash } : {}),
    promotion,
    autoPromotionEnabled,
    ...(autoPromotionSeconds !== undefined ? { autoPromotionSeconds } : {}),
    ...(promotion === 'awaiting-promotion' &&
    autoPromotionEnabled &&
    autoPromotionSeconds !== undefined &&
    addSeconds(pause?.startTime, autoPromotionSeconds)
      ? { autoPromoteAt: addSeconds(pause?.startTime, autoPromotionSeconds) }
      : {}),
    scaleDownDelaySeconds:
      parseRolloutDuration(blueGreen.scaleDownDelaySeconds) ?? 30,
    ...(blueGreen.previewReplicaCount !== undefined
      ? { previewReplicaCount: numberOr(blueGreen.previewReplicaCount, 0) }
      : {}),
  };
}

function isOwnedBy(node: ResourceNode, kind: string, owner: ResourceRef) {
  return (node.parentRefs ?? []).some(
    parent =>
      parent.kind === kind &&
      (owner.uid && parent.uid
        ? parent.uid === owner.uid
        : parent.name === owner.name &&
          (parent.namespace ?? '') === (owner.namespace ?? '')),
  );
}

function revisionNumber(node: ResourceNode): number | undefined {
  const info = node.info?.find(item => item.name === 'Revision')?.value;
  const match = info?.match(/(\d+)/);
  return match ? Number(match[1]) : undefined;
}

function revisionsOf(
  ref: ResourceRef,
  tree: ResourceTree | undefined,
  roleOf: (hash: string) => RevisionRole[],
): RolloutRevision[] {
  if (!tree) return [];
  const replicaSets = tree.nodes.filter(
    node => node.kind === 'ReplicaSet' && isOwnedBy(node, 'Rollout', ref),
  );
  const revisions = replicaSets.map(rs => {
    // Rollouts name their ReplicaSets `<rollout>-<pod-template-hash>`.
    const hash = rs.name.startsWith(`${ref.name}-`)
      ? rs.name.slice(ref.name.length + 1)
      : rs.name;
    const pods = tree.nodes.filter(
      node => node.kind === 'Pod' && isOwnedBy(node, 'ReplicaSet', rs),
    );
    const revision = revisionNumber(rs);
    return {
      replicaSet: rs.name,
      podTemplateHash: hash,
      ...(revision !== undefined ? { revision } : {}),
      roles: roleOf(hash),
      images: rs.images ?? [],
      podsReady: pods.filter(pod => pod.health?.status === 'Healthy').length,
      podsTotal: pods.length,
      ...(rs.createdAt ? { createdAt: rs.createdAt } : {}),
    };
  });
  const order = (r: RolloutRevision) =>
    r.revision ?? (r.createdAt ? Date.parse(r.createdAt) : 0);
  return revisions.sort((a, b) => {
    const inUse = Number(b.roles.length > 0) - Number(a.roles.length > 0);
    return inUse !== 0 ? inUse : order(b) - order(a);
  });
}

/** The AnalysisRuns of the tree a Rollout owns, to load with `getLiveResource`. */
export function analysisRunRefsOf(
  rollout: Json,
  tree: ResourceTree | undefined,
): ResourceRef[] {
  const ref = rolloutRef(rollout);
  return (tree?.nodes ?? [])
    .filter(
      node =>
        node.group === ROLLOUT_GROUP &&
        node.kind === 'AnalysisRun' &&
        isOwnedBy(node, 'Rollout', ref),
    )
    .map(({ group, version, kind, namespace, name }) => ({
      group,
      version,
      kind,
      ...(namespace ? { namespace } : {}),
      name,
    }));
}

function rolloutRef(rollout: Json): ResourceRef {
  const [group, version] = String(
    rollout.apiVersion ?? 'argoproj.io/v1alpha1',
  ).split('/');
  return {
    group,
    version: version ?? 'v1alpha1',
    kind: 'Rollout',
    ...(rollout.metadata?.namespace
      ? { namespace: String(rollout.metadata.namespace) }
      : {}),
    name: String(rollout.metadata?.name ?? ''),
    ...(rollout.metadata?.uid ? { uid: String(rollout.metadata.uid) } : {}),
  };
}

/**
 * Reads one live Rollout. `tree` adds its ReplicaSets and Pods (revisions,
 * and the actual weight of a canary without traffic router);
 * `analysisRuns` (live AnalysisRun objects) add each metric's measurements.
 */
export function toRolloutModel(
  rollout: Json,
  options: { tree?: ResourceTree; analysisRuns?: Json[] } = {},
): RolloutModel {
  const spec: Json = rollout.spec ?? {};
  const status: Json = rollout.status ?? {};
  const ref = rolloutRef(rollout);
  let strategy: RolloutModel['strategy'] = 'unknown';
  if (spec.strategy?.canary) strategy = 'canary';
  else if (spec.strategy?.blueGreen) strategy = 'blueGreen';
  const pauseConditions: Json[] = Array.isArray(status.pauseConditions)
    ? status.pauseConditions
    : [];
  const aborted = status.abort === true;
  const stableHash: string | undefined = status.stableRS || undefined;
  const currentHash: string | undefined = status.currentPodHash || undefined;
  const runs = (options.analysisRuns ?? [])
    .map(toAnalysisRunModel)
    .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  const context: ReadContext = { status, pauseConditions, aborted, runs };

  const blueGreen =
    strategy === 'blueGreen' ? blueGreenModel(spec, context) : undefined;
  const roleOf = (hash: string): RevisionRole[] => {
    const roles: RevisionRole[] = [];
    if (hash === stableHash) roles.push('stable');
    if (strategy === 'blueGreen') {
      if (hash === blueGreen?.activeHash) roles.push('active');
      if (hash === blueGreen?.previewHash && hash !== blueGreen?.activeHash)
        roles.push('preview');
    } else if (hash === currentHash && hash !== stableHash) {
      roles.push('canary');
    }
    return roles;
  };
  const revisions = revisionsOf(ref, options.tree, roleOf);
  const canary =
    strategy === 'canary' ? canaryModel(spec, context, revisions) : undefined;

  const summaries = [
    status.canary?.currentStepAnalysisRunStatus,
    status.canary?.currentBackgroundAnalysisRunStatus,
    status.blueGreen?.prePromotionAnalysisRunStatus,
    status.blueGreen?.postPromotionAnalysisRunStatus,
  ]
    .map(summaryOf)
    .filter((run): run is AnalysisRunSummary => Boolean(run))
    .filter(summary => !runs.some(run => run.name === summary.name));

  const phase = ['Healthy', 'Progressing', 'Paused', 'Degraded'].includes(
    status.phase,
  )
    ? (status.phase as RolloutPhase)
    : undefined;
  const pausedSince = pauseConditions
    .map(c => c.startTime)
    .filter(Boolean)
    .sort()[0];

  return {
    ref,
    name: ref.name,
    namespace: ref.namespace ?? '',
    strategy,
    ...(phase ? { phase } : {}),
    ...(status.message ? { message: String(status.message) } : {}),
    ...(rollout.metadata?.annotations?.['rollout.argoproj.io/revision']
      ? {
          revision: String(
            rollout.metadata.annotations['rollout.argoproj.io/revision'],
          ),
        }
      : {}),
    replicas: numberOr(status.replicas, numberOr(spec.replicas, 1)),
    updatedReplicas: numberOr(status.updatedReplicas, 0),
    readyReplicas: numberOr(status.readyReplicas, 0),
    availableReplicas: numberOr(status.availableReplicas, 0),
    pauseReasons: pauseConditions.map(c => String(c.reason)),
    ...(pausedSince ? { pausedSince: String(pausedSince) } : {}),
    pausedByUser: spec.paused === true,
    aborted,
    promotingFully: status.promoteFull === true,
    ...(stableHash ? { stableHash } : {}),
    ...(currentHash ? { currentHash } : {}),
    fullyPromoted: Boolean(currentHash) && currentHash === stableHash,
    reported: Boolean(currentHash),
    images: imagesOf(spec.template),
    ...(canary ? { canary } : {}),
    ...(blueGreen ? { blueGreen } : {}),
    revisions,
    analysisRuns: [...runs, ...summaries],
  };
}

/** The live Rollouts among an app's managed resources. */
export function liveRollouts(resources: ManagedResource[]): Json[] {
  const rollouts: Json[] = [];
  for (const resource of resources) {
    if (
      resource.group !== ROLLOUT_GROUP ||
      resource.kind !== 'Rollout' ||
      !resource.liveState
    )
      continue;
    try {
      rollouts.push(JSON.parse(resource.liveState));
    } catch {
      // A state that is not JSON is the backend's bug; the card shows the others.
    }
  }
  return rollouts;
}

/** The step after the current one, if any. */
function nextStep(canary: CanaryModel): CanaryStep | undefined {
  return canary.steps[canary.currentStepIndex + 1];
}

function stepName(step: CanaryStep, total: number): string {
  return `step ${step.index + 1} of ${total} (${step.label})`;
}

/** Argo Rollouts' actions the card offers, in the order it shows them. */
export const ROLLOUT_ACTIONS = [
  'promote',
  'promote-full',
  'pause',
  'resume',
  'skip-current-step',
  'abort',
  'retry',
  'restart',
] as const;

export type RolloutActionName = (typeof ROLLOUT_ACTIONS)[number];

export const ROLLOUT_ACTION_TITLES: Record<RolloutActionName, string> = {
  promote: 'Promote',
  'promote-full': 'Promote full',
  pause: 'Pause',
  resume: 'Resume',
  'skip-current-step': 'Skip current step',
  abort: 'Abort',
  retry: 'Retry',
  restart: 'Restart',
};

/** What an action will do to this Rollout now, for the confirmation dialog. */
export function describeRolloutAction(
  action: RolloutActionName,
  model: RolloutModel,
): string {
  const { name, canary, blueGreen } = model;
  const total = canary?.steps.length ?? 0;
  const current = canary?.steps[canary.currentStepIndex];
  const next = canary ? nextStep(canary) : undefined;
  const newVersion = model.revision
    ? `revision ${model.revision}${
        model.images.length ? ` (${model.images.join(', ')})` : ''
      }`
    : 'the new version';
  switch (action) {
    case 'promote':
      if (blueGreen) {
        return `Switches the active Service ${
          blueGreen.activeService
        } to ${newVersion}${
          blueGreen.previewService
            ? `, now behind ${blueGreen.previewService}`
            : ''
        }. The old version keeps running for ${formatSeconds(
          blueGreen.scaleDownDelaySeconds,
        )}, then scales down.`;
      }
      if (canary && current && model.pauseReasons.length > 0) {
        return `Ends the pause of ${name} at ${stepName(current, total)}${
          next ? `; the rollout goes on with ${stepName(next, total)}` : ''
        }.`;
      }
      if (canary && current) {
        return `Skips ${stepName(current, total)} of ${name}${
          next ? ` and goes on with ${stepName(next, total)}` : ''
        }${
          current.kind === 'analysis'
            ? ', without waiting for the analysis'
            : ''
        }.`;
      }
      return `Lifts the pause of ${name}.`;
    case 'promote-full':
      return `Promotes ${newVersion} of ${name} to all of its ${
        model.replicas
      } replicas at once, skipping every remaining ${
        canary ? 'step, pause and analysis' : 'analysis and wait for promotion'
      }.`;
    case 'pause':
      return `Pauses ${name} where it is (spec.paused)${
        current ? `, at ${stepName(current, total)}` : ''
      }; it stays there until someone resumes or promotes it.`;
    case 'resume':
      return `Lifts the pause of ${name} (${[
        ...(model.pausedByUser ? ['paused by a person'] : []),
        ...model.pauseReasons,
      ].join(', ')})${
        current?.kind === 'pause' && next
          ? `; the rollout goes on with ${stepName(next, total)}`
          : ''
      }.`;
    case 'skip-current-step':
      return current
        ? `Skips ${stepName(current, total)} of ${name}${
            next
              ? ` and goes on with ${stepName(next, total)}`
              : ', its last step'
          }.`
        : `${name} has no step left to skip.`;
    case 'abort':
      return `Stops the rollout of ${newVersion} and sends all traffic back to the stable version${
        model.stableHash ? ` (${model.stableHash})` : ''
      }; the new version's pods scale down. ${name} stays Degraded until it is retried or Git changes.`;
    case 'retry':
      return `Starts the aborted rollout of ${newVersion} of ${name} again${
        canary ? ', from its first step' : ''
      }.`;
    case 'restart':
      return `Restarts every pod of ${name}, a few at a time (spec.restartAt); the version does not change.`;
    default:
      return action;
  }
}

/** Why the backend offers an action disabled, in the Rollout's terms. */
export function disabledActionReason(
  action: RolloutActionName,
  model: RolloutModel,
): string {
  if (!model.reported) {
    return 'The Argo Rollouts controller has not reported on this Rollout yet';
  }
  switch (action) {
    case 'promote':
    case 'promote-full':
      if (model.aborted) return 'The rollout was aborted: retry it first';
      return 'The current version is fully promoted';
    case 'abort':
      return model.aborted
        ? 'The rollout is aborted already'
        : 'Nothing is rolling out: the current version is fully promoted';
    case 'retry':
      return 'Only an aborted rollout can be retried';
    case 'pause':
      if (model.pausedByUser) return 'The Rollout is paused already';
      if (model.aborted) return 'The rollout was aborted';
      return 'Nothing is rolling out: the current version is fully promoted';
    case 'resume':
      return 'The Rollout is not paused';
    case 'skip-current-step':
      return model.canary
        ? 'Every canary step is done'
        : 'Only canary Rollouts with steps have steps to skip';
    default:
      return 'The Rollout cannot run this action now';
  }
}
