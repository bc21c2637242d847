import { createHash } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AsyncMutex } from './AsyncMutex';
import {
  materializeCheckout,
  pruneCheckoutDirs,
  TEMP_CHECKOUT_PREFIX,
} from './checkoutDir';
import type { PrunedCheckout } from './checkoutDir';
import { prepareGitAccess } from './credentials';
import type {
  GitCredentialsProvider,
  GitRepoCredentials,
  PreparedGitAccess,
} from './credentials';
import {
  GitForcePushError,
  GitRevisionNotFoundError,
  GitSourceError,
  GitCommandError,
} from './errors';
import { gitSucceeds, runGit } from './gitCommand';
import type { GitCommandContext } from './gitCommand';
import { DEFAULT_ALLOWED_GIT_PROTOCOLS, parseGitRepoURL } from './repoUrl';
import type { GitProtocol, ParsedGitRepoURL } from './repoUrl';
import {
  isAbbreviatedCommitSha,
  isFullCommitSha,
  matchRevision,
  normalizeTargetRevision,
  parseLsRemote,
  revisionSyntaxProblem,
} from './revision';
import type { RemoteRef, RevisionMatch } from './revision';
import type {
  GitCheckout,
  GitRemoteOperationEvent,
  GitResolvedRevision,
  GitRevisionRequest,
  GitSource,
} from './types';

/** Options for {@link GitMirrorSource}. */
export interface GitMirrorSourceOptions {
  /** Directory for the bare mirrors (`mirrors/`) and checkouts (`checkouts/`); created when missing. */
  cacheRoot: string;
  /** Asked for a repository's credentials before each call to the remote. */
  credentialsProvider?: GitCredentialsProvider;
  /** repoURL protocols accepted; default https, ssh and file ({@link DEFAULT_ALLOWED_GIT_PROTOCOLS}). */
  allowedProtocols?: readonly GitProtocol[];
  /** Each git command is stopped after this long. Default 90 s, Argo CD's repo-server exec timeout. */
  timeoutMs?: number;
  /**
   * How long a branch or HEAD resolution is trusted before the remote is asked
   * again (a `refresh` request always asks). Default 3 min, Argo CD's default
   * reconciliation period, so one periodic reconcile sees each push. Tags and
   * commits are not re-resolved unless refreshed.
   */
  branchResolutionTtlMs?: number;
  /** Default `git` on PATH. */
  gitExecutable?: string;
  /** The ssh client git runs; default `ssh` on PATH. */
  sshExecutable?: string;
  /** Where short-lived credential files (SSH keys, mode 0600) go; default the OS temp directory. */
  tempRoot?: string;
  /** Called after every ls-remote and fetch, for metrics and logs. */
  onRemoteOperation?: (event: GitRemoteOperationEvent) => void;
}

/** Options for {@link GitMirrorSource.pruneCheckouts}. */
export interface PruneCheckoutsOptions {
  /** Remove checkouts not used (created or returned by `checkout`) for this long. */
  unusedForMs: number;
}

const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_BRANCH_RESOLUTION_TTL_MS = 180_000;
const SSH_CONNECT_TIMEOUT_SECONDS = 30;

interface CachedResolution extends Omit<RevisionMatch, 'kind' | 'ref'> {
  kind: GitResolvedRevision['kind'];
  ref?: string;
  resolvedAt: number;
}

/** What this process knows about one repository's mirror. */
interface RepoState {
  key: string;
  mirrorDir: string;
  checkoutsDir: string;
  /**
   * Serializes everything that reads or writes this mirror and its checkouts
   * in this process. Locking across backend replicas is the store's job
   * (each application is reconciled by one replica); each replica has its own
   * cache root.
   */
  lock: AsyncMutex;
  mirrorReady: boolean;
  /** How many ref listings were started; a request that arrived before the latest one can use its answer. */
  listingsStarted: number;
  lastListing?: { refs: RemoteRef[] };
  resolutions: Map<string, CachedResolution>;
  /**
   * Full SHAs (of commits or annotated tags) found in the mirror, with the
   * commit each names. A commit's identity never changes, so this spares a
   * `git` process per sync to a pinned revision; every process is forked
   * from this (possibly large) process and serialized on the repository's lock. Cleared by a
   * fetch, which may be followed by a `gc` that drops unreachable commits.
   */
  knownCommits: Map<string, string>;
  /** Names `git cat-file -e <name>^{commit}` succeeded for; cleared with `knownCommits`. */
  presentCommits: Set<string>;
  /** `previous..new` pairs known to be ancestor and descendant (immutable facts). */
  knownAncestors: Set<string>;
}

