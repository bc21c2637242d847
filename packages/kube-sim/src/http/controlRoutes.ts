import { IncomingMessage, ServerResponse } from 'node:http';
import { ApiServer } from '../apiserver/apiServer';
import { FaultInjector, FaultRule } from '../faults/faults';

/**
 * The simulator's own endpoints under `/kube-sim/v1/`, so a test that runs
 * kube-sim as a separate process can inject faults too:
 * `POST /kube-sim/v1/faults` (a {@link FaultRule}), `GET` lists them,
 * `DELETE /kube-sim/v1/faults[/<id>]` removes them, and
 * `POST /kube-sim/v1/compact` forgets watch history.
 */
export function createControlRoutes(options: {
  faults: FaultInjector;
  api: ApiServer;
}) {
  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  return (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: Buffer,
  ): boolean => {
    if (!path.startsWith('/kube-sim/v1/')) return false;
    const rest = path.slice('/kube-sim/v1/'.length).split('/').filter(Boolean);
    if (rest[0] === 'faults') {
      if (request.method === 'GET') {
        send(response, 200, { items: options.faults.list() });
      } else if (request.method === 'POST') {
        try {
          const rule = JSON.parse(body.toString('utf8')) as FaultRule;
          const fault = options.faults.add(rule);
          send(response, 201, { id: fault.id, rule: fault.rule });
        } catch (error) {
          send(response, 400, { message: (error as Error).message });
        }
      } else if (request.method === 'DELETE') {
        if (rest[1]) options.faults.remove(Number(rest[1]));
        else options.faults.clear();
        send(response, 200, { items: options.faults.list() });
      } else {
        send(response, 405, { message: 'use GET, POST or DELETE' });
      }
      return true;
    }
    if (rest[0] === 'compact' && request.method === 'POST') {
      options.api.store.compact();
      send(response, 200, {
        resourceVersion: options.api.store.currentRevision(),
      });
      return true;
    }
    send(response, 404, { message: `unknown kube-sim endpoint ${path}` });
    return true;
  };
}
