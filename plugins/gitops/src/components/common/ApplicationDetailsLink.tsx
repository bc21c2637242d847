import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { Component, type ReactNode } from 'react';

/** Falls back to its `fallback` when a child throws (here: no entity route mounted). */
class Fallback extends Component<
  { fallback: ReactNode; children: ReactNode },
  { failed: boolean }
> {
  static getDerivedStateFromError() {
    return { failed: true };
  }

  state = { failed: false };

  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function TabLink(props: { appKey: string; children: ReactNode }) {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  const base = entityRoute(entityRouteParams(entity)).replace(/\/$/, '');
  return (
    <Link to={`${base}/gitops?app=${encodeURIComponent(props.appKey)}`}>
      {props.children}
    </Link>
  );
}

/**
 * The app's name, linking to its details on the entity's GitOps tab; plain
 * text where the app has no entity pages (a test app, another host page).
 */
export function ApplicationDetailsLink(props: {
  appKey: string;
  children: ReactNode;
}) {
  return (
    <Fallback fallback={<span>{props.children}</span>}>
      <TabLink appKey={props.appKey}>{props.children}</TabLink>
    </Fallback>
  );
}
