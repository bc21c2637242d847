import {
  EmptyState,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  getEntityApplicationLinks,
  type GitOpsApplication,
} from '@driftless/backstage-plugin-gitops-common';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { Alert } from '@material-ui/lab';
import { useSearchParams } from 'react-router-dom';
import { useEntityApplications } from '../../hooks/useEntityApplications';
import { applicationKey, environmentOf } from '../../lib/applications';
import { HealthStatus, SyncStatus } from '../status';
import { ApplicationDetailsView } from './ApplicationDetailsView';

/** The query parameter that picks an app (`namespace/name`); the overview card links with it. */
export const APP_QUERY_PARAMETER = 'app';

function ApplicationTabLabel(props: { app: GitOpsApplication }) {
  const { app } = props;
  const environment = environmentOf(app);
  return (
    <Box display="flex" flexDirection="column" alignItems="flex-start">
      <span>
        {app.metadata.name}
        {environment ? ` (${environment})` : ''}
      </span>
      <Box display="flex" gridGap={8} fontSize={12}>
        <SyncStatus status={app.status.sync.status} />
        <HealthStatus status={app.status.health.status} />
      </Box>
    </Box>
  );
}

function LinkedApplications() {
  const { entity } = useEntity();
  const { value, error, loading } = useEntityApplications(entity);
  const [searchParams, setSearchParams] = useSearchParams();

  if (loading) return <Progress />;
  if (!value) {
    return <ResponseErrorPanel error={error ?? new Error('No response')} />;
  }
  const apps = value.applications;
  if (apps.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No Applications match this entity"
        description={`Its ${ARGOCD_APP_NAME_ANNOTATION} or ${ARGOCD_APP_SELECTOR_ANNOTATION} annotation names no Application the GitOps backend knows, or none you may read. Check the names and labels against your Applications.`}
      />
    );
  }
  const requested = searchParams.get(APP_QUERY_PARAMETER);
  const selected =
    apps.find(app => applicationKey(app.metadata) === requested) ?? apps[0];
  const select = (key: string) =>
    setSearchParams(
      previous => {
        const next = new URLSearchParams(previous);
        next.set(APP_QUERY_PARAMETER, key);
        return next;
      },
      { replace: true },
    );

  return (
    <>
      {requested && applicationKey(selected.metadata) !== requested && (
        <Alert severity="info">
          This entity follows no Application {requested} that you may read;
          showing {applicationKey(selected.metadata)}.
        </Alert>
      )}
      {value.truncated && (
        <Alert severity="info">
          Showing the first {apps.length} Applications this entity follows.
        </Alert>
      )}
      {apps.length > 1 && (
        <Box mb={2}>
          <Tabs
            value={applicationKey(selected.metadata)}
            onChange={(_event, key: string) => select(key)}
            variant="scrollable"
            scrollButtons="auto"
            indicatorColor="primary"
            aria-label="Applications"
          >
            {apps.map(app => (
              <Tab
                key={applicationKey(app.metadata)}
                value={applicationKey(app.metadata)}
                label={<ApplicationTabLabel app={app} />}
                aria-label={app.metadata.name}
              />
            ))}
          </Tabs>
        </Box>
      )}
      <ApplicationDetailsView
        key={applicationKey(selected.metadata)}
        app={selected}
      />
    </>
  );
}

/**
 * The GitOps tab of an entity page: for each Application the entity's
 * annotations link, its problems, resources (tree and table, with diffs,
 * manifests and events per resource) and sync history. It renders for every
 * component and system, and says which annotation to add when the entity
 * has none.
 */
export const EntityGitOpsContent = () => {
  const { entity } = useEntity();
  if (!getEntityApplicationLinks(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          ARGOCD_APP_SELECTOR_ANNOTATION,
          ARGOCD_APP_NAME_ANNOTATION,
        ]}
      />
    );
  }
  return <LinkedApplications />;
};
