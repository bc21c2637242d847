import { CodeSnippet } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** A manifest in YAML, or why there is none. */
export function ManifestView(props: { yaml: string; missing: string }) {
  if (!props.yaml) {
    return <Typography variant="body2">{props.missing}</Typography>;
  }
  return <CodeSnippet text={props.yaml} language="yaml" showCopyCodeButton />;
}
