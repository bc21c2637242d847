import Button, { type ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import { useId } from 'react';

const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

/**
 * A button that is either usable or disabled with the reason: on hover (a
 * disabled button gets no pointer events, so the tooltip sits on a
 * wrapper) and as the button's accessible description, which screen
 * readers announce with it.
 */
export function GatedButton(
  props: ButtonProps & { disabledReason?: string; label: string },
) {
  const { disabledReason, label, ...buttonProps } = props;
  const reasonId = useId();
  if (!disabledReason) {
    return <Button {...buttonProps}>{label}</Button>;
  }
  return (
    <Tooltip title={disabledReason}>
      <span data-disabled-reason={disabledReason}>
        <Button {...buttonProps} disabled aria-describedby={reasonId}>
          {label}
        </Button>
        <span id={reasonId} style={visuallyHidden}>
          {disabledReason}
        </span>
      </span>
    </Tooltip>
  );
}
