import {
  RiCheckboxCircleFill,
  RiCloseCircleFill,
  RiLoader4Line,
  RiPauseCircleFill,
  RiQuestionFill,
} from '@remixicon/react';
import type { RolloutModel } from '../../lib/rollouts';
import { StatusBadge } from '../status';

/** The Rollout's phase as Argo Rollouts names it, with icon, colour and words. */
export function RolloutPhaseBadge(props: { model: RolloutModel }) {
  const { model } = props;
  const detail = [model.message, ...model.pauseReasons]
    .filter(Boolean)
    .join(' · ');
  switch (model.phase) {
    case 'Healthy':
      return (
        <StatusBadge tone="ok" icon={RiCheckboxCircleFill} label="Healthy" />
      );
    case 'Progressing':
      return (
        <StatusBadge
          tone="running"
          icon={RiLoader4Line}
          label="Progressing"
          detail={detail || undefined}
          spin
        />
      );
    case 'Paused':
      return (
        <StatusBadge
          tone="warning"
          icon={RiPauseCircleFill}
          label="Paused"
          detail={detail || undefined}
        />
      );
    case 'Degraded':
      return (
        <StatusBadge
          tone="error"
          icon={RiCloseCircleFill}
          label={model.aborted ? 'Degraded (aborted)' : 'Degraded'}
          detail={detail || undefined}
        />
      );
    default:
      return (
        <StatusBadge tone="pending" icon={RiQuestionFill} label="Unknown" />
      );
  }
}
