/** What a targetRevision turned out to name. */
export type GitRevisionKind =
  /** The repository's default branch (`HEAD`, or an empty targetRevision). */
  | 'head'
  | 'branch'
  | 'tag'
  /** Another full ref name, such as `refs/pull/42/head`. */
  | 'ref'
  /** A commit SHA, full or abbreviated. */
  | 'commit';

/** A ref as the remote advertises it, with tags already peeled to what they point at. */
export interface RemoteRef {
  name: string;
  sha: string;
  /** For a symbolic ref (HEAD): the ref it points to. */
  target?: string;
}

/** The ref a revision matched. */
export interface RevisionMatch {
  sha: string;
  /** The full ref name (`refs/heads/main`; for HEAD, the branch HEAD points to when the server says). */
  ref: string;
  kind: Exclude<GitRevisionKind, 'commit'>;
}

/** Argo CD resolves an empty targetRevision as HEAD. */
export function normalizeTargetRevision(targetRevision?: string): string {
  const trimmed = (targetRevision ?? '').trim();
  return trimmed === '' ? 'HEAD' : trimmed;
}

/** A full SHA-1 (40 hex) or SHA-256 (64 hex) object name. */
export function isFullCommitSha(revision: string): boolean {
  return /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(revision);
}

/** At least 7 hex digits, Argo CD's rule for a truncated commit SHA. */
export function isAbbreviatedCommitSha(revision: string): boolean {
  return /^[0-9a-fA-F]{7,63}$/.test(revision) && !isFullCommitSha(revision);
}

/**
 * Why a revision can never name a branch, tag or commit (git's ref-name
 * rules, plus no revision expressions such as `main~1`), or undefined when it
 * can. Checked before the revision reaches a git command line.
 */
export function revisionSyntaxProblem(revision: string): string | undefined {
  if (revision.startsWith('-')) {
    return "it starts with '-'";
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f~^:?*[\\]/.test(revision)) {
    return 'it contains whitespace, a control character or one of ~ ^ : ? * [ \\ (revision expressions are not supported)';
  }
  if (
    revision.includes('..') ||
    revision.includes('@{') ||
    revision.includes('//') ||
    revision.startsWith('/') ||
    revision.endsWith('/') ||
    revision.endsWith('.') ||
    revision.endsWith('.lock') ||
    revision === '@' ||
    revision.split('/').some(part => part.startsWith('.'))
  ) {
    return 'it is not a valid Git ref name';
  }
  return undefined;
}

/**
 * Parses `git ls-remote --symref` output, keeping the server's order (HEAD,
 * then refs sorted by name, so a branch comes before a tag of the same name)
 * and replacing an annotated tag's object with the commit it points to.
 */
export function parseLsRemote(output: string): RemoteRef[] {
  const refs: RemoteRef[] = [];
  const byName = new Map<string, RemoteRef>();
  const symbolicTargets = new Map<string, string>();
  for (const rawLine of output.split('\n')) {
    const line = rawLine.trim();
    if (!line) {
      continue;
    }
    const tab = line.indexOf('\t');
    if (tab < 0) {
      continue;
    }
    const left = line.slice(0, tab);
    const name = line.slice(tab + 1);
    if (left.startsWith('ref: ')) {
      symbolicTargets.set(name, left.slice('ref: '.length));
      continue;
    }
    const peeled = name.endsWith('^{}');
    const baseName = peeled ? name.slice(0, -'^{}'.length) : name;
    const existing = byName.get(baseName);
    if (existing) {
      existing.sha = left.toLowerCase();
      continue;
    }
    const ref: RemoteRef = { name: baseName, sha: left.toLowerCase() };
    byName.set(baseName, ref);
    refs.push(ref);
  }
  for (const [name, target] of symbolicTargets) {
    const ref = byName.get(name);
    if (ref) {
      ref.target = target;
    }
  }
  return refs;
}

/** The short name Argo CD (through go-git) compares a short revision with. */
function shortRefName(name: string): string {
  for (const prefix of ['refs/heads/', 'refs/tags/', 'refs/remotes/']) {
    if (name.startsWith(prefix)) {
      return name.slice(prefix.length);
    }
  }
  return name.startsWith('refs/') ? name.slice('refs/'.length) : name;
}

function kindOfRef(name: string): RevisionMatch['kind'] {
  if (name === 'HEAD') {
    return 'head';
  }
  if (name.startsWith('refs/heads/')) {
    return 'branch';
  }
  if (name.startsWith('refs/tags/')) {
    return 'tag';
  }
  return 'ref';
}

/**
 * Finds the ref a revision names, with Argo CD's rules: the first ref in the
 * server's order whose full name, or short name (`main` for `refs/heads/main`),
 * equals the revision. A branch therefore wins over a tag of the same name.
 */
export function matchRevision(
  revision: string,
  refs: readonly RemoteRef[],
): RevisionMatch | undefined {
  const isShort = !revision.startsWith('refs/');
  const ref = refs.find(
    candidate =>
      candidate.name === revision ||
      (isShort && shortRefName(candidate.name) === revision),
  );
  if (!ref) {
    return undefined;
  }
  return {
    sha: ref.sha,
    ref: ref.name === 'HEAD' && ref.target ? ref.target : ref.name,
    kind: kindOfRef(ref.name),
  };
}
