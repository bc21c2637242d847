import { createHash } from 'node:crypto';
import { ApiServer } from '../apiserver/apiServer';
import { JsonObject, KubeObject } from '../machinery/types';
import { ChangeEvent } from '../store/objectStore';
import { Controller, keyOf, splitKey } from './controller';

/** Annotation (pod or pod template) giving the exit code every container ends with. */
export const EXIT_CODE_ANNOTATION = 'kube-sim.driftless.dev/exit-code';
/** Annotation giving how long (ms) a container runs before it exits. */
export const RUN_MS_ANNOTATION = 'kube-sim.driftless.dev/run-ms';

export const NODE_NAME = 'kube-sim-node';
const HOST_IP = '172.18.0.2';

/** The repository name of an image reference: `registry/team/app:1.0` → `app`. */
export function imageRepositoryName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon >= 0 ? lastSegment.slice(0, colon) : lastSegment;
}

/**
 * How a container ends, if it does: an exit-code annotation, a `fail` image
 * (`fail:crash`, `example.com/fail:1`), a command ending in `exit N` or
 * `false`; a run-to-completion pod (restartPolicy Never/OnFailure) otherwise
 * exits 0.
 */
export function plannedExitCode(
  pod: KubeObject,
  container: JsonObject,
): number | undefined {
  const annotation = pod.metadata.annotations?.[EXIT_CODE_ANNOTATION];
  if (annotation !== undefined && /^\d+$/.test(annotation))
    return Number(annotation);
  if (imageRepositoryName(String(container.image ?? '')) === 'fail') return 1;
  const command = [...(container.command ?? []), ...(container.args ?? [])].map(
    String,
  );
  const script = command.join(' ');
  const exit = /\bexit\s+(\d+)\s*;?\s*$/.exec(script);
  if (exit) return Number(exit[1]);
  if (command[0] === 'false' || script.trim().endsWith('&& false')) return 1;
  if (command[0] === 'true') return 0;
  if (pod.spec?.restartPolicy && pod.spec.restartPolicy !== 'Always') return 0;
  return undefined;
}

