import type { GitOpsApplication } from '@driftless/backstage-plugin-gitops-common';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { TreeItem, TreeView } from '@material-ui/lab';
import { RiArrowDownSLine, RiArrowRightSLine } from '@remixicon/react';
import { useMemo, useState, type MouseEvent } from 'react';
import {
  expandableIds,
  resourceTreeItems,
  type ResourceRow,
  type ResourceTreeItem,
} from '../../lib/resources';
import { HealthStatus, SyncStatus } from '../status';

const APP_NODE_ID = 'application';

const useStyles = makeStyles(theme => ({
  label: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    padding: theme.spacing(0.5, 0),
  },
  kind: {
    color: theme.palette.text.secondary,
    minWidth: 90,
    fontSize: 12,
    textTransform: 'uppercase',
  },
  name: { fontWeight: 500 },
  note: { color: theme.palette.text.secondary, fontSize: 12 },
}));

/** What a screen reader says for a node: its name and statuses, not every fact on it. */
function accessibleName(...parts: Array<string | undefined>): string {
  return parts.filter(Boolean).join(', ');
}

function NodeLabel(props: { row: ResourceRow }) {
  const classes = useStyles();
  const { row } = props;
  return (
    <span className={classes.label}>
      <span className={classes.kind}>{row.kind}</span>
      <span className={classes.name}>{row.name}</span>
      {row.namespace && <span className={classes.note}>{row.namespace}</span>}
      {row.syncStatus && <SyncStatus status={row.syncStatus} />}
      {row.health && (
        <HealthStatus status={row.health.status} detail={row.health.message} />
      )}
      {row.hook && <span className={classes.note}>hook</span>}
      {row.requiresPruning && (
        <span className={classes.note}>requires pruning</span>
      )}
      {row.info.map(fact => (
        <span key={fact.name} className={classes.note}>
          {fact.name}: {fact.value}
        </span>
      ))}
    </span>
  );
}

/**
 * The app's resources as a tree: the Application, the resources Git defines,
 * and what they own in the cluster (a Deployment's ReplicaSets and their
 * Pods). Clicking a resource, or Space on it, opens its details; the arrow
 * expands and collapses.
 */
export function ResourcesTree(props: {
  app: GitOpsApplication;
  rows: ResourceRow[];
  onOpen: (row: ResourceRow) => void;
}) {
  const { app, rows, onOpen } = props;
  const items = useMemo(() => resourceTreeItems(rows), [rows]);
  const rowsById = useMemo(
    () => new Map(rows.map(row => [row.id, row])),
    [rows],
  );
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const expanded = [APP_NODE_ID, ...expandableIds(items)].filter(
    id => !collapsed.has(id),
  );

  const render = (item: ResourceTreeItem) => (
    <TreeItem
      key={item.row.id}
      nodeId={item.row.id}
      aria-label={accessibleName(
        `${item.row.kind} ${item.row.name}`,
        item.row.syncStatus,
        item.row.health?.status,
      )}
      label={<NodeLabel row={item.row} />}
      onLabelClick={(event: MouseEvent) => {
        // Opening details must not also fold the node.
        event.preventDefault();
        onOpen(item.row);
      }}
    >
      {item.children.length > 0 ? item.children.map(render) : null}
    </TreeItem>
  );

  return (
    <TreeView
      aria-label={`Resources of ${app.metadata.name}`}
      defaultCollapseIcon={<RiArrowDownSLine size={18} aria-hidden />}
      defaultExpandIcon={<RiArrowRightSLine size={18} aria-hidden />}
      expanded={expanded}
      selected=""
      onNodeToggle={(_event, nodeIds: string[]) => {
        const open = new Set(nodeIds);
        setCollapsed(
          new Set(
            [APP_NODE_ID, ...expandableIds(items)].filter(id => !open.has(id)),
          ),
        );
      }}
      onNodeSelect={(event: { type: string }, nodeId: string) => {
        // Mouse clicks open through the label; this is the keyboard's way.
        const row = rowsById.get(nodeId);
        if (row && event.type === 'keydown') onOpen(row);
      }}
    >
      <TreeItem
        nodeId={APP_NODE_ID}
        aria-label={accessibleName(
          `Application ${app.metadata.name}`,
          app.status.sync.status,
          app.status.health.status,
        )}
        label={
          <span>
            <Typography component="span" variant="body2" color="textSecondary">
              APPLICATION{' '}
            </Typography>
            <strong>{app.metadata.name}</strong>{' '}
            <SyncStatus status={app.status.sync.status} />{' '}
            <HealthStatus
              status={app.status.health.status}
              detail={app.status.health.message}
            />
          </span>
        }
      >
        {items.length > 0 ? items.map(render) : null}
      </TreeItem>
    </TreeView>
  );
}
