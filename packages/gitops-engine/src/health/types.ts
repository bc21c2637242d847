/**
 * A Kubernetes object as decoded from JSON or YAML, without a typed schema:
 * what the cluster cache holds and what a renderer produces.
 */
export type UnstructuredObject = Record<string, unknown>;

/**
 * Argo CD's health status codes, ordered from best to worst as Argo CD's
 * `IsWorse` orders them (`gitops-engine/pkg/health/health.go`, `healthOrder`).
 */
export const HEALTH_STATUS_CODES = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
] as const;

/** One of Argo CD's six health status codes. */
export type HealthStatusCode = (typeof HEALTH_STATUS_CODES)[number];

/** The health of one resource: a status code and a human-readable message ('' when there is none). */
export interface HealthStatus {
  status: HealthStatusCode;
  message: string;
}

/** Whether `value` is one of the six health status codes (case-sensitive, as in Argo CD). */
export function isHealthStatusCode(value: unknown): value is HealthStatusCode {
  return (
    typeof value === 'string' &&
    (HEALTH_STATUS_CODES as readonly string[]).includes(value)
  );
}

/**
 * Whether `candidate` is a worse health than `current` in Argo CD's order
 * (Healthy < Suspended < Progressing < Missing < Degraded < Unknown).
 */
export function isWorseHealth(
  current: HealthStatusCode,
  candidate: HealthStatusCode,
): boolean {
  return (
    HEALTH_STATUS_CODES.indexOf(candidate) >
    HEALTH_STATUS_CODES.indexOf(current)
  );
}