/** Credentials for one request, prepared on first use and deleted afterwards. */
class RequestAccess {
  private prepared?: Promise<PreparedGitAccess>;

  constructor(private readonly prepare: () => Promise<PreparedGitAccess>) {}

  get(): Promise<PreparedGitAccess> {
    this.prepared ??= this.prepare();
    return this.prepared;
  }

  async dispose(): Promise<void> {
    if (this.prepared) {
      await (await this.prepared.catch(() => undefined))?.dispose();
    }
  }
}

/**
 * A {@link GitSource} backed by one bare mirror per repository under a cache
 * root and the system `git`, as Argo CD's repo-server does. It lists the
 * remote's refs to resolve a branch, tag or HEAD, fetches only when the
 * commit is not in the mirror yet, and writes one read-only checkout per
 * (repository, commit). Requests for the same repository are serialized, and
 * requests that arrive while a listing or fetch is under way share its result.
 */
export class GitMirrorSource implements GitSource {
  private readonly cacheRoot: string;
  private readonly allowedProtocols: readonly GitProtocol[];
  private readonly timeoutMs: number;
  private readonly branchResolutionTtlMs: number;
  private readonly gitExecutable: string;
  private readonly sshExecutable: string;
  private readonly tempRoot: string;
  private readonly repos = new Map<string, RepoState>();

  constructor(private readonly options: GitMirrorSourceOptions) {
    this.cacheRoot = resolve(options.cacheRoot);
    this.allowedProtocols =
      options.allowedProtocols ?? DEFAULT_ALLOWED_GIT_PROTOCOLS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.branchResolutionTtlMs =
      options.branchResolutionTtlMs ?? DEFAULT_BRANCH_RESOLUTION_TTL_MS;
    this.gitExecutable = options.gitExecutable ?? 'git';
    this.sshExecutable = options.sshExecutable ?? 'ssh';
    this.tempRoot = options.tempRoot ?? tmpdir();
  }

  async resolveRevision(
    request: GitRevisionRequest,
  ): Promise<GitResolvedRevision> {
    const { repo, revision, state } = this.prepareRequest(request);
    const ticket = state.listingsStarted;
    return state.lock.run(() =>
      this.withAccess(repo, request, access =>
        this.resolveLocked(state, repo, revision, request, ticket, access),
      ),
    );
  }

  async checkout(request: GitRevisionRequest): Promise<GitCheckout> {
    const resolved = await this.resolveRevision(request);
    const { repo, state } = this.prepareRequest(request);
    const path = await state.lock.run(async () => {
      await this.ensureMirror(state, this.context(repo, resolved.revision));
      return materializeCheckout(this.context(repo, resolved.revision), {
        gitDir: state.mirrorDir,
        checkoutsDir: state.checkoutsDir,
        sha: resolved.sha,
      });
    });
    return { ...resolved, path };
  }

  /**
   * Removes checkouts that no `checkout` call returned for `unusedForMs`, and
   * temp directories a crash left behind. Mirrors are kept. Safe to run while
   * requests are served: each repository's checkouts are pruned under its lock.
   */
  async pruneCheckouts(
    options: PruneCheckoutsOptions,
  ): Promise<Array<PrunedCheckout & { repoKey: string }>> {
    const cutoff = new Date(Date.now() - options.unusedForMs);
    const checkoutsRoot = join(this.cacheRoot, 'checkouts');
    let keys: string[];
    try {
      keys = await readdir(checkoutsRoot);
    } catch {
      return [];
    }
    const removed: Array<PrunedCheckout & { repoKey: string }> = [];
    for (const key of keys) {
      const state = this.stateFor(key);
      const pruned = await state.lock.run(() =>
        pruneCheckoutDirs(state.checkoutsDir, cutoff),
      );
      removed.push(...pruned.map(checkout => ({ ...checkout, repoKey: key })));
    }
    return removed;
  }

