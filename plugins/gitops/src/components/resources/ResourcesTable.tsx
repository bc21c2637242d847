import Box from '@material-ui/core/Box';
import Link from '@material-ui/core/Link';
import MenuItem from '@material-ui/core/MenuItem';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import {
  filterResourceRows,
  resourceFilterOptions,
  type ResourceFilter,
  type ResourceRow,
} from '../../lib/resources';
import { HealthStatus, SyncStatus } from '../status';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  select: { minWidth: 150 },
  message: { maxWidth: 420, wordBreak: 'break-word' },
  child: { paddingLeft: theme.spacing(2) },
}));

const ALL = '';

function FilterSelect(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  const classes = useStyles();
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      label={props.label}
      value={props.value}
      onChange={event => props.onChange(event.target.value)}
      className={classes.select}
      SelectProps={{
        SelectDisplayProps: { 'aria-label': props.label } as object,
      }}
    >
      <MenuItem value={ALL}>All</MenuItem>
      {props.options.map(option => (
        <MenuItem key={option} value={option}>
          {option}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * The app's resources as a table, narrowed by kind, sync status, health and
 * text. Each resource's name opens its details.
 */
export function ResourcesTable(props: {
  rows: ResourceRow[];
  onOpen: (row: ResourceRow) => void;
}) {
  const classes = useStyles();
  const { rows, onOpen } = props;
  const [filter, setFilter] = useState<ResourceFilter>({});
  const options = useMemo(() => resourceFilterOptions(rows), [rows]);
  const shown = useMemo(() => filterResourceRows(rows, filter), [rows, filter]);
  const update = (change: ResourceFilter) =>
    setFilter(previous => ({ ...previous, ...change }));

  return (
    <>
      <Box className={classes.filters}>
        <FilterSelect
          label="Kind"
          value={filter.kind ?? ALL}
          options={options.kinds}
          onChange={kind => update({ kind })}
        />
        <FilterSelect
          label="Sync status"
          value={filter.syncStatus ?? ALL}
          options={options.syncStatuses}
          onChange={syncStatus => update({ syncStatus })}
        />
        <FilterSelect
          label="Health"
          value={filter.health ?? ALL}
          options={options.healths}
          onChange={health => update({ health })}
        />
        <TextField
          size="small"
          variant="outlined"
          label="Search"
          placeholder="Name, namespace, message"
          value={filter.text ?? ''}
          onChange={event => update({ text: event.target.value })}
          inputProps={{ 'aria-label': 'Search resources' }}
        />
      </Box>
      <Typography variant="caption" color="textSecondary" role="status">
        {shown.length} of {rows.length} resources
      </Typography>
      <Table size="small" aria-label="Resources">
        <TableHead>
          <TableRow>
            <TableCell>Kind</TableCell>
            <TableCell>Name</TableCell>
            <TableCell>Namespace</TableCell>
            <TableCell>Sync status</TableCell>
            <TableCell>Health</TableCell>
            <TableCell>Message</TableCell>
            <TableCell>Wave</TableCell>
            <TableCell>Hook</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.length === 0 && (
            <TableRow>
              <TableCell colSpan={8}>
                No resource matches these filters.
              </TableCell>
            </TableRow>
          )}
          {shown.map(row => (
            <TableRow key={row.id} data-resource-id={row.id} hover>
              <TableCell className={row.managed ? undefined : classes.child}>
                {row.kind}
              </TableCell>
              <TableCell>
                <Link
                  component="button"
                  variant="body2"
                  onClick={() => onOpen(row)}
                  aria-label={`Details of ${row.kind} ${row.name}`}
                >
                  {row.name}
                </Link>
              </TableCell>
              <TableCell>{row.namespace ?? '—'}</TableCell>
              <TableCell>
                {row.syncStatus ? <SyncStatus status={row.syncStatus} /> : '—'}
              </TableCell>
              <TableCell>
                {row.health ? (
                  <HealthStatus
                    status={row.health.status}
                    detail={row.health.message}
                  />
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell className={classes.message}>
                {row.message ?? ''}
                {row.requiresPruning && (
                  <>{row.message ? ' · ' : ''}Requires pruning</>
                )}
              </TableCell>
              <TableCell>{row.syncWave ?? '—'}</TableCell>
              <TableCell>{row.hook ? 'Yes' : 'No'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
