import Tooltip from '@material-ui/core/Tooltip';
import { DateTime } from 'luxon';

/**
 * "3 minutes ago", with the exact local time (and zone) on hover and in
 * the element's `dateTime` for assistive technology.
 */
export function RelativeTime(props: { value?: string; fallback?: string }) {
  if (!props.value) return <span>{props.fallback ?? '—'}</span>;
  const time = DateTime.fromISO(props.value);
  if (!time.isValid) return <span>{props.value}</span>;
  const exact = time.toLocaleString(DateTime.DATETIME_FULL_WITH_SECONDS);
  return (
    <Tooltip title={exact}>
      <time dateTime={time.toISO() ?? props.value} aria-label={exact}>
        {time.toRelative() ?? exact}
      </time>
    </Tooltip>
  );
}