  private prepareRequest(request: GitRevisionRequest) {
    const repo = parseGitRepoURL(request.repoURL, this.allowedProtocols);
    const revision = normalizeTargetRevision(request.targetRevision);
    const problem = revisionSyntaxProblem(revision);
    if (problem) {
      throw new GitRevisionNotFoundError(
        `targetRevision '${revision}' for ${repo.repoURL} cannot name a branch, tag or commit: ${problem}. ` +
          'Set spec.source.targetRevision to a branch, tag, commit SHA or HEAD.',
        { repoURL: repo.repoURL, revision },
      );
    }
    if (
      request.previousSha !== undefined &&
      !isFullCommitSha(request.previousSha)
    ) {
      throw new GitSourceError(
        `previousSha '${request.previousSha}' for ${repo.repoURL} is not a full commit SHA`,
        { repoURL: repo.repoURL, revision },
      );
    }
    const key = createHash('sha256')
      .update(repo.mirrorKey)
      .digest('hex')
      .slice(0, 32);
    return { repo, revision, state: this.stateFor(key) };
  }

  private stateFor(key: string): RepoState {
    let state = this.repos.get(key);
    if (!state) {
      state = {
        key,
        mirrorDir: join(this.cacheRoot, 'mirrors', `${key}.git`),
        checkoutsDir: join(this.cacheRoot, 'checkouts', key),
        lock: new AsyncMutex(),
        mirrorReady: false,
        listingsStarted: 0,
        resolutions: new Map(),
        knownCommits: new Map(),
        presentCommits: new Set(),
        knownAncestors: new Set(),
      };
      this.repos.set(key, state);
    }
    return state;
  }

  private context(
    repo: ParsedGitRepoURL,
    revision?: string,
  ): GitCommandContext {
    return {
      gitExecutable: this.gitExecutable,
      timeoutMs: this.timeoutMs,
      repo,
      revision,
    };
  }

  private async withAccess<T>(
    repo: ParsedGitRepoURL,
    request: GitRevisionRequest,
    use: (access: RequestAccess) => Promise<T>,
  ): Promise<T> {
    const access = new RequestAccess(async () => {
      const credentials: GitRepoCredentials | undefined =
        repo.protocol === 'file'
          ? undefined
          : request.credentials ??
            (await this.options.credentialsProvider?.getCredentials({
              repoURL: repo.repoURL,
            }));
      await mkdir(this.tempRoot, { recursive: true });
      return prepareGitAccess(repo, credentials, {
        tempRoot: this.tempRoot,
        sshExecutable: this.sshExecutable,
        connectTimeoutSeconds: Math.min(
          SSH_CONNECT_TIMEOUT_SECONDS,
          this.timeoutMs / 1000,
        ),
      });
    });
    try {
      return await use(access);
    } finally {
      await access.dispose();
    }
  }

  private async resolveLocked(
    state: RepoState,
    repo: ParsedGitRepoURL,
    revision: string,
    request: GitRevisionRequest,
    ticket: number,
    access: RequestAccess,
  ): Promise<GitResolvedRevision> {
    const context = this.context(repo, revision);
    await this.ensureMirror(state, context);
    const base = { repoURL: repo.repoURL, revision };

    if (isFullCommitSha(revision)) {
      const sha = revision.toLowerCase();
      const known = state.knownCommits.get(sha);
      if (known) return { ...base, sha: known, kind: 'commit' };
      if (!(await this.hasCommit(context, state, sha))) {
        await this.fetch(context, state, access, []);
        if (
          !(await this.hasCommit(context, state, sha)) &&
          !(await this.fetchCommit(context, state, access, sha))
        ) {
          throw new GitRevisionNotFoundError(
            `Commit ${sha} was not found in ${repo.repoURL}: no branch or tag contains it, and the server ` +
              'would not send it by SHA. Check spec.source.targetRevision; a force push may have removed the commit.',
            base,
          );
        }
      }
      // The SHA of an annotated tag object names its commit; report the commit.
      const commit = (await this.findCommit(context, state, sha)) ?? sha;
      state.knownCommits.set(sha, commit);
      return { ...base, sha: commit, kind: 'commit' };
    }

    const cached = state.resolutions.get(revision);
    let resolution: CachedResolution;
    if (
      cached &&
      !request.refresh &&
      (cached.kind === 'tag' ||
        cached.kind === 'commit' ||
        Date.now() - cached.resolvedAt < this.branchResolutionTtlMs)
    ) {
      resolution = cached;
    } else {
      resolution = await this.resolveFromRemote(
        context,
        state,
        revision,
        ticket,
        access,
      );
    }

    let forcePush: GitForcePushError | undefined;
    if (
      resolution.kind === 'head' ||
      resolution.kind === 'branch' ||
      resolution.kind === 'ref'
    ) {
      forcePush = await this.detectForcePush(context, state, {
        revision,
        newSha: resolution.sha,
        candidates: [request.previousSha, cached?.sha],
      });
    }
    state.resolutions.set(revision, resolution);
    if (forcePush && request.onForcePush === 'fail') {
      throw forcePush;
    }
    return {
      ...base,
      sha: resolution.sha,
      kind: resolution.kind,
      ...(resolution.ref ? { ref: resolution.ref } : {}),
      ...(forcePush ? { forcePush } : {}),
    };
  }

