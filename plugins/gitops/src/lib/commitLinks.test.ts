import { ScmIntegrations } from '@backstage/integration';
import { MockConfigApi } from '@backstage/test-utils';
import { commitUrl, repositoryWebUrl } from './commitLinks';

const SHA = '5e6f7a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5';

const integrations = ScmIntegrations.fromConfig(
  new MockConfigApi({
    integrations: {
      github: [{ host: 'github.com' }, { host: 'ghe.acme.example' }],
      gitlab: [{ host: 'gitlab.com' }],
      bitbucketServer: [{ host: 'bitbucket.acme.example' }],
      bitbucketCloud: [{ username: 'u', appPassword: 'p' }],
      azure: [{ host: 'dev.azure.com' }],
    },
  }),
);

describe('repositoryWebUrl', () => {
  it.each([
    ['https://github.com/acme/shop.git', 'https://github.com/acme/shop'],
    ['https://github.com/acme/shop/', 'https://github.com/acme/shop'],
    ['git@github.com:acme/shop.git', 'https://github.com/acme/shop'],
    ['ssh://git@github.com/acme/shop.git', 'https://github.com/acme/shop'],
    [
      'https://user:token@gitlab.com/group/sub/shop.git',
      'https://gitlab.com/group/sub/shop',
    ],
  ])('%s → %s', (repoURL, web) => {
    expect(repositoryWebUrl(repoURL)).toBe(web);
  });

  it.each(['file:///srv/git/shop.git', 'oci://registry.example/charts', ''])(
    'has no web page for %p',
    repoURL => {
      expect(repositoryWebUrl(repoURL)).toBeUndefined();
    },
  );
});

describe('commitUrl', () => {
  it.each([
    [
      'https://github.com/acme/shop.git',
      `https://github.com/acme/shop/commit/${SHA}`,
    ],
    [
      'git@ghe.acme.example:platform/shop.git',
      `https://ghe.acme.example/platform/shop/commit/${SHA}`,
    ],
    [
      'https://gitlab.com/group/sub/shop.git',
      `https://gitlab.com/group/sub/shop/-/commit/${SHA}`,
    ],
    [
      'https://bitbucket.acme.example/scm/shop/deploy.git',
      `https://bitbucket.acme.example/projects/SHOP/repos/deploy/commits/${SHA}`,
    ],
    [
      'ssh://git@bitbucket.acme.example:7999/shop/deploy.git',
      `https://bitbucket.acme.example/projects/SHOP/repos/deploy/commits/${SHA}`,
    ],
    [
      'https://bitbucket.org/acme/shop.git',
      `https://bitbucket.org/acme/shop/commits/${SHA}`,
    ],
    [
      'https://dev.azure.com/acme/shop/_git/deploy',
      `https://dev.azure.com/acme/shop/_git/deploy/commit/${SHA}`,
    ],
  ])('links a commit of %s', (repoURL, expected) => {
    expect(commitUrl(integrations, repoURL, SHA)).toBe(expected);
  });

  it('does not link a repository on a host no integration serves', () => {
    expect(
      commitUrl(
        integrations,
        'https://git.internal.example/acme/shop.git',
        SHA,
      ),
    ).toBeUndefined();
  });

  it('does not link revisions that are not commits', () => {
    const repo = 'https://github.com/acme/shop.git';
    expect(commitUrl(integrations, repo, 'main')).toBeUndefined();
    expect(commitUrl(integrations, repo, '1.4.2')).toBeUndefined();
    expect(commitUrl(integrations, repo, undefined)).toBeUndefined();
    expect(commitUrl(integrations, undefined, SHA)).toBeUndefined();
  });
});
