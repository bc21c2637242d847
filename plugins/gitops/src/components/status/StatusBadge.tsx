import { makeStyles, Theme } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import type { RemixiconComponentType } from '@remixicon/react';

export type StatusTone = 'ok' | 'warning' | 'error' | 'running' | 'pending';

const useStyles = makeStyles<Theme>(theme => {
  // Backstage themes carry status colours; fall back for plain MUI themes.
  const status = (theme.palette as any).status ?? {};
  return {
    badge: {
      display: 'inline-flex',
      alignItems: 'center',
      gap: theme.spacing(0.5),
      whiteSpace: 'nowrap',
      fontWeight: 500,
    },
    icon: { width: 18, height: 18, flexShrink: 0 },
    ok: { color: status.ok ?? theme.palette.success.main },
    warning: { color: status.warning ?? theme.palette.warning.main },
    error: { color: status.error ?? theme.palette.error.main },
    running: { color: status.running ?? theme.palette.info.main },
    pending: { color: status.pending ?? theme.palette.text.secondary },
    spin: {
      animation: '$spin 1.6s linear infinite',
      '@media (prefers-reduced-motion: reduce)': { animation: 'none' },
    },
    '@keyframes spin': {
      from: { transform: 'rotate(0deg)' },
      to: { transform: 'rotate(360deg)' },
    },
  };
});

/**
 * A status shown three ways at once: an icon, a colour and its name in
 * words, so it reads without colour vision and for screen readers.
 */
export function StatusBadge(props: {
  tone: StatusTone;
  icon: RemixiconComponentType;
  label: string;
  /** More detail on hover (a health message, an operation's message). */
  detail?: string;
  spin?: boolean;
}) {
  const classes = useStyles();
  const { tone, icon: Icon, label, detail, spin } = props;
  const badge = (
    <span
      className={`${classes.badge} ${classes[tone]}`}
      data-status={label}
      data-tone={tone}
    >
      <Icon
        className={`${classes.icon} ${spin ? classes.spin : ''}`}
        aria-hidden
      />
      <span>{label}</span>
    </span>
  );
  return detail ? <Tooltip title={detail}>{badge}</Tooltip> : badge;
}
