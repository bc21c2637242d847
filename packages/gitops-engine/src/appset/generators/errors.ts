/**
 * A generator failed: `generator` says which (its place in the set, e.g.
 * `spec.generators[0].matrix.generators[1].git`), the message says which
 * source (repository and revision, API URL, file) and why. The controller
 * keeps the set's existing Applications when generation fails.
 */
export class GeneratorError extends Error {
  readonly generator: string;

  constructor(
    generator: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${generator}: ${message}`, options);
    this.name = 'GeneratorError';
    this.generator = generator;
  }
}
