import { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiServer,
  DeleteOptions,
  PATCH_CONTENT_TYPES,
  PatchType,
  WatchSink,
} from '../apiserver/apiServer';
import { FaultEffect, FaultInjector, FaultVerb } from '../faults/faults';
import {
  ApiError,
  badRequest,
  conflict,
  internalError,
  methodNotAllowed,
  notFound,
  STALE_OBJECT_MESSAGE,
  unsupportedMediaType,
} from '../machinery/errors';
import {
  formatApiVersion,
  isPlainObject,
  JsonObject,
  KubeObject,
} from '../machinery/types';
import { ResourceType } from '../registry/resourceType';
import { ChangeEvent } from '../store/objectStore';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
  wantsAggregatedDiscovery,
} from './discovery';
import { groupVersionDocument, openApiV3Root } from './openapi';
import { applyJsonPatch } from '../patch/jsonPatch';
import { toTable, wantsTable } from './tables';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface HttpLayerOptions {
  api: ApiServer;
  faults: FaultInjector;
  /** Bearer token every request must carry; none when undefined. */
  token?: string;
  /** Address advertised in `/api` (host:port). */
  serverAddress: () => string;
  /** Extra endpoints (the simulator's control API); returns true when it answered. */
  extraRoutes?: (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: Buffer,
  ) => boolean | Promise<boolean>;
  /** Called once per finished request, for logs. */
  onRequest?: (entry: {
    method: string;
    url: string;
    status: number;
    ms: number;
  }) => void;
}

interface ResourceRoute {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  response.end(text);
}

