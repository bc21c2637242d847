import type {
  HealthStatusCode,
  OperationPhase,
  SyncStatusCode,
} from '@driftless/backstage-plugin-gitops-common';
import {
  RiArrowUpCircleFill,
  RiCheckboxCircleFill,
  RiCloseCircleFill,
  RiErrorWarningFill,
  RiGhostLine,
  RiHeartFill,
  RiIndeterminateCircleFill,
  RiLoader4Line,
  RiPauseCircleFill,
  RiQuestionFill,
  type RemixiconComponentType,
} from '@remixicon/react';
import { StatusBadge, type StatusTone } from './StatusBadge';

type Icon = RemixiconComponentType;

const SYNC: Record<SyncStatusCode, { tone: StatusTone; icon: Icon }> = {
  Synced: { tone: 'ok', icon: RiCheckboxCircleFill },
  OutOfSync: { tone: 'warning', icon: RiArrowUpCircleFill },
  Unknown: { tone: 'pending', icon: RiQuestionFill },
};

const HEALTH: Record<HealthStatusCode, { tone: StatusTone; icon: Icon }> = {
  Healthy: { tone: 'ok', icon: RiHeartFill },
  Progressing: { tone: 'running', icon: RiLoader4Line },
  Degraded: { tone: 'error', icon: RiErrorWarningFill },
  Suspended: { tone: 'pending', icon: RiPauseCircleFill },
  Missing: { tone: 'warning', icon: RiGhostLine },
  Unknown: { tone: 'pending', icon: RiQuestionFill },
};

const OPERATION: Record<OperationPhase, { tone: StatusTone; icon: Icon }> = {
  Running: { tone: 'running', icon: RiLoader4Line },
  Terminating: { tone: 'warning', icon: RiIndeterminateCircleFill },
  Succeeded: { tone: 'ok', icon: RiCheckboxCircleFill },
  Failed: { tone: 'error', icon: RiCloseCircleFill },
  Error: { tone: 'error', icon: RiCloseCircleFill },
};

const UNKNOWN = { tone: 'pending' as const, icon: RiQuestionFill };

export function SyncStatus(props: { status?: string; detail?: string }) {
  const status = props.status ?? 'Unknown';
  const look = SYNC[status as SyncStatusCode] ?? UNKNOWN;
  return <StatusBadge {...look} label={status} detail={props.detail} />;
}

export function HealthStatus(props: { status?: string; detail?: string }) {
  const status = props.status ?? 'Unknown';
  const look = HEALTH[status as HealthStatusCode] ?? UNKNOWN;
  return (
    <StatusBadge
      {...look}
      label={status}
      detail={props.detail}
      spin={status === 'Progressing'}
    />
  );
}

export function OperationStatus(props: { phase: string; detail?: string }) {
  const look = OPERATION[props.phase as OperationPhase] ?? UNKNOWN;
  return (
    <StatusBadge
      {...look}
      label={props.phase}
      detail={props.detail}
      spin={props.phase === 'Running'}
    />
  );
}

/** The phase of an AnalysisRun or a measurement, in the same look. */
export function AnalysisStatus(props: { status: string; detail?: string }) {
  const tones: Record<string, { tone: StatusTone; icon: Icon }> = {
    Successful: { tone: 'ok', icon: RiCheckboxCircleFill },
    Running: { tone: 'running', icon: RiLoader4Line },
    Pending: { tone: 'pending', icon: RiPauseCircleFill },
    Failed: { tone: 'error', icon: RiCloseCircleFill },
    Error: { tone: 'error', icon: RiErrorWarningFill },
    Inconclusive: { tone: 'warning', icon: RiQuestionFill },
  };
  const look = tones[props.status] ?? UNKNOWN;
  return (
    <StatusBadge
      {...look}
      label={props.status}
      detail={props.detail}
      spin={props.status === 'Running'}
    />
  );
}
