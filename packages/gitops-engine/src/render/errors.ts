import { redactURLCredentials } from '../git/repoUrl';

/**
 * Why a render failed, for callers that react differently (a missing tool is
 * an operator problem, an invalid manifest is the app owner's).
 */
export type RenderErrorCode =
  /** The Application's source cannot be rendered as written (bad path, option, value file...). */
  | 'InvalidSource'
  /** A path, value file or kustomization reference leaves the checkout. */
  | 'OutsideCheckout'
  /** A symlink in the checkout points outside it (or is absolute). */
  | 'SymlinkOutsideCheckout'
  /** A Kustomize resource, base or component is a remote URL and remote bases are not allowed. */
  | 'RemoteBaseRefused'
  /** A Helm chart needs dependencies that are not vendored and cannot be fetched. */
  | 'MissingDependency'
  /** A feature of Argo CD this renderer does not implement. */
  | 'Unsupported'
  /** The binary the source type needs is not installed where configured. */
  | 'ToolNotFound'
  /** The tool ran and failed; the message ends with its stderr. */
  | 'ToolFailed'
  /** The render ran past its time budget. */
  | 'Timeout'
  /** A file or tool output is not valid YAML/JSON, or an object lacks apiVersion, kind or name. */
  | 'InvalidManifest'
  /** Anything else (an I/O error, a bug): the message says what happened. */
  | 'Internal';

/** Where in the inputs a render failed. */
export interface RenderErrorLocation {
  repoURL: string;
  sha: string;
  /** `source.path`. */
  path: string;
  /** The file, relative to the checkout, when one file is at fault. */
  file?: string;
  /** The 0-based document index in `file` or in the tool's output. */
  documentIndex?: number;
}

/**
 * A render that failed. The message says what went wrong and where (repo,
 * revision, path, file, document) and, where there is one, what to do; it
 * never contains credentials or values passed to the tools.
 */
export class RenderError extends Error {
  readonly code: RenderErrorCode;
  readonly location: RenderErrorLocation;

  constructor(
    code: RenderErrorCode,
    detail: string,
    location: RenderErrorLocation,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot render ${redactURLCredentials(location.repoURL)} at ${shortSha(
        location.sha,
      )}, path '${location.path || '.'}': ${detail}`,
      options,
    );
    this.name = 'RenderError';
    this.code = code;
    this.location = location;
  }
}

/**
 * A problem found below the renderer's entry point, before the repo and
 * revision are known to the code that found it; the renderer turns it into a
 * {@link RenderError} with the full location.
 */
export class RenderProblem extends Error {
  readonly code: RenderErrorCode;
  readonly file?: string;
  readonly documentIndex?: number;

  constructor(
    code: RenderErrorCode,
    message: string,
    where: { file?: string; documentIndex?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: where.cause });
    this.name = 'RenderProblem';
    this.code = code;
    this.file = where.file;
    this.documentIndex = where.documentIndex;
  }
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : sha;
}