function pullFails(container: JsonObject): boolean {
  return imageRepositoryName(String(container.image ?? '')) === 'pull-fail';
}

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function qualifiedImage(image: string): string {
  const name = image.split('@')[0];
  const hasRegistry = name.includes('/') && /[.:]/.test(name.split('/')[0]);
  let qualified = hasRegistry
    ? name
    : `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  if (!qualified.slice(qualified.lastIndexOf('/') + 1).includes(':'))
    qualified += ':latest';
  return qualified;
}

/** A duration as Go prints it in kubelet messages: `800ms`, `1.5s`. */
function goDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

/** A stable, plausible compressed image size (20–120 MB) for the Pulled message. */
function imageSize(image: string): number {
  return 20_000_000 + (parseInt(hex(image).slice(0, 8), 16) % 100_000_000);
}

/** Writes as kube-scheduler (binding and the PodScheduled condition). */
class SchedulerWriter {
  constructor(private readonly api: ApiServer) {}

  private type() {
    return this.api.registry.lookupGroupKind('', 'Pod')!;
  }

  bind(pod: KubeObject): KubeObject {
    return this.api.update(
      this.type(),
      pod.metadata.namespace,
      pod.metadata.name!,
      pod,
      { fieldManager: 'kube-scheduler', internal: true },
    ).object;
  }

  status(pod: KubeObject): KubeObject {
    return this.api.update(
      this.type(),
      pod.metadata.namespace,
      pod.metadata.name!,
      pod,
      { fieldManager: 'kube-scheduler', internal: true },
      'status',
    ).object;
  }
}

interface PodPlan {
  /** When the next step is due (ms since epoch). */
  next: number;
  restarts: number;
}

/**
 * The scheduler and the kubelet in one: binds pods to the single node, starts
 * their containers, makes them Ready after the configured delay, runs
 * run-to-completion pods to an exit, and puts failing containers into
 * CrashLoopBackOff (or ImagePullBackOff for `pull-fail` images).
 */
export class PodLifecycleController extends Controller {
  readonly name = 'pods';
  readonly manager = 'kubelet';
  private readonly plans = new Map<string, PodPlan>();
  /** Images the node has pulled: `IfNotPresent` containers start without pulling them again. */
  private readonly imagesOnNode = new Set<string>();
  private ipCounter = 10;

  observe(event: ChangeEvent): void {
    if (event.storageKey !== 'pods') return;
    const uid = event.object.metadata.uid!;
    if (event.type === 'DELETED') {
      this.plans.delete(uid);
      return;
    }
    if (event.type === 'ADDED')
      this.enqueue(keyOf(event.object), this.context.timings.podScheduleMs);
  }

  resync(): void {
    for (const pod of this.client.list('', 'Pod')) {
      const phase = pod.status?.phase;
      if (!pod.spec?.nodeName || phase === 'Pending') this.enqueue(keyOf(pod));
      const ip = pod.status?.podIP;
      if (typeof ip === 'string' && ip.startsWith('10.244.')) {
        const [, , third, fourth] = ip.split('.').map(Number);
        this.ipCounter = Math.max(this.ipCounter, third * 256 + fourth + 1);
      }
    }
  }

  private allocateIp(): string {
    const n = this.ipCounter++;
    return `10.244.${Math.floor(n / 256) % 256}.${n % 256}`;
  }

  private plan(pod: KubeObject): PodPlan {
    let plan = this.plans.get(pod.metadata.uid!);
    if (!plan) {
      plan = { next: 0, restarts: 0 };
      this.plans.set(pod.metadata.uid!, plan);
    }
    return plan;
  }

  private later(pod: KubeObject, delayMs: number): void {
    this.plan(pod).next = Date.now() + delayMs;
    this.enqueue(keyOf(pod), delayMs);
  }

  reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.client.get('', 'Pod', namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const plan = this.plan(pod);
    if (plan.next > Date.now()) {
      this.enqueue(key, plan.next - Date.now());
      return;
    }
    const status: JsonObject = pod.status ?? {};
    if (!pod.spec?.nodeName) {
      this.schedule(pod);
      return;
    }
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return;
    const containers: JsonObject[] = pod.spec?.containers ?? [];
    if (!status.startTime) {
      this.start(pod, containers);
      return;
    }
    const statuses: JsonObject[] = status.containerStatuses ?? [];
    if (
      statuses.some(
        s =>
          s.state?.waiting?.reason === 'ErrImagePull' ||
          s.state?.waiting?.reason === 'ImagePullBackOff',
      )
    ) {
      this.backOffPull(pod);
      return;
    }
    const exitCodes = containers.map(container =>
      plannedExitCode(pod, container),
    );
    const runsToCompletion = pod.spec?.restartPolicy !== 'Always';
    if (runsToCompletion) {
      this.complete(pod, containers, exitCodes);
      return;
    }
    if (exitCodes.some(code => code !== undefined)) {
      this.crash(pod, containers, exitCodes, plan);
      return;
    }
    this.markReady(pod, containers);
  }

  private schedule(pod: KubeObject): void {
    const now = this.timestamp();
    const bound = this.client.clone(pod);
    bound.spec.nodeName = NODE_NAME;
    const updated = new SchedulerWriter(this.context.api).bind(bound);
    const withCondition = this.client.clone(updated);
    withCondition.status = {
      ...(withCondition.status ?? {}),
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: now,
        },
      ],
    };
    const scheduled = new SchedulerWriter(this.context.api).status(
      withCondition,
    );
    this.client.event(
      scheduled,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
      this.now(),
      { component: 'default-scheduler' },
    );
    this.later(scheduled, this.context.timings.podStartMs);
  }

  private baseConditions(
    pod: KubeObject,
    ready: boolean,
    now: string,
    unready: string[],
  ): JsonObject[] {
    const previous: JsonObject[] = pod.status?.conditions ?? [];
    const keep = (
      type: string,
      status: string,
      extra: JsonObject = {},
    ): JsonObject => {
      const existing = previous.find(c => c.type === type);
      const lastTransitionTime =
        existing && existing.status === status
          ? existing.lastTransitionTime
          : now;
      return {
        type,
        status,
        lastProbeTime: null,
        lastTransitionTime,
        ...extra,
      };
    };
    const notReady = ready
      ? {}
      : {
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${unready.join(' ')}]`,
        };
    return [
      keep('PodReadyToStartContainers', 'True'),
      keep('Initialized', 'True'),
      keep('Ready', ready ? 'True' : 'False', notReady),
      keep('ContainersReady', ready ? 'True' : 'False', notReady),
      keep('PodScheduled', 'True'),
    ];
  }

  private containerStatus(
    pod: KubeObject,
    container: JsonObject,
    fields: JsonObject,
  ): JsonObject {
    const image = qualifiedImage(String(container.image ?? ''));
    return {
      containerID: `containerd://${hex(
        `${pod.metadata.uid}/${container.name}/${fields.restartCount ?? 0}`,
      )}`,
      image,
      imageID: `${image.slice(0, image.lastIndexOf(':'))}@sha256:${hex(image)}`,
      lastState: {},
      name: container.name,
      ready: false,
      restartCount: 0,
      started: true,
      ...fields,
    };
  }

  private start(pod: KubeObject, containers: JsonObject[]): void {
    const now = this.timestamp();
    const next = this.client.clone(pod);
    const podIP = pod.spec?.hostNetwork ? HOST_IP : this.allocateIp();
    const pulling = containers.filter(pullFails);
    const statuses = containers.map(container =>
      pullFails(container)
        ? {
            image: container.image,
            imageID: '',
            lastState: {},
            name: container.name,
            ready: false,
            restartCount: 0,
            started: false,
            state: {
              waiting: {
                reason: 'ErrImagePull',
                message: `failed to pull and unpack image "${qualifiedImage(
                  String(container.image),
                )}": not found`,
              },
            },
          }
        : this.containerStatus(pod, container, {
            state: { running: { startedAt: now } },
          }),
    );
    next.status = {
      ...(pod.status ?? {}),
      phase: pulling.length > 0 ? 'Pending' : 'Running',
      conditions: this.baseConditions(
        pod,
        false,
        now,
        containers.map(c => c.name),
      ),
      hostIP: HOST_IP,
      hostIPs: [{ ip: HOST_IP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      containerStatuses: statuses,
    };
    if ((pod.spec?.initContainers ?? []).length > 0) {
      next.status.initContainerStatuses = pod.spec.initContainers.map(
        (container: JsonObject) =>
          this.containerStatus(pod, container, {
            ready: true,
            started: false,
            state: {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: now,
                finishedAt: now,
              },
            },
          }),
      );
    }
    const started = this.client.updateStatus(next);
    for (const container of pod.spec?.initContainers ?? []) {
      this.containerStartEvents(started, container, 'initContainers');
    }
    for (const container of containers) {
      this.containerStartEvents(started, container, 'containers');
    }
    if (pulling.length > 0) {
      this.later(started, this.context.timings.crashLoopBackoffMs);
      return;
    }
    const runMs = Number(pod.metadata.annotations?.[RUN_MS_ANNOTATION]);
    const runsToCompletion = pod.spec?.restartPolicy !== 'Always';
    let delay = this.readinessDelay(pod);
    if (runsToCompletion)
      delay =
        Number.isFinite(runMs) && runMs >= 0
          ? runMs
          : this.context.timings.jobPodRunMs;
    this.later(started, delay);
  }

  /** The kubelet's events about one container of a starting pod: the image pull, then Created and Started. */
  private containerStartEvents(
    pod: KubeObject,
    container: JsonObject,
    list: 'containers' | 'initContainers',
  ): void {
    const image = String(container.image ?? '');
    const event = (
      type: 'Normal' | 'Warning',
      reason: string,
      message: string,
    ) =>
      this.client.event(pod, type, reason, message, this.now(), {
        host: NODE_NAME,
        fieldPath: `spec.${list}{${container.name}}`,
      });
    if (pullFails(container)) {
      event('Normal', 'Pulling', `Pulling image "${image}"`);
      event(
        'Warning',
        'Failed',
        `Failed to pull image "${image}": failed to pull and unpack image "${qualifiedImage(
          image,
        )}": not found`,
      );
      event('Warning', 'Failed', 'Error: ErrImagePull');
      return;
    }
    if (
      container.imagePullPolicy !== 'Always' &&
      this.imagesOnNode.has(image)
    ) {
      event(
        'Normal',
        'Pulled',
        `Container image "${image}" already present on machine`,
      );
    } else {
      const took = goDuration(this.context.timings.podStartMs);
      event('Normal', 'Pulling', `Pulling image "${image}"`);
      event(
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSize(
          image,
        )} bytes.`,
      );
      this.imagesOnNode.add(image);
    }
    event('Normal', 'Created', `Created container: ${container.name}`);
    event('Normal', 'Started', `Started container ${container.name}`);
  }

  private readinessDelay(pod: KubeObject): number {
    const initialDelays = (pod.spec?.containers ?? []).map(
      (container: JsonObject) =>
        Number(container.readinessProbe?.initialDelaySeconds ?? 0),
    );
    return (
      this.context.timings.podReadyMs +
      this.specSeconds(Math.max(0, ...initialDelays))
    );
  }

  private markReady(pod: KubeObject, containers: JsonObject[]): void {
    const now = this.timestamp();
    const next = this.client.clone(pod);
    next.status.containerStatuses = (pod.status?.containerStatuses ?? []).map(
      (status: JsonObject) => ({ ...status, ready: true, started: true }),
    );
    next.status.conditions = this.baseConditions(pod, true, now, []);
    next.status.phase = 'Running';
    if (containers.length > 0) this.client.updateStatus(next);
  }

  private complete(
    pod: KubeObject,
    containers: JsonObject[],
    exitCodes: Array<number | undefined>,
  ): void {
    const now = this.timestamp();
    const next = this.client.clone(pod);
    const codes = exitCodes.map(code => code ?? 0);
    const failed = codes.some(code => code !== 0);
    next.status.containerStatuses = containers.map((container, index) => {
      const previous =
        (pod.status?.containerStatuses ?? []).find(
          (s: JsonObject) => s.name === container.name,
        ) ?? {};
      return {
        ...this.containerStatus(pod, container, {}),
        ...previous,
        ready: false,
        started: false,
        state: {
          terminated: {
            containerID: previous.containerID,
            exitCode: codes[index],
            reason: codes[index] === 0 ? 'Completed' : 'Error',
            startedAt: previous.state?.running?.startedAt ?? now,
            finishedAt: now,
          },
        },
      };
    });
    next.status.phase = failed ? 'Failed' : 'Succeeded';
    next.status.conditions = this.baseConditions(pod, false, now, []).map(
      condition => {
        if (
          condition.type === 'Ready' ||
          condition.type === 'ContainersReady'
        ) {
          const { message: _message, ...rest } = condition;
          return { ...rest, status: 'False', reason: 'PodCompleted' };
        }
        if (condition.type === 'PodReadyToStartContainers') {
          return { ...condition, status: 'False', lastTransitionTime: now };
        }
        return condition;
      },
    );
    this.client.updateStatus(next);
  }

  private crash(
    pod: KubeObject,
    containers: JsonObject[],
    exitCodes: Array<number | undefined>,
    plan: PodPlan,
  ): void {
    const now = this.timestamp();
    const next = this.client.clone(pod);
    plan.restarts += 1;
    const backoffSeconds = Math.min(300, 10 * 2 ** (plan.restarts - 1));
    next.status.containerStatuses = containers.map((container, index) => {
      const previous =
        (pod.status?.containerStatuses ?? []).find(
          (s: JsonObject) => s.name === container.name,
        ) ?? {};
      if (exitCodes[index] === undefined) {
        return { ...previous, ready: true };
      }
      const restartCount =
        (previous.restartCount ?? 0) + (previous.state?.waiting ? 1 : 0);
      const startedAt =
        previous.state?.running?.startedAt ??
        previous.lastState?.terminated?.startedAt ??
        now;
      return {
        ...this.containerStatus(pod, container, { restartCount }),
        ready: false,
        started: false,
        lastState: {
          terminated: {
            containerID: previous.containerID,
            exitCode: exitCodes[index],
            reason: exitCodes[index] === 0 ? 'Completed' : 'Error',
            startedAt,
            finishedAt: now,
          },
        },
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${backoffSeconds}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          },
        },
      };
    });
    const unready = containers
      .filter((_, index) => exitCodes[index] !== undefined)
      .map(c => c.name);
    next.status.conditions = this.baseConditions(pod, false, now, unready);
    next.status.phase = 'Running';
    const written = this.client.updateStatus(next);
    // Repeats aggregate into one event with a growing count, as on a node.
    for (const container of unready) {
      this.client.event(
        written,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        this.now(),
        { host: NODE_NAME, fieldPath: `spec.containers{${container}}` },
      );
    }
    const delay =
      this.context.timings.crashLoopBackoffMs *
      Math.min(32, 2 ** (plan.restarts - 1));
    this.later(written, delay);
  }

  private backOffPull(pod: KubeObject): void {
    for (const status of pod.status?.containerStatuses ?? []) {
      if (!status.state?.waiting) continue;
      const where = {
        host: NODE_NAME,
        fieldPath: `spec.containers{${status.name}}`,
      };
      this.client.event(
        pod,
        'Normal',
        'BackOff',
        `Back-off pulling image "${status.image}"`,
        this.now(),
        where,
      );
      this.client.event(
        pod,
        'Warning',
        'Failed',
        'Error: ImagePullBackOff',
        this.now(),
        where,
      );
    }
    const next = this.client.clone(pod);
    next.status.containerStatuses = (pod.status?.containerStatuses ?? []).map(
      (status: JsonObject) =>
        status.state?.waiting
          ? {
              ...status,
              state: {
                waiting: {
                  reason: 'ImagePullBackOff',
                  message: `Back-off pulling image "${status.image}"`,
                },
              },
            }
          : status,
    );
    this.client.updateStatus(next);
  }
}
