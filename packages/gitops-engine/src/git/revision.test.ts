import {
  isAbbreviatedCommitSha,
  isFullCommitSha,
  matchRevision,
  normalizeTargetRevision,
  parseLsRemote,
  revisionSyntaxProblem,
} from './revision';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = 'd'.repeat(40);

// As `git ls-remote --symref` prints it: HEAD first, then refs in name order.
const LISTING = [
  `ref: refs/heads/main\tHEAD`,
  `${A}\tHEAD`,
  `${B}\trefs/heads/release`,
  `${A}\trefs/heads/main`,
  `${C}\trefs/pull/42/head`,
  `${T}\trefs/tags/release`,
  `${B}\trefs/tags/release^{}`,
  `${A}\trefs/tags/v1.0.0`,
  '',
].join('\n');

describe('revision resolution rules', () => {
  const refs = parseLsRemote(LISTING);

  it('parses ls-remote output, peeling annotated tags and keeping the symbolic HEAD', () => {
    expect(refs).toEqual([
      { name: 'HEAD', sha: A, target: 'refs/heads/main' },
      { name: 'refs/heads/release', sha: B },
      { name: 'refs/heads/main', sha: A },
      { name: 'refs/pull/42/head', sha: C },
      { name: 'refs/tags/release', sha: B },
      { name: 'refs/tags/v1.0.0', sha: A },
    ]);
  });

  it('matches as Argo CD does: full name, or short name in server order', () => {
    expect(matchRevision('HEAD', refs)).toEqual({
      sha: A,
      ref: 'refs/heads/main',
      kind: 'head',
    });
    expect(matchRevision('main', refs)).toEqual({
      sha: A,
      ref: 'refs/heads/main',
      kind: 'branch',
    });
    // The branch comes first, so it wins over the tag of the same name.
    expect(matchRevision('release', refs)).toMatchObject({
      kind: 'branch',
      sha: B,
    });
    expect(matchRevision('refs/tags/release', refs)).toMatchObject({
      kind: 'tag',
      sha: B,
    });
    expect(matchRevision('v1.0.0', refs)).toMatchObject({
      kind: 'tag',
      ref: 'refs/tags/v1.0.0',
    });
    expect(matchRevision('refs/pull/42/head', refs)).toMatchObject({
      kind: 'ref',
      sha: C,
    });
    expect(matchRevision('heads/main', refs)).toBeUndefined();
    expect(matchRevision('refs/heads/nope', refs)).toBeUndefined();
  });

  it('treats an empty revision as HEAD', () => {
    expect(normalizeTargetRevision(undefined)).toBe('HEAD');
    expect(normalizeTargetRevision(' ')).toBe('HEAD');
    expect(normalizeTargetRevision(' main ')).toBe('main');
  });

  it('tells full and abbreviated SHAs apart', () => {
    expect(isFullCommitSha(A)).toBe(true);
    expect(isFullCommitSha('e'.repeat(64))).toBe(true);
    expect(isFullCommitSha(A.slice(0, 39))).toBe(false);
    expect(isAbbreviatedCommitSha('abc1234')).toBe(true);
    expect(isAbbreviatedCommitSha('abc123')).toBe(false);
    expect(isAbbreviatedCommitSha(A)).toBe(false);
    expect(isAbbreviatedCommitSha('release')).toBe(false);
  });

  it.each(['main', 'feature/x', 'v1.2.3', 'refs/pull/1/head', 'HEAD', A])(
    'accepts %s',
    revision => expect(revisionSyntaxProblem(revision)).toBeUndefined(),
  );

  it.each([
    '-n',
    'main~1',
    'main^',
    'a..b',
    'x@{1}',
    'a b',
    'a:b',
    'feature/',
    '.hidden',
    'x.lock',
    'a//b',
  ])('rejects %s', revision =>
    expect(revisionSyntaxProblem(revision)).toBeDefined(),
  );
});
