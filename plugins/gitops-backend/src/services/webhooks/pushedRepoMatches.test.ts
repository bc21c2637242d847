import { pushedRepoMatches } from './pushedRepoMatches';

describe('pushedRepoMatches', () => {
  const github = [
    'https://github.com/acme/platform-gitops.git',
    'git@github.com:acme/platform-gitops.git',
  ];

  it.each([
    ['https://github.com/acme/platform-gitops', true],
    ['https://github.com/acme/platform-gitops.git', true],
    ['https://github.com/acme/platform-gitops/', true],
    ['http://github.com/acme/platform-gitops', true],
    ['HTTPS://GitHub.com/Acme/Platform-GitOps.git', true],
    ['git@github.com:acme/platform-gitops.git', true],
    ['git@github.com:acme/platform-gitops', true],
    ['ssh://git@github.com/acme/platform-gitops.git', true],
    ['ssh://git@github.com:22/acme/platform-gitops.git', true],
    ['ssh://git@ssh.github.com:443/acme/platform-gitops.git', true],
    ['deploy@github.com:acme/platform-gitops.git', true],
    ['https://github.com/acme/platform-gitops-archive', false],
    ['https://github.com/acme/platform', false],
    ['https://github.com/other/platform-gitops', false],
    ['https://gitlab.com/acme/platform-gitops', false],
    ['https://mirror.github.com/acme/platform-gitops', false],
    ['ssh://git@evil-ssh.github.com/acme/platform-gitops', false],
    ['https://github.com/acme/platform-gitops/extra', false],
    ['file:///srv/git/acme/platform-gitops', false],
    ['', false],
  ])('%s: %s', (repoURL, expected) => {
    expect(pushedRepoMatches(github, repoURL)).toBe(expected);
  });

  it('tells a dot in a path from any character', () => {
    expect(
      pushedRepoMatches(
        ['https://example.com/org/a..d'],
        'https://example.com/org/abcd',
      ),
    ).toBe(false);
  });

  it('matches GitLab ssh served on altssh over port 443', () => {
    expect(
      pushedRepoMatches(
        ['https://gitlab.com/platform/platform-gitops.git'],
        'ssh://git@altssh.gitlab.com:443/platform/platform-gitops.git',
      ),
    ).toBe(true);
  });

  it('matches Bitbucket Server by each clone URL, whose paths differ', () => {
    const pushed = [
      'ssh://git@bitbucket.acme.example:7999/plat/platform-gitops.git',
      'https://bitbucket.acme.example/scm/plat/platform-gitops.git',
    ];
    expect(
      pushedRepoMatches(
        pushed,
        'https://bitbucket.acme.example/scm/plat/platform-gitops.git',
      ),
    ).toBe(true);
    expect(
      pushedRepoMatches(
        pushed,
        'ssh://git@bitbucket.acme.example:7999/plat/platform-gitops.git',
      ),
    ).toBe(true);
    expect(
      pushedRepoMatches(
        pushed,
        'https://bitbucket.acme.example/scm/plat/other.git',
      ),
    ).toBe(false);
  });

  it('matches local file:// repositories exactly', () => {
    const pushed = ['file:///var/lib/driftless/platform'];
    expect(
      pushedRepoMatches(pushed, 'file:///var/lib/driftless/platform'),
    ).toBe(true);
    expect(
      pushedRepoMatches(pushed, 'file:///var/lib/driftless/platform.git'),
    ).toBe(true);
    expect(pushedRepoMatches(pushed, 'file:///var/lib/driftless/other')).toBe(
      false,
    );
  });
});
