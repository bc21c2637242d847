import { buildEnv, envsubst } from './envsubst';

describe('envsubst, with the semantics of Go os.Expand', () => {
  const env = { ARGOCD_APP_NAME: 'shop', ARGOCD_APP_REVISION: 'abc123' };

  it.each([
    ['$ARGOCD_APP_NAME', 'shop'],
    ['${ARGOCD_APP_NAME}-web', 'shop-web'],
    ['img:$ARGOCD_APP_REVISION.', 'img:abc123.'],
    ['$UNKNOWN|', '|'],
    ['cost: $$5', 'cost: $5'],
    ['${$}', '$'],
    ['trailing $', 'trailing $'],
    ['$-x', 'x'],
    ['${}empty', 'empty'],
    ['${unclosed', 'unclosed'],
    ['a $ b', 'a $ b'],
    ['no variables', 'no variables'],
  ])('%s becomes %s', (text, expected) => {
    expect(envsubst(text, env)).toBe(expected);
  });

  it('offers the variables Argo CD gives config management tools', () => {
    expect(
      buildEnv({
        checkoutDir: '/c',
        repoURL: 'https://git.example.com/r.git',
        sha: '0123456789abcdef0123456789abcdef01234567',
        source: { path: 'apps/web', targetRevision: 'main' },
        appName: 'web',
        destinationNamespace: 'web-ns',
        project: 'team-a',
      }),
    ).toEqual({
      ARGOCD_APP_NAME: 'web',
      ARGOCD_APP_NAMESPACE: 'web-ns',
      ARGOCD_APP_PROJECT_NAME: 'team-a',
      ARGOCD_APP_REVISION: '0123456789abcdef0123456789abcdef01234567',
      ARGOCD_APP_REVISION_SHORT: '0123456',
      ARGOCD_APP_REVISION_SHORT_8: '01234567',
      ARGOCD_APP_SOURCE_REPO_URL: 'https://git.example.com/r.git',
      ARGOCD_APP_SOURCE_PATH: 'apps/web',
      ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
    });
  });
});
