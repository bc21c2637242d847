/**
 * How long simulated things take. Controllers are deterministic: the same
 * writes in the same order give the same results; only these delays pace them.
 */
export interface KubeSimTimings {
  /** Pod created → scheduled onto the node. */
  podScheduleMs: number;
  /** Scheduled → containers running. */
  podStartMs: number;
  /** Running → Ready (readiness probes passing). */
  podReadyMs: number;
  /** First restart delay of a crashing container; doubles per restart (capped at 32×). */
  crashLoopBackoffMs: number;
  /** How long a Job's pod runs before it exits. */
  jobPodRunMs: number;
  /** Service type LoadBalancer → ingress IP assigned. */
  loadBalancerMs: number;
  /** PersistentVolumeClaim → Bound. */
  volumeBindMs: number;
  /** Ingress → load balancer address assigned. */
  ingressAddressMs: number;
  /** One AnalysisRun measurement (non-job providers). */
  analysisMeasurementMs: number;
  /**
   * Milliseconds one second written in a spec lasts (pause durations,
   * scaleDownDelaySeconds, progressDeadlineSeconds, minReadySeconds,
   * ttlSecondsAfterFinished, autoPromotionSeconds, measurement intervals).
   * 1000 is real time; tests use 10.
   */
  msPerSpecSecond: number;
  /** How long Events are kept (the API server's --event-ttl, one hour by default). */
  eventTtlMs: number;
}

/** Close to real behaviour, for the local portal. */
export const DEFAULT_TIMINGS: KubeSimTimings = {
  podScheduleMs: 50,
  podStartMs: 800,
  podReadyMs: 700,
  crashLoopBackoffMs: 2000,
  jobPodRunMs: 2000,
  loadBalancerMs: 500,
  volumeBindMs: 300,
  ingressAddressMs: 500,
  analysisMeasurementMs: 1000,
  msPerSpecSecond: 1000,
  eventTtlMs: 3_600_000,
};

/** Everything in a few milliseconds, for tests. */
export const FAST_TIMINGS: KubeSimTimings = {
  podScheduleMs: 1,
  podStartMs: 10,
  podReadyMs: 10,
  crashLoopBackoffMs: 20,
  jobPodRunMs: 20,
  loadBalancerMs: 5,
  volumeBindMs: 5,
  ingressAddressMs: 5,
  analysisMeasurementMs: 20,
  msPerSpecSecond: 10,
  eventTtlMs: 3_600_000,
};
