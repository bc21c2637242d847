import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { git, TestRepo } from './__testUtils__/testRepo';
import {
  GitForcePushError,
  GitRepoNotFoundError,
  GitRepoURLError,
  GitRevisionNotFoundError,
} from './errors';
import { GitMirrorSource } from './GitMirrorSource';
import type { GitMirrorSourceOptions } from './GitMirrorSource';
import type { GitCheckout, GitRemoteOperationEvent } from './types';

const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';

describe('GitMirrorSource over file://', () => {
  let repo: TestRepo;
  let cacheRoot: string;
  let operations: GitRemoteOperationEvent[];
  const created: string[] = [];

  const c: Record<string, string> = {};

  function newSource(options: Partial<GitMirrorSourceOptions> = {}) {
    return new GitMirrorSource({
      cacheRoot,
      onRemoteOperation: event => operations.push(event),
      ...options,
    });
  }

  function count(operation: GitRemoteOperationEvent['operation']) {
    return operations.filter(event => event.operation === operation).length;
  }

  beforeAll(() => {
    repo = new TestRepo();
    c.first = repo.commit('first', {
      'app/deployment.yaml': DEPLOYMENT,
      'README.md': 'demo\n',
      'bin/run.sh': '#!/bin/sh\necho hi\n',
    });
    chmodSync(join(repo.work, 'bin/run.sh'), 0o755);
    c.first = repo.commit('make run.sh executable');
    repo.git('tag', 'v1.0.0');
    // A tag with the same name as a branch: Argo CD resolves the branch.
    repo.git('tag', 'feature');
    c.second = repo.commit('second', {
      'app/config.json': '{"replicas": 2}\n',
    });
    repo.git('tag', '-a', '-m', 'release 1.1.0', 'v1.1.0');
    repo.git('checkout', '--quiet', '-b', 'feature');
    c.feature = repo.commit('feature work', {
      'app/feature.yaml': 'kind: ConfigMap\n',
    });
    repo.git('checkout', '--quiet', 'main');
    repo.push('refs/heads/main', 'refs/heads/feature', '--tags');
  });

  afterAll(() => {
    repo.remove();
    for (const dir of created) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  beforeEach(() => {
    cacheRoot = mkdtempSync(join(tmpdir(), 'driftless-git-cache-'));
    created.push(cacheRoot);
    operations = [];
  });

  it('resolves HEAD, an empty revision, branches, tags, full refs and commit SHAs', async () => {
    const source = newSource();
    const resolve = (targetRevision?: string) =>
      source.resolveRevision({ repoURL: repo.fileURL, targetRevision });

    await expect(resolve()).resolves.toMatchObject({
      revision: 'HEAD',
      sha: c.second,
      kind: 'head',
      ref: 'refs/heads/main',
    });
    await expect(resolve('  ')).resolves.toMatchObject({
      sha: c.second,
      kind: 'head',
    });
    await expect(resolve('main')).resolves.toMatchObject({
      sha: c.second,
      kind: 'branch',
      ref: 'refs/heads/main',
    });
    await expect(resolve('refs/heads/main')).resolves.toMatchObject({
      sha: c.second,
    });
    await expect(resolve('v1.0.0')).resolves.toMatchObject({
      sha: c.first,
      kind: 'tag',
      ref: 'refs/tags/v1.0.0',
    });
    // The annotated tag resolves to its commit, not to the tag object.
    const annotated = await resolve('v1.1.0');
    expect(annotated).toMatchObject({ sha: c.second, kind: 'tag' });
    const tagObject = git(repo.bare, 'rev-parse', 'refs/tags/v1.1.0');
    expect(tagObject).not.toBe(c.second);
    await expect(resolve(tagObject)).resolves.toMatchObject({
      sha: c.second,
      kind: 'commit',
    });
    // Branch before tag, in the server's ref order, as Argo CD does.
    await expect(resolve('feature')).resolves.toMatchObject({
      sha: c.feature,
      kind: 'branch',
    });
    await expect(resolve('refs/tags/feature')).resolves.toMatchObject({
      sha: c.first,
      kind: 'tag',
    });
    await expect(resolve(c.first)).resolves.toMatchObject({
      sha: c.first,
      kind: 'commit',
    });
    await expect(resolve(c.first.toUpperCase())).resolves.toMatchObject({
      sha: c.first,
    });
    await expect(resolve(c.feature.slice(0, 8))).resolves.toMatchObject({
      sha: c.feature,
      kind: 'commit',
    });
  });

  it('checks a commit out into an immutable, reusable directory written atomically', async () => {
    const source = newSource();
    const checkout = await source.checkout({
      repoURL: repo.fileURL,
      targetRevision: 'feature',
    });
    expect(checkout).toMatchObject({
      repoURL: repo.fileURL,
      revision: 'feature',
      sha: c.feature,
    });
    expect(dirname(dirname(checkout.path))).toBe(join(cacheRoot, 'checkouts'));
    expect(basename(checkout.path)).toBe(c.feature);
    expect(
      readFileSync(join(checkout.path, 'app/deployment.yaml'), 'utf8'),
    ).toBe(DEPLOYMENT);
    expect(readFileSync(join(checkout.path, 'app/feature.yaml'), 'utf8')).toBe(
      'kind: ConfigMap\n',
    );
    expect(readdirSync(checkout.path).sort()).toEqual([
      'README.md',
      'app',
      'bin',
    ]);

    // Read-only: no write bit anywhere, the executable bit kept.
    expect(statSync(checkout.path).mode & 0o777).toBe(0o555);
    expect(statSync(join(checkout.path, 'app')).mode & 0o777).toBe(0o555);
    expect(statSync(join(checkout.path, 'README.md')).mode & 0o222).toBe(0);
    expect(statSync(join(checkout.path, 'bin/run.sh')).mode & 0o111).not.toBe(
      0,
    );

    // Reused: the same directory, not rewritten, but marked as used.
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(checkout.path, old, old);
    const inode = statSync(checkout.path).ino;
    const again = await source.checkout({
      repoURL: repo.fileURL,
      targetRevision: c.feature,
    });
    expect(again.path).toBe(checkout.path);
    expect(statSync(again.path).ino).toBe(inode);
    expect(statSync(again.path).mtimeMs).toBeGreaterThan(old.getTime());

    // Nothing half-written or temporary is left beside it.
    const siblings = readdirSync(join(checkout.path, '..'));
    expect(siblings).toEqual([c.feature]);
  });

  it('talks to the remote only when the revision is unknown, stale or refreshed', async () => {
    const source = newSource();
    const request = { repoURL: repo.fileURL, targetRevision: 'main' };

    await source.resolveRevision(request);
    expect([count('ls-remote'), count('fetch')]).toEqual([1, 1]);

    // Within the branch TTL: no remote call at all.
    await source.resolveRevision(request);
    await source.checkout(request);
    expect([count('ls-remote'), count('fetch')]).toEqual([1, 1]);

    // Tags and commits already in the mirror need a listing at most once, and no fetch.
    await source.resolveRevision({
      repoURL: repo.fileURL,
      targetRevision: 'v1.0.0',
    });
    await source.resolveRevision({
      repoURL: repo.fileURL,
      targetRevision: 'v1.0.0',
    });
    await source.resolveRevision({
      repoURL: repo.fileURL,
      targetRevision: c.first,
    });
    expect([count('ls-remote'), count('fetch')]).toEqual([2, 1]);

    // A refresh lists again, but fetches nothing when the tip is already here.
    await source.resolveRevision({ ...request, refresh: true });
    expect([count('ls-remote'), count('fetch')]).toEqual([3, 1]);

    // A new push is seen on refresh, and fetched.
    const pushed = new TestRepo('moving');
    try {
      const first = pushed.commit('one', { 'a.yaml': 'a: 1\n' });
      pushed.push('main');
      const moving = { repoURL: pushed.fileURL, targetRevision: 'main' };
      await expect(source.resolveRevision(moving)).resolves.toMatchObject({
        sha: first,
      });
      const second = pushed.commit('two', { 'a.yaml': 'a: 2\n' });
      pushed.push('main');
      // Still within the TTL, without a refresh: the last answer.
      await expect(source.resolveRevision(moving)).resolves.toMatchObject({
        sha: first,
      });
      const fetchesBefore = count('fetch');
      await expect(
        source.resolveRevision({ ...moving, refresh: true }),
      ).resolves.toMatchObject({ sha: second });
      expect(count('fetch')).toBe(fetchesBefore + 1);
    } finally {
      pushed.remove();
    }
  });

  it('runs no git process for a commit SHA it has already found in the mirror', async () => {
    // A wrapper that records every git invocation, then runs git.
    const bin = mkdtempSync(join(tmpdir(), 'driftless-git-wrapper-'));
    created.push(bin);
    const log = join(bin, 'invocations.log');
    const wrapper = join(bin, 'git');
    writeFileSync(
      wrapper,
      `#!/bin/sh\necho "$*" >> '${log}'\nexec git "$@"\n`,
      { mode: 0o755 },
    );
    const invocations = () =>
      existsSync(log)
        ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length
        : 0;
    const source = newSource({ gitExecutable: wrapper });
    const tagObject = git(repo.bare, 'rev-parse', 'refs/tags/v1.1.0');

    await expect(
      source.resolveRevision({
        repoURL: repo.fileURL,
        targetRevision: c.first,
      }),
    ).resolves.toMatchObject({ sha: c.first, kind: 'commit' });
    await expect(
      source.resolveRevision({
        repoURL: repo.fileURL,
        targetRevision: tagObject,
      }),
    ).resolves.toMatchObject({ sha: c.second, kind: 'commit' });
    const before = invocations();
    expect(before).toBeGreaterThan(0);

    await expect(
      source.resolveRevision({
        repoURL: repo.fileURL,
        targetRevision: c.first.toUpperCase(),
      }),
    ).resolves.toMatchObject({ sha: c.first, kind: 'commit' });
    // An annotated tag's SHA still names its commit.
    await expect(
      source.resolveRevision({
        repoURL: repo.fileURL,
        targetRevision: tagObject,
      }),
    ).resolves.toMatchObject({ sha: c.second, kind: 'commit' });
    await source.checkout({ repoURL: repo.fileURL, targetRevision: c.first });
    expect(invocations()).toBe(before + 2); // read-tree + checkout-index of the new checkout
    await source.checkout({ repoURL: repo.fileURL, targetRevision: c.first });
    expect(invocations()).toBe(before + 2);

    // Moving from a tip to its descendant is checked by git once.
    const moving = { repoURL: repo.fileURL, targetRevision: 'main' };
    await source.resolveRevision({ ...moving, previousSha: c.first });
    const afterFirstCheck = invocations();
    await source.resolveRevision({ ...moving, previousSha: c.first });
    expect(invocations()).toBe(afterFirstCheck);

    // A refresh lists the remote's refs again, and checks nothing else.
    await source.resolveRevision({ ...moving, refresh: true });
    const afterRefresh = invocations();
    await source.resolveRevision({ ...moving, refresh: true });
    expect(invocations()).toBe(afterRefresh + 1);
    expect(readFileSync(log, 'utf8').trim().split('\n').at(-1)).toMatch(
      / ls-remote /,
    );
  });

  it('re-resolves branches after the TTL', async () => {
    const source = newSource({ branchResolutionTtlMs: 0 });
    await source.resolveRevision({
      repoURL: repo.fileURL,
      targetRevision: 'main',
    });
    await source.resolveRevision({
      repoURL: repo.fileURL,
      targetRevision: 'main',
    });
    expect([count('ls-remote'), count('fetch')]).toEqual([2, 1]);
  });

  it('makes concurrent requests for the same revision share one listing and one fetch', async () => {
    const source = newSource();
    const request = {
      repoURL: repo.fileURL,
      targetRevision: 'main',
      refresh: true,
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        index % 2 === 0
          ? source.resolveRevision(request)
          : source.checkout(request),
      ),
    );
    expect(new Set(results.map(result => result.sha))).toEqual(
      new Set([c.second]),
    );
    expect([count('ls-remote'), count('fetch')]).toEqual([1, 1]);
    const paths = results.flatMap((result): string[] =>
      'path' in result ? [(result as GitCheckout).path] : [],
    );
    expect(new Set(paths).size).toBe(1);
    expect(readdirSync(join(paths[0], '..'))).toEqual([c.second]);
  });

  it('names the revision and the repository when a revision does not exist', async () => {
    const source = newSource();
    const resolve = (targetRevision: string) =>
      source.resolveRevision({ repoURL: repo.fileURL, targetRevision });

    const missingBranch = await resolve('release-9').catch(e => e);
    expect(missingBranch).toBeInstanceOf(GitRevisionNotFoundError);
    expect(missingBranch.message).toContain(
      `Revision 'release-9' was not found in ${repo.fileURL}`,
    );
    expect(missingBranch.message).toContain('Branches there: feature, main.');
    expect(missingBranch.revision).toBe('release-9');

    const missingCommit = await resolve(
      '0123456789abcdef0123456789abcdef01234567',
    ).catch(e => e);
    expect(missingCommit).toBeInstanceOf(GitRevisionNotFoundError);
    expect(missingCommit.message).toContain(
      `Commit 0123456789abcdef0123456789abcdef01234567 was not found in ${repo.fileURL}`,
    );

    const missingShort = await resolve('abcdef12').catch(e => e);
    expect(missingShort).toBeInstanceOf(GitRevisionNotFoundError);
    expect(missingShort.message).toContain('and no commit starts with it');

    const expression = await resolve('main~1').catch(e => e);
    expect(expression).toBeInstanceOf(GitRevisionNotFoundError);
    expect(expression.message).toContain("targetRevision 'main~1'");
    expect(expression.message).toContain(
      'revision expressions are not supported',
    );

    const option = await resolve('--upload-pack=touch /tmp/x').catch(e => e);
    expect(option).toBeInstanceOf(GitRevisionNotFoundError);
  });

  it('reports a repository whose HEAD points nowhere', async () => {
    const empty = new TestRepo('empty');
    try {
      empty.commit('only on a side branch');
      empty.push('main:refs/heads/side');
      const error = await newSource()
        .resolveRevision({ repoURL: empty.fileURL })
        .catch(e => e);
      expect(error).toBeInstanceOf(GitRevisionNotFoundError);
      expect(error.message).toContain(
        `HEAD of ${empty.fileURL} does not resolve to a commit`,
      );
    } finally {
      empty.remove();
    }
  });

  it('detects a force-pushed branch, reports it, and resolves to the new tip', async () => {
    const rewritten = new TestRepo('rewritten');
    try {
      const base = rewritten.commit('base', { 'a.yaml': 'a: 0\n' });
      const old = rewritten.commit('old tip', { 'a.yaml': 'a: 1\n' });
      rewritten.push('main');
      const source = newSource();
      const request = { repoURL: rewritten.fileURL, targetRevision: 'main' };
      await expect(source.resolveRevision(request)).resolves.toMatchObject({
        sha: old,
      });

      // A fast-forward is not a force push.
      const next = rewritten.commit('next', { 'a.yaml': 'a: 2\n' });
      rewritten.push('main');
      const forward = await source.resolveRevision({
        ...request,
        refresh: true,
      });
      expect(forward.sha).toBe(next);
      expect(forward.forcePush).toBeUndefined();

      rewritten.git('reset', '--quiet', '--hard', base);
      const replacement = rewritten.commit('rewritten tip', {
        'a.yaml': 'a: 3\n',
      });
      rewritten.push('main');
      const after = await source.resolveRevision({ ...request, refresh: true });
      expect(after.sha).toBe(replacement);
      expect(after.forcePush).toBeInstanceOf(GitForcePushError);
      expect(after.forcePush).toMatchObject({
        previousSha: next,
        newSha: replacement,
      });
      expect(after.forcePush?.message).toContain(
        `Branch 'main' of ${rewritten.fileURL} was force-pushed: commit ${next}`,
      );
      expect((await source.checkout(request)).sha).toBe(replacement);

      // A new process knows nothing; the caller's last synced SHA still reveals the rewrite,
      // even though that commit is not in the new mirror at all.
      const freshRoot = mkdtempSync(join(tmpdir(), 'driftless-git-cache-'));
      created.push(freshRoot);
      const fresh = new GitMirrorSource({ cacheRoot: freshRoot });
      await expect(
        fresh.resolveRevision({ ...request, previousSha: next }),
      ).resolves.toMatchObject({
        sha: replacement,
        forcePush: { previousSha: next },
      });
      await expect(
        fresh.resolveRevision({ ...request, previousSha: base }),
      ).resolves.not.toHaveProperty('forcePush');
      const strict = await fresh
        .resolveRevision({ ...request, previousSha: next, onForcePush: 'fail' })
        .catch(e => e);
      expect(strict).toBeInstanceOf(GitForcePushError);
    } finally {
      rewritten.remove();
    }
  });

  it('forgets deleted branches after a refresh', async () => {
    const pruned = new TestRepo('pruned');
    try {
      pruned.commit('one');
      pruned.push('main', 'main:refs/heads/short-lived');
      const source = newSource();
      const request = {
        repoURL: pruned.fileURL,
        targetRevision: 'short-lived',
      };
      await source.checkout(request);
      pruned.push(':refs/heads/short-lived');
      await expect(
        source.resolveRevision({ ...request, refresh: true }),
      ).rejects.toBeInstanceOf(GitRevisionNotFoundError);
    } finally {
      pruned.remove();
    }
  });

  it('rejects invalid and disallowed repoURLs before running git', async () => {
    const source = newSource({ allowedProtocols: ['https'] });
    const disallowed = await source
      .resolveRevision({ repoURL: repo.fileURL })
      .catch(e => e);
    expect(disallowed).toBeInstanceOf(GitRepoURLError);
    expect(disallowed.message).toContain("uses protocol 'file'");
    await expect(
      source.resolveRevision({ repoURL: 'ext::sh -c touch% /tmp/pwned' }),
    ).rejects.toBeInstanceOf(GitRepoURLError);
    expect(operations).toEqual([]);
  });

  it('reports a path that holds no repository as not found', async () => {
    const error = await newSource()
      .resolveRevision({ repoURL: `file://${cacheRoot}/nothing-here.git` })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitRepoNotFoundError);
    expect(error.message).toContain(
      `No Git repository found at file://${cacheRoot}/nothing-here.git`,
    );
  });

  it('recovers from lock files a killed git left in the mirror', async () => {
    await newSource().resolveRevision({
      repoURL: repo.fileURL,
      targetRevision: 'main',
    });
    const [mirror] = readdirSync(join(cacheRoot, 'mirrors'));
    writeFileSync(join(cacheRoot, 'mirrors', mirror, 'packed-refs.lock'), '');
    mkdirSync(join(cacheRoot, 'mirrors', mirror, 'refs/heads'), {
      recursive: true,
    });
    writeFileSync(
      join(cacheRoot, 'mirrors', mirror, 'refs/heads/feature.lock'),
      '',
    );
    await expect(
      newSource().resolveRevision({
        repoURL: repo.fileURL,
        targetRevision: 'feature',
      }),
    ).resolves.toMatchObject({ sha: c.feature });
    expect(
      existsSync(join(cacheRoot, 'mirrors', mirror, 'packed-refs.lock')),
    ).toBe(false);
  });

  it('prunes checkouts unused for longer than asked, and leftovers of crashes', async () => {
    const source = newSource();
    const oldCheckout = await source.checkout({
      repoURL: repo.fileURL,
      targetRevision: c.first,
    });
    const recent = await source.checkout({
      repoURL: repo.fileURL,
      targetRevision: c.second,
    });
    const longAgo = new Date(Date.now() - 5 * 3_600_000);
    utimesSync(oldCheckout.path, longAgo, longAgo);
    const crashLeftover = join(
      oldCheckout.path,
      '..',
      `.tmp-${c.feature}-abc123`,
    );
    mkdirSync(join(crashLeftover, 'app'), { recursive: true });

    const removed = await source.pruneCheckouts({ unusedForMs: 3_600_000 });
    expect(removed).toEqual([
      { repoKey: expect.any(String), sha: c.first, path: oldCheckout.path },
    ]);
    expect(existsSync(oldCheckout.path)).toBe(false);
    expect(existsSync(crashLeftover)).toBe(false);
    expect(existsSync(recent.path)).toBe(true);

    // A pruned checkout is simply written again when asked for.
    const again = await source.checkout({
      repoURL: repo.fileURL,
      targetRevision: c.first,
    });
    expect(readFileSync(join(again.path, 'README.md'), 'utf8')).toBe('demo\n');
  });
});
