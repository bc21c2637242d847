import { InputError } from '@backstage/errors';
import type { Application } from '@driftless/gitops-engine';
import type { ApplicationKey } from '../../types';

/** The key of a manifest about to be stored; the caller defaults the namespace (Driftless uses `argocd`). */
export function applicationKeyOf(application: Application): ApplicationKey {
  const namespace = application.metadata?.namespace;
  const name = application.metadata?.name;
  if (!name) {
    throw new InputError('Cannot store an Application without metadata.name');
  }
  if (!namespace) {
    throw new InputError(
      `Cannot store Application '${name}' without metadata.namespace; set it (Driftless' default is argocd) before storing`,
    );
  }
  return { namespace, name };
}

/** `<namespace>/<name>`, how messages and lease names spell a key. */
export function formatApplicationKey(key: ApplicationKey): string {
  return `${key.namespace}/${key.name}`;
}