  private async resolveFromRemote(
    context: GitCommandContext,
    state: RepoState,
    revision: string,
    ticket: number,
    access: RequestAccess,
  ): Promise<CachedResolution> {
    const { repo } = context;
    const base = { repoURL: repo.repoURL, revision };
    const extraRef = isExtraRef(revision) ? revision : undefined;
    let refs: RemoteRef[];
    if (state.listingsStarted > ticket && state.lastListing && !extraRef) {
      // A listing started after this request arrived: its answer is as fresh as one of our own.
      refs = state.lastListing.refs;
    } else {
      refs = await this.listRemote(context, state, access, extraRef);
    }

    const match = matchRevision(revision, refs);
    if (!match) {
      if (isAbbreviatedCommitSha(revision)) {
        let sha = await this.findCommit(context, state, revision);
        if (!sha) {
          await this.fetch(context, state, access, []);
          sha = await this.findCommit(context, state, revision);
        }
        if (sha) {
          return { sha, kind: 'commit', resolvedAt: Date.now() };
        }
      }
      throw this.revisionNotFound(repo, revision, refs);
    }

    if (!(await this.hasCommit(context, state, match.sha))) {
      await this.fetch(context, state, access, extraRef ? [extraRef] : []);
      if (!(await this.hasCommit(context, state, match.sha))) {
        if (await this.hasObject(context, state, match.sha)) {
          throw new GitRevisionNotFoundError(
            `'${revision}' in ${repo.repoURL} points to ${match.sha}, which is not a commit; ` +
              'set spec.source.targetRevision to a branch, tag or commit that names a commit.',
            base,
          );
        }
        // The ref moved between listing and fetch; the fetched ref is newer still.
        const fetched =
          match.ref === 'HEAD'
            ? undefined
            : await this.findCommit(context, state, match.ref);
        if (!fetched) {
          throw new GitCommandError(
            `${repo.repoURL} advertised ${match.ref} at ${match.sha}, but fetching did not bring that commit. ` +
              'Retry; if it persists, the Git server is misbehaving.',
            { ...base, exitCode: null },
          );
        }
        match.sha = fetched;
      }
    }
    return { ...match, resolvedAt: Date.now() };
  }

  private revisionNotFound(
    repo: ParsedGitRepoURL,
    revision: string,
    refs: readonly RemoteRef[],
  ): GitRevisionNotFoundError {
    const base = { repoURL: repo.repoURL, revision };
    if (revision === 'HEAD') {
      return new GitRevisionNotFoundError(
        `HEAD of ${repo.repoURL} does not resolve to a commit: the repository is empty or its default ` +
          'branch does not exist. Push to the default branch, or set spec.source.targetRevision to a branch, tag or commit.',
        base,
      );
    }
    const branches = refs
      .filter(ref => ref.name.startsWith('refs/heads/'))
      .map(ref => ref.name.slice('refs/heads/'.length));
    const known =
      branches.length > 0
        ? ` Branches there: ${branches.slice(0, 10).join(', ')}${
            branches.length > 10 ? `, and ${branches.length - 10} more` : ''
          }.`
        : '';
    return new GitRevisionNotFoundError(
      `Revision '${revision}' was not found in ${
        repo.repoURL
      }: no branch or tag has that name${
        isAbbreviatedCommitSha(revision) ? ' and no commit starts with it' : ''
      }. Check spec.source.targetRevision, and that the branch or tag has been pushed.${known}`,
      base,
    );
  }

