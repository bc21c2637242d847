import {
  EmptyState,
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  getEntityApplicationLinks,
} from '@driftless/backstage-plugin-gitops-common';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Fragment } from 'react';
import { applicationKey } from '../../lib/applications';
import { RolloutPanel } from './RolloutPanel';
import { useEntityRollouts } from './useEntityRollouts';

/**
 * The Argo Rollouts the entity's Applications manage: canary steps and
 * weights, blue-green Services and promotion, revisions, AnalysisRuns with
 * their measurements, and Argo Rollouts' actions. Updates live.
 */
export const EntityRolloutCard = (props: {
  title?: string;
  /** Render nothing when the entity's apps manage no Rollout (for overviews). */
  hideWhenEmpty?: boolean;
}) => {
  const title = props.title ?? 'Rollouts';
  const { entity } = useEntity();
  if (!getEntityApplicationLinks(entity)) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationEmptyState
          annotation={[
            ARGOCD_APP_SELECTOR_ANNOTATION,
            ARGOCD_APP_NAME_ANNOTATION,
          ]}
        />
      </InfoCard>
    );
  }
  return (
    <LinkedRolloutsCard title={title} hideWhenEmpty={props.hideWhenEmpty} />
  );
};

function LinkedRolloutsCard(props: { title: string; hideWhenEmpty?: boolean }) {
  const { entity } = useEntity();
  const { value, error, loading, reload } = useEntityRollouts(entity);

  let body;
  if (loading) {
    body = <Progress />;
  } else if (!value) {
    body = <ResponseErrorPanel error={error ?? new Error('No response')} />;
  } else {
    const withRollouts = value.applications.filter(
      app => app.rollouts.length > 0 || app.error,
    );
    if (withRollouts.length === 0) {
      if (props.hideWhenEmpty) return null;
      body = (
        <EmptyState
          missing="data"
          title="No Argo Rollouts"
          description={
            value.applications.length === 0
              ? 'No Application matches this entity, so there is no Rollout to show.'
              : `None of this entity's ${value.applications.length} Application(s) manages a live argoproj.io Rollout.`
          }
        />
      );
    } else {
      body = (
        <>
          {error && (
            <Alert severity="warning">
              Showing the last known state: loading it again failed (
              {error.message}).
            </Alert>
          )}
          {value.truncated && (
            <Alert severity="info">
              Only the Rollouts of the entity's first{' '}
              {value.applications.length} Applications are shown.
            </Alert>
          )}
          {withRollouts.map(({ app, rollouts, error: appError }, i) => (
            <Fragment key={applicationKey(app.metadata)}>
              {i > 0 && <Divider />}
              <Typography variant="overline" component="h2">
                Application {app.metadata.name}
              </Typography>
              {appError && (
                <Alert severity="error">
                  Could not read the Rollouts of {app.metadata.namespace}/
                  {app.metadata.name}: {appError.message}
                </Alert>
              )}
              {rollouts.map(({ model, actions }) => (
                <RolloutPanel
                  key={`${model.namespace}/${model.name}`}
                  app={app}
                  model={model}
                  offered={actions}
                  onChanged={reload}
                />
              ))}
            </Fragment>
          ))}
        </>
      );
    }
  }
  return <InfoCard title={props.title}>{body}</InfoCard>;
}
