import type { ResourceEventView } from './api';
import {
  resourceEventCount,
  resourceEventLastSeen,
  resourceEventSource,
} from './resourceEvents';

const base: ResourceEventView = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: {
    name: 'web.17f',
    namespace: 'shop',
    creationTimestamp: '2025-01-01T10:00:00Z',
  },
  involvedObject: { kind: 'Pod', name: 'web', namespace: 'shop' },
};

describe('resource event fields', () => {
  it('reads a core/v1 event', () => {
    const event: ResourceEventView = {
      ...base,
      firstTimestamp: '2025-01-01T10:00:00Z',
      lastTimestamp: '2025-01-01T10:05:00Z',
      count: 4,
      source: { component: 'kubelet', host: 'node-1' },
    };
    expect(resourceEventLastSeen(event)).toBe('2025-01-01T10:05:00Z');
    expect(resourceEventCount(event)).toBe(4);
    expect(resourceEventSource(event)).toBe('kubelet, node-1');
  });

  it('reads an events.k8s.io/v1 event through its core/v1 view', () => {
    const event: ResourceEventView = {
      ...base,
      eventTime: '2025-01-01T10:01:00.123456Z',
      series: { count: 7, lastObservedTime: '2025-01-01T10:09:00.000000Z' },
      source: {},
      reportingComponent: 'default-scheduler',
    };
    expect(resourceEventLastSeen(event)).toBe('2025-01-01T10:09:00.000000Z');
    expect(resourceEventCount(event)).toBe(7);
    expect(resourceEventSource(event)).toBe('default-scheduler');
    const single = { ...event, series: undefined };
    expect(resourceEventLastSeen(single)).toBe('2025-01-01T10:01:00.123456Z');
    expect(resourceEventCount(single)).toBe(1);
  });

  it('falls back to the creation time and no source', () => {
    expect(resourceEventLastSeen(base)).toBe('2025-01-01T10:00:00Z');
    expect(resourceEventSource(base)).toBeUndefined();
  });
});