  private async detectForcePush(
    context: GitCommandContext,
    state: RepoState,
    options: {
      revision: string;
      newSha: string;
      candidates: Array<string | undefined>;
    },
  ): Promise<GitForcePushError | undefined> {
    const previous = [
      ...new Set(
        options.candidates
          .filter((sha): sha is string => sha !== undefined)
          .map(sha => sha.toLowerCase()),
      ),
    ].filter(sha => sha !== options.newSha);
    for (const previousSha of previous) {
      const pair = `${previousSha}..${options.newSha}`;
      if (state.knownAncestors.has(pair)) continue;
      // The mirror holds the new tip's whole history, so a previous commit it lacks cannot be an ancestor either.
      const reachable = await gitSucceeds(
        context,
        ['merge-base', '--is-ancestor', previousSha, options.newSha],
        {
          gitDir: state.mirrorDir,
          operation: 'merge-base',
          noExitCodes: [1, 128],
        },
      );
      if (reachable) state.knownAncestors.add(pair);
      if (!reachable) {
        return new GitForcePushError({
          repoURL: context.repo.repoURL,
          revision: options.revision,
          previousSha,
          newSha: options.newSha,
        });
      }
    }
    return undefined;
  }

  private async ensureMirror(
    state: RepoState,
    context: GitCommandContext,
  ): Promise<void> {
    if (state.mirrorReady) {
      return;
    }
    const mirrorsDir = join(this.cacheRoot, 'mirrors');
    await mkdir(mirrorsDir, { recursive: true });
    if (await pathExists(join(state.mirrorDir, 'HEAD'))) {
      await removeStaleLocks(state.mirrorDir);
    } else {
      // Built beside its final place and renamed, so a crash never leaves a half-initialized mirror.
      const tempDir = await mkdtemp(
        join(mirrorsDir, `${TEMP_CHECKOUT_PREFIX}${state.key}-`),
      );
      try {
        await runGit(context, ['init', '--bare', '--quiet', tempDir], {
          operation: 'init',
        });
        await writeFile(
          join(tempDir, 'description'),
          `Driftless mirror of ${context.repo.repoURL}\n`,
        );
        try {
          await rename(tempDir, state.mirrorDir);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EEXIST' && code !== 'ENOTEMPTY') {
            throw error;
          }
        }
      } finally {
        await rm(tempDir, { recursive: true, force: true });
      }
    }
    state.mirrorReady = true;
  }

  private async hasObject(
    context: GitCommandContext,
    state: RepoState,
    sha: string,
  ): Promise<boolean> {
    return gitSucceeds(context, ['cat-file', '-e', sha], {
      gitDir: state.mirrorDir,
      operation: 'cat-file',
      noExitCodes: [1, 128],
    });
  }

  private async hasCommit(
    context: GitCommandContext,
    state: RepoState,
    sha: string,
  ): Promise<boolean> {
    if (state.presentCommits.has(sha)) return true;
    const present = await gitSucceeds(
      context,
      ['cat-file', '-e', `${sha}^{commit}`],
      {
        gitDir: state.mirrorDir,
        operation: 'cat-file',
        noExitCodes: [1, 128],
      },
    );
    if (present) state.presentCommits.add(sha);
    return present;
  }

  /** The full SHA of the commit a name (abbreviated SHA, ref) names in the mirror, if any. */
  private async findCommit(
    context: GitCommandContext,
    state: RepoState,
    name: string,
  ): Promise<string | undefined> {
    try {
      const { stdout } = await runGit(
        context,
        [
          'rev-parse',
          '--verify',
          '--quiet',
          '--end-of-options',
          `${name}^{commit}`,
        ],
        { gitDir: state.mirrorDir, operation: 'rev-parse' },
      );
      const sha = stdout.trim();
      return sha || undefined;
    } catch (error) {
      if (error instanceof GitCommandError && error.exitCode !== null) {
        return undefined;
      }
      throw error;
    }
  }

  private async listRemote(
    context: GitCommandContext,
    state: RepoState,
    access: RequestAccess,
    extraRef: string | undefined,
  ): Promise<RemoteRef[]> {
    state.listingsStarted += 1;
    try {
      const { stdout } = await this.remoteOperation(
        'ls-remote',
        context,
        async () =>
          runGit(
            context,
            [
              'ls-remote',
              '--symref',
              '--',
              context.repo.gitURL,
              'HEAD',
              'refs/heads/*',
              'refs/tags/*',
              ...(extraRef ? [extraRef] : []),
            ],
            {
              gitDir: state.mirrorDir,
              access: await access.get(),
              operation: 'ls-remote',
            },
          ),
      );
      const refs = parseLsRemote(stdout);
      if (!extraRef) {
        state.lastListing = { refs };
      }
      return refs;
    } catch (error) {
      // A failure is not shared: the next request may carry other credentials.
      if (!extraRef) {
        state.lastListing = undefined;
      }
      throw error;
    }
  }

  private async fetch(
    context: GitCommandContext,
    state: RepoState,
    access: RequestAccess,
    extraRefs: string[],
  ): Promise<void> {
    // `git fetch` may run `gc --auto`, which can drop commits no ref keeps.
    state.knownCommits.clear();
    state.presentCommits.clear();
    await this.remoteOperation('fetch', context, async () =>
      runGit(
        context,
        [
          'fetch',
          '--prune',
          '--no-tags',
          '--no-write-fetch-head',
          '--quiet',
          '--',
          context.repo.gitURL,
          '+refs/heads/*:refs/heads/*',
          '+refs/tags/*:refs/tags/*',
          ...extraRefs.map(ref => `+${ref}:${ref}`),
        ],
        {
          gitDir: state.mirrorDir,
          access: await access.get(),
          operation: 'fetch',
        },
      ),
    );
  }

  /** Fetches a commit no advertised ref points to; false when the server will not send it. */
  private async fetchCommit(
    context: GitCommandContext,
    state: RepoState,
    access: RequestAccess,
    sha: string,
  ): Promise<boolean> {
    state.knownCommits.clear();
    state.presentCommits.clear();
    try {
      await this.remoteOperation('fetch', context, async () =>
        runGit(
          context,
          [
            'fetch',
            '--no-tags',
            '--no-write-fetch-head',
            '--quiet',
            '--',
            context.repo.gitURL,
            // A ref keeps the commit from being garbage-collected out of the mirror.
            `+${sha}:refs/driftless/commits/${sha}`,
          ],
          {
            gitDir: state.mirrorDir,
            access: await access.get(),
            operation: 'fetch',
          },
        ),
      );
    } catch (error) {
      const message = (error as Error).message.toLowerCase();
      if (
        message.includes('not our ref') ||
        message.includes("couldn't find remote ref") ||
        message.includes('no such remote ref') ||
        message.includes('unadvertised object')
      ) {
        return false;
      }
      throw error;
    }
    return this.hasCommit(context, state, sha);
  }

  private async remoteOperation<T>(
    operation: GitRemoteOperationEvent['operation'],
    context: GitCommandContext,
    run: () => Promise<T>,
  ): Promise<T> {
    const started = Date.now();
    try {
      const result = await run();
      this.options.onRemoteOperation?.({
        operation,
        repoURL: context.repo.repoURL,
        durationMs: Date.now() - started,
      });
      return result;
    } catch (error) {
      this.options.onRemoteOperation?.({
        operation,
        repoURL: context.repo.repoURL,
        durationMs: Date.now() - started,
        error: error instanceof GitSourceError ? error : undefined,
      });
      throw error;
    }
  }
}

function isExtraRef(revision: string): boolean {
  return (
    revision.startsWith('refs/') &&
    !revision.startsWith('refs/heads/') &&
    !revision.startsWith('refs/tags/')
  );
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Lock files a killed git left behind would fail every later fetch. The
 * mirror belongs to this process (one cache root per replica) and this runs
 * under the repository's lock before its first use, so no git holds them.
 */
async function removeStaleLocks(dir: string, recurse = false): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && (recurse || entry.name === 'refs')) {
      await removeStaleLocks(path, true);
    } else if (entry.isFile() && entry.name.endsWith('.lock')) {
      await rm(path, { force: true });
    }
  }
}
