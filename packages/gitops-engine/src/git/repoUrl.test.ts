import { GitRepoURLError } from './errors';
import {
  normalizeGitRepoURL,
  parseGitRepoURL,
  redactURLCredentials,
  sameGitRepo,
} from './repoUrl';

describe('parseGitRepoURL', () => {
  it('accepts https, ssh, scp-like and file URLs', () => {
    expect(parseGitRepoURL('https://GitHub.com/Org/Repo.git/')).toMatchObject({
      protocol: 'https',
      gitURL: 'https://github.com/Org/Repo.git/',
      host: 'github.com',
      httpOrigin: 'https://github.com/',
      mirrorKey: 'https://github.com/Org/Repo.git',
    });
    expect(
      parseGitRepoURL('https://git.example.com:8443/team/repo'),
    ).toMatchObject({
      port: 8443,
      httpOrigin: 'https://git.example.com:8443/',
    });
    expect(
      parseGitRepoURL('ssh://git@GitHub.com:2222/org/repo.git'),
    ).toMatchObject({
      protocol: 'ssh',
      gitURL: 'ssh://git@github.com:2222/org/repo.git',
      user: 'git',
      port: 2222,
    });
    expect(parseGitRepoURL('git@github.com:org/repo.git')).toMatchObject({
      protocol: 'ssh',
      gitURL: 'git@github.com:org/repo.git',
      host: 'github.com',
      user: 'git',
      mirrorKey: 'scp:git@github.com:org/repo.git',
    });
    expect(parseGitRepoURL('file:///srv/git/demo.git')).toMatchObject({
      protocol: 'file',
      gitURL: 'file:///srv/git/demo.git',
      mirrorKey: 'file:///srv/git/demo.git',
    });
  });

  it('keeps path case in the mirror key, so case-variant repositories never share a mirror', () => {
    expect(
      parseGitRepoURL('https://git.example.com/Team/App').mirrorKey,
    ).not.toBe(parseGitRepoURL('https://git.example.com/team/app').mirrorKey);
    expect(parseGitRepoURL('https://GIT.example.com/team/app/').mirrorKey).toBe(
      parseGitRepoURL('https://git.example.com/team/app').mirrorKey,
    );
  });

  it.each([
    ['', 'repoURL is empty'],
    ['   ', 'repoURL is empty'],
    ['https://token123@github.com/org/repo', 'embeds credentials'],
    ['https://user:secret@github.com/org/repo', 'embeds credentials'],
    ['ssh://git:secret@github.com/org/repo', 'embeds a password'],
    ['https://github.com', 'names a server but no repository path'],
    ['https://github.com/org/repo?x=1', 'has a query or fragment'],
    ['ext::sh -c evil', 'whitespace or control characters'],
    ['ext::sh', '<transport>::<address> syntax'],
    ['fd::3', '<transport>::<address> syntax'],
    ['git://github.com/org/repo', "unsupported scheme 'git://'"],
    ['ftp://example.com/repo', "unsupported scheme 'ftp://'"],
    ['-oProxyCommand=evil', "starts with '-'"],
    ['ssh://-oProxyCommand=evil/repo', 'has no valid host'],
    ['/srv/git/demo.git', 'file:///absolute/path'],
    ['file://server/share/repo', 'names a host'],
    ['http://git.example.com/repo', "uses protocol 'http'"],
  ])('rejects %j', (url, problem) => {
    const error = (() => {
      try {
        parseGitRepoURL(url);
        return undefined;
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(GitRepoURLError);
    expect(error?.message).toContain(problem);
    expect(error?.message).not.toContain('secret');
    expect(error?.message).not.toContain('token123');
  });

  it('accepts http only when allowed', () => {
    expect(parseGitRepoURL('http://git.internal/repo', ['http']).protocol).toBe(
      'http',
    );
  });
});

describe('normalizeGitRepoURL and sameGitRepo', () => {
  it("compare repoURLs the way Argo CD's NormalizeGitURL does", () => {
    expect(normalizeGitRepoURL(' https://GitHub.com/Org/Repo.git ')).toBe(
      'https://github.com/org/repo',
    );
    expect(normalizeGitRepoURL('git@github.com:org/repo.git')).toBe(
      'git@github.com/org/repo',
    );
    expect(normalizeGitRepoURL('ssh://git@github.com/org/repo')).toBe(
      'git@github.com/org/repo',
    );
    expect(
      sameGitRepo(
        'git@github.com:Org/Repo.git',
        'ssh://git@github.com/org/repo',
      ),
    ).toBe(true);
    expect(
      sameGitRepo(
        'https://github.com/org/repo',
        'https://github.com/org/other',
      ),
    ).toBe(false);
    expect(sameGitRepo('', '')).toBe(false);
  });
});

describe('redactURLCredentials', () => {
  it('removes user info from http(s) URLs and passwords from others', () => {
    expect(
      redactURLCredentials(
        "fatal: unable to access 'https://x-access-token:ghs_abc@github.com/org/repo/': 403",
      ),
    ).toBe("fatal: unable to access 'https://***@github.com/org/repo/': 403");
    expect(redactURLCredentials('https://ghp_only@github.com/o/r')).toBe(
      'https://***@github.com/o/r',
    );
    expect(
      redactURLCredentials('ssh://git:pw@host/r and ssh://git@host/r'),
    ).toBe('ssh://git:***@host/r and ssh://git@host/r');
  });
});
