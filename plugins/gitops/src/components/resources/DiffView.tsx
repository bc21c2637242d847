import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { Fragment, useMemo } from 'react';
import {
  collapseUnchanged,
  sideBySideDiff,
  type DiffRow,
} from '../../lib/manifests';

const useStyles = makeStyles(theme => {
  const dark = theme.palette.type === 'dark';
  return {
    table: {
      width: '100%',
      borderCollapse: 'collapse',
      tableLayout: 'fixed',
      fontFamily: 'monospace',
      fontSize: 12,
    },
    header: {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.palette.divider}`,
      fontFamily: theme.typography.fontFamily,
    },
    number: {
      width: 40,
      textAlign: 'right',
      color: theme.palette.text.secondary,
      padding: '0 6px',
      userSelect: 'none',
      verticalAlign: 'top',
    },
    code: {
      whiteSpace: 'pre-wrap',
      wordBreak: 'break-all',
      padding: '0 6px',
      verticalAlign: 'top',
    },
    removed: { background: dark ? '#5a1e1e' : '#ffebe9' },
    added: { background: dark ? '#1e4620' : '#e6ffec' },
    collapsed: {
      color: theme.palette.text.secondary,
      background: theme.palette.action.hover,
      textAlign: 'center',
      fontStyle: 'italic',
    },
  };
});

/**
 * Two manifests side by side, changed lines highlighted and marked with
 * `-`/`+` (so the change reads without colour), unchanged stretches folded.
 */
export function DiffView(props: {
  left: string;
  right: string;
  leftTitle: string;
  rightTitle: string;
}) {
  const classes = useStyles();
  const rows = useMemo(
    () => collapseUnchanged(sideBySideDiff(props.left, props.right)),
    [props.left, props.right],
  );
  const changed = rows.some(
    row => row.type !== 'same' && row.type !== 'collapsed',
  );
  if (!changed) {
    return (
      <Typography variant="body2">
        No differences: the live object already matches what Git asks for.
      </Typography>
    );
  }
  const side = (row: DiffRow, which: 'left' | 'right') => {
    const cell = row[which];
    const change = Boolean(cell) && row.type !== 'same';
    let marked = '';
    let sign = ' ';
    if (change) {
      marked = which === 'left' ? classes.removed : classes.added;
      sign = which === 'left' ? '-' : '+';
    }
    return (
      <Fragment>
        <td className={`${classes.number} ${marked}`}>{cell?.line ?? ''}</td>
        <td className={`${classes.code} ${marked}`}>
          {cell ? `${sign} ${cell.text}` : ''}
        </td>
      </Fragment>
    );
  };
  return (
    <table className={classes.table} aria-label="Side-by-side diff">
      <colgroup>
        <col style={{ width: 40 }} />
        <col />
        <col style={{ width: 40 }} />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th colSpan={2} className={classes.header}>
            {props.leftTitle}
          </th>
          <th colSpan={2} className={classes.header}>
            {props.rightTitle}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) =>
          row.type === 'collapsed' ? (
            <tr key={index}>
              <td colSpan={4} className={classes.collapsed}>
                {row.count} unchanged {row.count === 1 ? 'line' : 'lines'}
              </td>
            </tr>
          ) : (
            <tr key={index} data-diff={row.type}>
              {side(row, 'left')}
              {side(row, 'right')}
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}
