import {
  InfoCard,
  MissingAnnotationEmptyState,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ARGOCD_APP_NAME_ANNOTATION,
  ARGOCD_APP_SELECTOR_ANNOTATION,
  getEntityApplicationLinks,
} from '@driftless/backstage-plugin-gitops-common';
import Typography from '@material-ui/core/Typography';

interface LinkRow {
  by: 'name' | 'selector';
  value: string;
}

const columns: TableColumn<LinkRow>[] = [
  { title: 'Linked by', field: 'by' },
  {
    title: 'Application name or label selector',
    field: 'value',
    highlight: true,
  },
];

/**
 * The GitOps tab of an entity page. It reads which Applications the entity
 * follows from its annotations, and says which annotation to add when it has
 * none.
 */
export const EntityGitOpsContent = () => {
  const { entity } = useEntity();
  const links = getEntityApplicationLinks(entity);

  if (!links) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          ARGOCD_APP_NAME_ANNOTATION,
          ARGOCD_APP_SELECTOR_ANNOTATION,
        ]}
      />
    );
  }

  const rows: LinkRow[] = [
    ...links.appNames.map(value => ({ by: 'name' as const, value })),
    ...links.appSelectors.map(value => ({ by: 'selector' as const, value })),
  ];
  return (
    <InfoCard title="GitOps">
      {links.projectName && (
        <Typography variant="body2" gutterBottom>
          Restricted to AppProject <strong>{links.projectName}</strong>.
        </Typography>
      )}
      <Table<LinkRow>
        title="Applications this entity follows"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={rows}
      />
    </InfoCard>
  );
};