function sendError(
  response: ServerResponse,
  error: ApiError,
  headers: Record<string, string> = {},
): void {
  sendJson(response, error.code, error.toStatus(), 'application/json', headers);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(
          new ApiError(
            413,
            'RequestEntityTooLarge',
            'the request is too large',
          ),
        );
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${
        (error as Error).message
      }`,
    );
  }
}

function boolParam(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  return value === 'true' || value === '1' || value === '';
}

function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return {
    Warning: warnings.map(w => `299 - ${JSON.stringify(w)}`).join(', '),
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * `pods/<name>/log`: no container runs, so the log says what the simulated
 * kubelet did, which is enough for log viewers and `kubectl logs` to work.
 */
function servePodLog(
  response: ServerResponse,
  pod: KubeObject,
  params: URLSearchParams,
): void {
  const containers: JsonObject[] = pod.spec?.containers ?? [];
  const name = params.get('container') ?? containers[0]?.name;
  const container = containers.find(c => c.name === name);
  if (!container)
    throw badRequest(
      `container ${name} is not valid for pod ${pod.metadata.name}`,
    );
  const status = (pod.status?.containerStatuses ?? []).find(
    (s: JsonObject) => s.name === name,
  );
  const lines = [
    `kube-sim: container ${name} of pod ${pod.metadata.namespace}/${pod.metadata.name} (image ${container.image})`,
  ];
  if (status?.state?.running)
    lines.push(`kube-sim: running since ${status.state.running.startedAt}`);
  if (status?.state?.terminated)
    lines.push(
      `kube-sim: exited with code ${status.state.terminated.exitCode} at ${status.state.terminated.finishedAt}`,
    );
  if (status?.lastState?.terminated)
    lines.push(
      `kube-sim: last run exited with code ${status.lastState.terminated.exitCode}`,
    );
  if (status?.state?.waiting)
    lines.push(`kube-sim: waiting: ${status.state.waiting.reason}`);
  const text = `${lines.join('\n')}\n`;
  response.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Serves the Kubernetes REST API over node:http(s): discovery, OpenAPI v3
 * stubs, resources with every verb, server-side tables, and watch streams.
 */
export function createRequestHandler(
  options: HttpLayerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { api, faults } = options;
  const registry = api.registry;

  function route(segments: string[]): ResourceRoute | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') {
      group = '';
      version = segments[1];
      rest = segments.slice(2);
    } else {
      group = segments[1];
      version = segments[2];
      rest = segments.slice(3);
    }
    let watchPath = false;
    if (rest[0] === 'watch') {
      watchPath = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const candidate = registry.lookup(group, version, rest[2]);
      if (candidate || !['status', 'finalize'].includes(rest[2])) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const [resource, name, subresource, ...extra] = rest;
    if (!resource || extra.length > 0) return undefined;
    const type = registry.lookup(group, version, resource);
    if (!type) return undefined;
    if (namespace && !type.namespaced) return undefined;
    return { type, namespace, name, subresource, watchPath };
  }

  function verbOf(
    method: string,
    routeInfo: ResourceRoute,
    params: URLSearchParams,
    contentType: string,
  ): FaultVerb {
    const isWatch =
      routeInfo.watchPath || boolParam(params.get('watch')) === true;
    switch (method) {
      case 'GET':
        if (isWatch) return 'watch';
        return routeInfo.name ? 'get' : 'list';
      case 'POST':
        return 'create';
      case 'PUT':
        return 'update';
      case 'PATCH':
        return contentType === 'application/apply-patch+yaml'
          ? 'apply'
          : 'patch';
      case 'DELETE':
        return routeInfo.name ? 'delete' : 'deletecollection';
      default:
        throw methodNotAllowed(
          `the server does not allow this method on the requested resource`,
        );
    }
  }

  function listBody(
    type: ResourceType,
    items: KubeObject[],
    metadata: JsonObject,
  ): string {
    const apiVersion = formatApiVersion(type.group, type.version);
    // Typed (built-in) lists do not repeat apiVersion/kind on their items; unstructured ones do.
    const itemJson = items.map(item =>
      JSON.stringify(
        type.custom
          ? item
          : { ...item, apiVersion: undefined, kind: undefined },
      ),
    );
    return `{"kind":${JSON.stringify(
      type.listKind,
    )},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(
      metadata,
    )},"items":[${itemJson.join(',')}]}`;
  }

  function scaleOf(type: ResourceType, object: KubeObject): JsonObject {
    const paths = type.scaleSubresource ?? {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: undefined,
    };
    const read = (path: string | undefined) =>
      path
        ?.replace(/^\./, '')
        .split('.')
        .reduce<any>(
          (value, key) =>
            value === undefined || value === null ? undefined : value[key],
          object,
        );
    let selector = read(paths.labelSelectorPath);
    if (selector === undefined && isPlainObject(object.spec?.selector)) {
      selector = Object.entries(object.spec.selector.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    }
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        creationTimestamp: object.metadata.creationTimestamp,
      },
      spec: { replicas: read(paths.specReplicasPath) ?? 0 },
      status: {
        replicas: read(paths.statusReplicasPath) ?? 0,
        ...(selector ? { selector } : {}),
      },
    };
  }

  function serveWatch(
    request: IncomingMessage,
    response: ServerResponse,
    routeInfo: ResourceRoute,
    params: URLSearchParams,
    effects: FaultEffect[],
  ): void {
    const { type } = routeInfo;
    let fieldSelector = params.get('fieldSelector') ?? undefined;
    if (routeInfo.name) {
      fieldSelector = [`metadata.name=${routeInfo.name}`, fieldSelector]
        .filter(Boolean)
        .join(',');
    }
    const table = wantsTable(request.headers.accept);
    const includeObject = params.get('includeObject') ?? undefined;
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    response.flushHeaders();
    let closed = false;
    let stop: () => void = () => undefined;
    let sent = 0;
    // Events of one turn of the event loop go out in one write: far fewer
    // TLS records and chunks when many watchers see a burst of writes.
    let pending: string[] = [];
    let flushScheduled = false;
    const flush = () => {
      flushScheduled = false;
      if (closed || pending.length === 0) return;
      const text = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      response.write(text);
    };
    const enqueueLine = (line: string) => {
      pending.push(line);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    };
    const drop = effects.find(
      effect => effect.type === 'dropWatch' || effect.type === 'expireWatch',
    ) as
      | {
          type: 'dropWatch' | 'expireWatch';
          afterMs?: number;
          afterEvents?: number;
        }
      | undefined;
    const finish = () => {
      if (closed) return;
      flush();
      closed = true;
      stop();
      response.end();
    };
    const expire = () => {
      if (closed) return;
      if (drop?.type === 'expireWatch') {
        const status = new ApiError(
          410,
          'Expired',
          'too old resource version: 0 (0)',
        ).toStatus();
        enqueueLine(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      }
      finish();
    };
    const sink: WatchSink = {
      event(eventType, object, source?: ChangeEvent) {
        if (closed) return;
        let line: string | undefined;
        if (table && eventType !== 'ERROR' && eventType !== 'BOOKMARK') {
          line = `${JSON.stringify({
            type: eventType,
            object: toTable(type, [object as KubeObject], {}, includeObject),
          })}\n`;
        } else if (source) {
          const key = `${eventType}|${object.apiVersion}`;
          source.serialized ??= new Map();
          line = source.serialized.get(key);
          if (!line) {
            line = `{"type":"${eventType}","object":${JSON.stringify(
              object,
            )}}\n`;
            source.serialized.set(key, line);
          }
        } else {
          line = `{"type":"${eventType}","object":${JSON.stringify(object)}}\n`;
        }
        enqueueLine(line);
        if (eventType !== 'BOOKMARK') sent++;
        if (drop?.afterEvents !== undefined && sent >= drop.afterEvents)
          expire();
      },
      close: finish,
    };
    request.on('close', finish);
    response.on('close', finish);
    const sendInitialEvents = boolParam(params.get('sendInitialEvents'));
    stop = api.watch(
      type,
      routeInfo.namespace,
      {
        labelSelector: params.get('labelSelector') ?? undefined,
        fieldSelector,
        resourceVersion: params.get('resourceVersion') ?? undefined,
        allowWatchBookmarks:
          boolParam(params.get('allowWatchBookmarks')) === true,
        sendInitialEvents,
      },
      sink,
    );
    if (closed) stop();
    const timeout = Number(params.get('timeoutSeconds') ?? 0);
    const timers: NodeJS.Timeout[] = [];
    if (timeout > 0) timers.push(setTimeout(finish, timeout * 1000));
    if (drop && drop.afterEvents === undefined)
      timers.push(setTimeout(expire, drop.afterMs ?? 0));
    else if (drop?.afterMs !== undefined)
      timers.push(setTimeout(expire, drop.afterMs));
    response.on('close', () => timers.forEach(clearTimeout));
  }

  async function serveResource(
    request: IncomingMessage,
    response: ServerResponse,
    routeInfo: ResourceRoute,
    params: URLSearchParams,
    body: Buffer,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    const contentType = (request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const { type, namespace, name, subresource } = routeInfo;
    const verb = verbOf(method, routeInfo, params, contentType);
    const baseVerb = verb === 'apply' ? 'patch' : verb;
    if (!type.verbs.includes(baseVerb)) {
      throw methodNotAllowed(
        `the server does not allow this method on the requested resource`,
      );
    }
    if (
      subresource === 'log' &&
      type.resource === 'pods' &&
      method === 'GET' &&
      name
    ) {
      servePodLog(response, api.get(type, namespace, name), params);
      return;
    }
    if (subresource && !['status', 'scale', 'finalize'].includes(subresource)) {
      throw notFound(type.group, `${type.resource}/${subresource}`, name ?? '');
    }
    if (subresource === 'status' && !type.hasStatusSubresource)
      throw notFound(type.group, `${type.resource}/status`, name ?? '');
    if (subresource === 'finalize' && type.resource !== 'namespaces')
      throw notFound(type.group, `${type.resource}/finalize`, name ?? '');

    const effects = faults.match({
      verb,
      group: type.group,
      resource: type.resource,
      namespace,
      name,
    });
    for (const effect of effects) {
      if (effect.type === 'latency') await sleep(effect.ms);
    }
    const terminal = effects.find(
      effect =>
        effect.type !== 'latency' &&
        effect.type !== 'dropWatch' &&
        effect.type !== 'expireWatch',
    );
    if (terminal) {
      switch (terminal.type) {
        case 'reset':
          request.socket.destroy();
          return;
        case 'throttle':
          sendError(
            response,
            new ApiError(
              429,
              'TooManyRequests',
              'the server has received too many requests and has asked us to try again later',
              {
                retryAfterSeconds: terminal.retryAfterSeconds,
              },
            ),
            { 'Retry-After': String(terminal.retryAfterSeconds) },
          );
          return;
        case 'conflict':
          sendError(
            response,
            conflict(
              type.group,
              type.resource,
              name ?? '',
              STALE_OBJECT_MESSAGE,
            ),
          );
          return;
        case 'error':
          sendError(
            response,
            new ApiError(
              terminal.code,
              terminal.reason ??
                (terminal.code >= 500 ? 'InternalError' : 'BadRequest'),
              terminal.message ?? `kube-sim injected fault: ${terminal.code}`,
            ),
          );
          return;
        default:
          break;
      }
    }

    if (
      contentType.startsWith('application/vnd.kubernetes.protobuf') ||
      contentType === 'application/cbor'
    ) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (kube-sim does not decode ${contentType})`,
      );
    }
    const userAgent = request.headers['user-agent'];
    const dryRun = params.getAll('dryRun').includes('All');
    const fieldManager = params.get('fieldManager') ?? undefined;
    const fieldValidationParam = params.get('fieldValidation');
    const fieldValidation =
      fieldValidationParam === 'Strict' ||
      fieldValidationParam === 'Warn' ||
      fieldValidationParam === 'Ignore'
        ? fieldValidationParam
        : undefined;
    const table = wantsTable(request.headers.accept);
    const includeObject = params.get('includeObject') ?? undefined;

    if (verb === 'watch') {
      serveWatch(request, response, routeInfo, params, effects);
      return;
    }

    if (subresource === 'scale') {
      const current = api.get(type, namespace, name!);
      if (method === 'GET') {
        sendJson(response, 200, scaleOf(type, current));
        return;
      }
      let scale: any;
      const scaleNow = scaleOf(type, current);
      if (method === 'PUT') scale = parseJsonBody(body);
      else if (method === 'PATCH') {
        const patchType = PATCH_CONTENT_TYPES[contentType];
        const patchBody = parseJsonBody(body);
        if (patchType === 'merge' || patchType === 'strategic') {
          scale = {
            ...scaleNow,
            spec: { ...scaleNow.spec, ...((patchBody as any)?.spec ?? {}) },
          };
        } else if (patchType === 'json') {
          scale = applyJsonPatch(scaleNow, patchBody);
        } else throw unsupportedMediaType(contentType);
      } else
        throw methodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
      const replicas = Number(scale?.spec?.replicas);
      const path = (type.scaleSubresource?.specReplicasPath ?? '.spec.replicas')
        .replace(/^\./, '')
        .split('.');
      const patchObject: JsonObject = {};
      let cursor = patchObject;
      path.forEach((key, index) => {
        cursor[key] = index === path.length - 1 ? replicas : {};
        cursor = cursor[key];
      });
      const result = api.patch(
        type,
        namespace,
        name!,
        'merge',
        patchObject,
        { fieldManager, userAgent, dryRun },
        undefined,
      );
      sendJson(response, 200, scaleOf(type, result.object));
      return;
    }

    switch (method) {
      case 'GET': {
        if (name) {
          const object = api.get(type, namespace, name);
          if (table)
            sendJson(
              response,
              200,
              toTable(
                type,
                [object],
                { resourceVersion: object.metadata.resourceVersion },
                includeObject,
              ),
            );
          else sendJson(response, 200, object);
          return;
        }
        const limit = params.get('limit');
        const result = api.list(type, namespace, {
          labelSelector: params.get('labelSelector') ?? undefined,
          fieldSelector: params.get('fieldSelector') ?? undefined,
          limit: limit ? Number(limit) : undefined,
          continue: params.get('continue') ?? undefined,
        });
        const metadata: JsonObject = {
          resourceVersion: result.resourceVersion,
        };
        if (result.continue) metadata.continue = result.continue;
        if (result.remainingItemCount !== undefined)
          metadata.remainingItemCount = result.remainingItemCount;
        if (table)
          sendJson(
            response,
            200,
            toTable(type, result.items, metadata, includeObject),
          );
        else sendJson(response, 200, listBody(type, result.items, metadata));
        return;
      }
      case 'POST': {
        if (name)
          throw methodNotAllowed(
            'the server does not allow this method on the requested resource',
          );
        const result = api.create(type, namespace, parseJsonBody(body), {
          fieldManager,
          userAgent,
          dryRun,
          fieldValidation,
        });
        sendJson(
          response,
          201,
          result.object,
          'application/json',
          warningHeaders(result.warnings),
        );
        return;
      }
      case 'PUT': {
        if (!name)
          throw methodNotAllowed(
            'the server does not allow this method on the requested resource',
          );
        const result = api.update(
          type,
          namespace,
          name,
          parseJsonBody(body),
          { fieldManager, userAgent, dryRun, fieldValidation },
          subresource,
        );
        sendJson(
          response,
          result.created ? 201 : 200,
          result.object,
          'application/json',
          warningHeaders(result.warnings),
        );
        return;
      }
      case 'PATCH': {
        if (!name)
          throw methodNotAllowed(
            'the server does not allow this method on the requested resource',
          );
        const patchType: PatchType | undefined =
          PATCH_CONTENT_TYPES[contentType];
        if (!patchType) throw unsupportedMediaType(contentType || '(none)');
        const result = api.patch(
          type,
          namespace,
          name,
          patchType,
          body.toString('utf8'),
          {
            fieldManager,
            userAgent,
            dryRun,
            fieldValidation,
            force: boolParam(params.get('force')) === true,
          },
          subresource,
        );
        sendJson(
          response,
          result.created ? 201 : 200,
          result.object,
          'application/json',
          warningHeaders(result.warnings),
        );
        return;
      }
      case 'DELETE': {
        const parsed = parseJsonBody(body);
        const deleteBody: JsonObject = isPlainObject(parsed) ? parsed : {};
        const deleteOptions: DeleteOptions = {
          propagationPolicy:
            (params.get('propagationPolicy') ?? deleteBody.propagationPolicy) ||
            undefined,
          orphanDependents:
            boolParam(params.get('orphanDependents')) ??
            deleteBody.orphanDependents,
          gracePeriodSeconds: params.get('gracePeriodSeconds')
            ? Number(params.get('gracePeriodSeconds'))
            : deleteBody.gracePeriodSeconds,
          preconditions: deleteBody.preconditions,
          dryRun:
            dryRun ||
            (Array.isArray(deleteBody.dryRun) &&
              deleteBody.dryRun.includes('All')),
        };
        if (!name) {
          api.deleteCollection(
            type,
            namespace,
            {
              labelSelector: params.get('labelSelector') ?? undefined,
              fieldSelector: params.get('fieldSelector') ?? undefined,
            },
            deleteOptions,
          );
          sendJson(response, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
          });
          return;
        }
        const result = api.delete(type, namespace, name, deleteOptions);
        if (result.pending) {
          const accepted =
            deleteOptions.propagationPolicy === 'Foreground' ||
            deleteOptions.orphanDependents === false;
          sendJson(response, accepted ? 202 : 200, result.pending);
          return;
        }
        sendJson(response, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: {
            name,
            group: type.group || undefined,
            kind: type.resource,
            uid: result.deleted?.metadata.uid,
          },
        });
        return;
      }
      default:
        throw methodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
    }
  }

  function serveDiscovery(
    request: IncomingMessage,
    response: ServerResponse,
    segments: string[],
  ): boolean {
    const accept = request.headers.accept;
    const path = `/${segments.join('/')}`;
    if (path === '/version') {
      sendJson(response, 200, SERVER_VERSION);
      return true;
    }
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('ok');
      return true;
    }
    if (path === '/api' || path === '/apis') {
      if (wantsAggregatedDiscovery(accept)) {
        sendJson(
          response,
          200,
          aggregatedDiscovery(registry, path === '/api'),
          AGGREGATED_DISCOVERY_CONTENT_TYPE,
          { Vary: 'Accept' },
        );
      } else if (path === '/api') {
        sendJson(
          response,
          200,
          apiVersions(options.serverAddress()),
          'application/json',
          { Vary: 'Accept' },
        );
      } else {
        sendJson(response, 200, apiGroupList(registry), 'application/json', {
          Vary: 'Accept',
        });
      }
      return true;
    }
    if (segments[0] === 'api' && segments.length === 2) {
      const list = apiResourceList(registry, '', segments[1]);
      if (!list) return false;
      sendJson(response, 200, list);
      return true;
    }
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroup(registry, segments[1]);
      if (!group) return false;
      sendJson(response, 200, group);
      return true;
    }
    if (segments[0] === 'apis' && segments.length === 3) {
      const list = apiResourceList(registry, segments[1], segments[2]);
      if (!list) return false;
      sendJson(response, 200, list);
      return true;
    }
    if (path === '/openapi/v3') {
      sendJson(response, 200, openApiV3Root(registry));
      return true;
    }
    if (segments[0] === 'openapi' && segments[1] === 'v3') {
      const [kind, ...gv] = segments.slice(2);
      const document =
        kind === 'api'
          ? groupVersionDocument(registry, '', gv[0])
          : groupVersionDocument(registry, gv[0], gv[1]);
      if (!document) return false;
      sendJson(response, 200, document);
      return true;
    }
    return false;
  }

  function unauthorized(response: ServerResponse): void {
    sendJson(response, 401, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://kube-sim');
    const segments = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    if (options.token !== undefined) {
      const header = request.headers.authorization ?? '';
      if (header !== `Bearer ${options.token}`) {
        unauthorized(response);
        return;
      }
    }
    const body =
      request.method === 'GET' || request.method === 'HEAD'
        ? Buffer.alloc(0)
        : await readBody(request);
    if (
      options.extraRoutes &&
      (await options.extraRoutes(request, response, url.pathname, body))
    )
      return;
    if (request.method === 'GET' && serveDiscovery(request, response, segments))
      return;
    if (
      (segments[0] === 'api' && segments.length >= 3) ||
      (segments[0] === 'apis' && segments.length >= 4)
    ) {
      const routeInfo = route(segments);
      if (routeInfo) {
        await serveResource(
          request,
          response,
          routeInfo,
          url.searchParams,
          body,
        );
        return;
      }
    }
    sendJson(response, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  }

  return (request, response) => {
    const started = Date.now();
    if (options.onRequest) {
      response.on('finish', () =>
        options.onRequest!({
          method: request.method ?? '',
          url: request.url ?? '',
          status: response.statusCode,
          ms: Date.now() - started,
        }),
      );
    }
    handle(request, response).catch(error => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof ApiError) sendError(response, error);
      else
        sendError(
          response,
          internalError(`kube-sim: ${(error as Error)?.stack ?? error}`),
        );
    });
  };
}
