import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  HEALTH_STATUS_CODES,
  SYNC_STATUS_CODES,
  type ClusterSummary,
} from '@driftless/backstage-plugin-gitops-common';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { hasFilters, NO_FILTERS, type FleetFilters } from './fleetQuery';

/** Typing pauses this long before the list is asked again. */
export const TYPING_DEBOUNCE_MS = 400;

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  },
  search: { minWidth: 240, flexGrow: 1 },
  field: { minWidth: 160 },
}));

/** A text field that reports its value once typing pauses. */
function DebouncedTextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
  placeholder?: string;
  type?: string;
}) {
  const { id, label, value, onChange, className, placeholder, type } = props;
  const [text, setText] = useState(value);
  // Cleared or set from outside (the "Clear filters" button).
  useEffect(() => setText(value), [value]);
  useDebounce(
    () => {
      if (text !== value) onChange(text);
    },
    TYPING_DEBOUNCE_MS,
    [text],
  );
  return (
    <TextField
      id={id}
      className={className}
      label={label}
      placeholder={placeholder}
      type={type}
      value={text}
      onChange={event => setText(event.target.value)}
    />
  );
}

function MultiSelect<T extends string>(props: {
  id: string;
  label: string;
  options: readonly T[];
  value: T[];
  onChange: (value: T[]) => void;
}) {
  const classes = useStyles();
  const { id, label, options, value, onChange } = props;
  return (
    <FormControl className={classes.field}>
      <InputLabel id={`${id}-label`}>{label}</InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        multiple
        value={value}
        renderValue={selected => (selected as T[]).join(', ')}
        onChange={event => onChange(event.target.value as T[])}
      >
        {options.map(option => (
          <MenuItem key={option} value={option}>
            {option}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** Groups from the catalog, as owner choices; free text when there is no catalog. */
function useOwnerOptions(): Array<{ ref: string; title: string }> {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!catalogApi) return [];
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items
      .map(group => ({
        ref: `group:${group.metadata.namespace ?? 'default'}/${
          group.metadata.name
        }`,
        title: group.metadata.title ?? group.metadata.name,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi]);
  return value ?? [];
}

/** The fleet page's filters: search, project, cluster, namespace, sync, health, owner. */
export function FleetFiltersBar(props: {
  filters: FleetFilters;
  onChange: (filters: FleetFilters) => void;
  clusters: ClusterSummary[];
}) {
  const classes = useStyles();
  const { filters, onChange, clusters } = props;
  const owners = useOwnerOptions();
  const set = <K extends keyof FleetFilters>(key: K, value: FleetFilters[K]) =>
    onChange({ ...filters, [key]: value });
  const ownerTitle = (ref: string) =>
    owners.find(owner => owner.ref === ref)?.title ?? ref;

  return (
    <div className={classes.bar} role="search" aria-label="Filter applications">
      <DebouncedTextField
        className={classes.search}
        id="gitops-fleet-search"
        label="Search applications"
        placeholder="Name contains…"
        type="search"
        value={filters.search}
        onChange={value => set('search', value)}
      />
      <DebouncedTextField
        className={classes.field}
        id="gitops-fleet-project"
        label="Project"
        value={filters.project}
        onChange={value => set('project', value)}
      />
      <FormControl className={classes.field}>
        {/* Shrunk: the empty choice shows its own text, "Any cluster". */}
        <InputLabel id="gitops-fleet-cluster-label" shrink>
          Cluster
        </InputLabel>
        <Select
          labelId="gitops-fleet-cluster-label"
          id="gitops-fleet-cluster"
          value={filters.cluster}
          displayEmpty
          onChange={event => set('cluster', String(event.target.value))}
        >
          <MenuItem value="">Any cluster</MenuItem>
          {clusters.map(cluster => (
            <MenuItem key={cluster.name} value={cluster.name}>
              {cluster.name}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <DebouncedTextField
        className={classes.field}
        id="gitops-fleet-namespace"
        label="Namespace"
        value={filters.namespace}
        onChange={value => set('namespace', value)}
      />
      <MultiSelect
        id="gitops-fleet-sync"
        label="Sync status"
        options={SYNC_STATUS_CODES}
        value={filters.sync}
        onChange={value => set('sync', value)}
      />
      <MultiSelect
        id="gitops-fleet-health"
        label="Health"
        options={HEALTH_STATUS_CODES}
        value={filters.health}
        onChange={value => set('health', value)}
      />
      <Autocomplete
        id="gitops-fleet-owner"
        className={classes.field}
        freeSolo
        autoSelect
        options={owners.map(owner => owner.ref)}
        getOptionLabel={ownerTitle}
        value={filters.owner || null}
        onChange={(_event, value) => set('owner', value ?? '')}
        renderInput={params => (
          <TextField {...params} label="Owner" placeholder="group:default/…" />
        )}
      />
      <Button
        disabled={!hasFilters(filters)}
        onClick={() => onChange(NO_FILTERS)}
      >
        Clear filters
      </Button>
    </div>
  );
}
