/**
 * Fault injection: per-test rules that make matching requests slow, fail,
 * throttle, reset or lose their watch stream, so client retry and resync code
 * can be tested against the real wire protocol.
 */

export type FaultVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'apply'
  | 'delete'
  | 'deletecollection';

export type FaultEffect =
  /** Delays the request (combines with any other matching rule). */
  | { type: 'latency'; ms: number }
  /** Answers with a Status error of this code (500, 503, ...). */
  | { type: 'error'; code: number; reason?: string; message?: string }
  /** Answers 429 TooManyRequests with a Retry-After header. */
  | { type: 'throttle'; retryAfterSeconds: number }
  /** Destroys the connection without an answer. */
  | { type: 'reset' }
  /** Answers 409 Conflict as for a stale resourceVersion. */
  | { type: 'conflict' }
  /** Ends a watch stream cleanly after some time or some events. */
  | { type: 'dropWatch'; afterMs?: number; afterEvents?: number }
  /** Ends a watch stream with a 410 Gone ERROR event, as after an etcd compaction. */
  | { type: 'expireWatch'; afterMs?: number; afterEvents?: number };

export interface FaultRule {
  /** Verbs the rule applies to (`apply` is a PATCH with an apply body); all when omitted. */
  verbs?: FaultVerb[];
  /** Resources as `plural` or `plural.group` (`deployments.apps`); all when omitted. */
  resources?: string[];
  namespace?: string;
  name?: string;
  /** Requests to let through before the rule starts to act. */
  skip?: number;
  /** How many requests it acts on; unlimited when omitted. */
  count?: number;
  effect: FaultEffect;
}

export interface FaultRequest {
  verb: FaultVerb;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export interface ActiveFault {
  readonly id: number;
  readonly rule: FaultRule;
  /** Requests the rule acted on so far. */
  hits: number;
  /** Matching requests seen so far (including skipped ones). */
  seen: number;
}

export class FaultInjector {
  private nextId = 1;
  private readonly rules: ActiveFault[] = [];

  add(rule: FaultRule): ActiveFault & { remove(): void } {
    validateRule(rule);
    const fault = { id: this.nextId++, rule, hits: 0, seen: 0 };
    this.rules.push(fault);
    return Object.assign(fault, { remove: () => this.remove(fault.id) });
  }

  remove(id: number): void {
    const index = this.rules.findIndex(rule => rule.id === id);
    if (index >= 0) this.rules.splice(index, 1);
  }

  clear(): void {
    this.rules.length = 0;
  }

  list(): ActiveFault[] {
    return [...this.rules];
  }

  /** The effects that apply to a request: every latency, then at most one other effect. */
  match(request: FaultRequest): FaultEffect[] {
    if (this.rules.length === 0) return [];
    const effects: FaultEffect[] = [];
    let terminal = false;
    for (const fault of this.rules) {
      if (!matches(fault.rule, request)) continue;
      const isLatency = fault.rule.effect.type === 'latency';
      if (!isLatency && terminal) continue;
      fault.seen++;
      if (fault.seen <= (fault.rule.skip ?? 0)) continue;
      if (fault.rule.count !== undefined && fault.hits >= fault.rule.count)
        continue;
      fault.hits++;
      effects.push(fault.rule.effect);
      if (!isLatency) terminal = true;
    }
    return effects;
  }
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  if (rule.verbs && !rule.verbs.includes(request.verb)) {
    if (!(request.verb === 'apply' && rule.verbs.includes('patch')))
      return false;
  }
  if (rule.resources) {
    const qualified = request.group
      ? `${request.resource}.${request.group}`
      : request.resource;
    if (
      !rule.resources.includes(request.resource) &&
      !rule.resources.includes(qualified)
    )
      return false;
  }
  if (rule.namespace !== undefined && rule.namespace !== request.namespace)
    return false;
  if (rule.name !== undefined && rule.name !== request.name) return false;
  return true;
}

function validateRule(rule: FaultRule): void {
  const effect = rule?.effect;
  const types = [
    'latency',
    'error',
    'throttle',
    'reset',
    'conflict',
    'dropWatch',
    'expireWatch',
  ];
  if (!effect || !types.includes(effect.type)) {
    throw new Error(
      `kube-sim: a fault rule needs an effect.type, one of ${types.join(', ')}`,
    );
  }
  if (effect.type === 'error' && !(effect.code >= 400 && effect.code <= 599)) {
    throw new Error(
      'kube-sim: an error fault needs a code between 400 and 599',
    );
  }
}
