import { Link } from '@backstage/core-components';
import { useApiHolder } from '@backstage/core-plugin-api';
import { scmIntegrationsApiRef } from '@backstage/integration-react';
import Tooltip from '@material-ui/core/Tooltip';
import { commitUrl } from '../../lib/commitLinks';
import { shortRevision } from '../../lib/applications';

/**
 * A commit as its short SHA, linked to the commit's page when the
 * repository is on a host the app's SCM integrations know; plain text
 * otherwise (a local repository, an unknown host, a Helm chart version).
 */
export function RevisionLink(props: { repoURL?: string; revision?: string }) {
  const integrations = useApiHolder().get(scmIntegrationsApiRef);
  const { repoURL, revision } = props;
  if (!revision) return <span>—</span>;
  const text = shortRevision(revision);
  const url = integrations
    ? commitUrl(integrations, repoURL, revision)
    : undefined;
  const content = url ? (
    <Link to={url} aria-label={`Commit ${revision}`}>
      <code>{text}</code>
    </Link>
  ) : (
    <code>{text}</code>
  );
  return text === revision ? (
    content
  ) : (
    <Tooltip title={revision}>{content}</Tooltip>
  );
}
