import type {
  MetricAttributes,
  MetricsService,
  MetricsServiceObservable,
  MetricsServiceObservableCallback,
} from '@backstage/backend-plugin-api/alpha';

/** One data point: a metric, its attributes and value. */
export interface RecordedPoint {
  name: string;
  attributes: MetricAttributes;
  value: number;
}

/**
 * A MetricsService that keeps what it is given, for tests: counters and
 * histograms record every call; observable gauges are read on `collect()`,
 * as an exporter's scrape would.
 */
export class RecordingMetricsService implements MetricsService {
  readonly points: RecordedPoint[] = [];
  private readonly observables = new Map<
    string,
    Set<MetricsServiceObservableCallback>
  >();

  private recorder(name: string) {
    const record = (value: number, attributes: MetricAttributes = {}) =>
      this.points.push({ name, attributes, value });
    return { add: record, record };
  }

  private observable(name: string): MetricsServiceObservable {
    const callbacks = new Set<MetricsServiceObservableCallback>();
    this.observables.set(name, callbacks);
    return {
      addCallback: callback => callbacks.add(callback),
      removeCallback: callback => callbacks.delete(callback),
    };
  }

  createCounter(name: string) {
    return this.recorder(name);
  }
  createUpDownCounter(name: string) {
    return this.recorder(name);
  }
  createHistogram(name: string) {
    return this.recorder(name);
  }
  createGauge(name: string) {
    return this.recorder(name);
  }
  createObservableCounter(name: string) {
    return this.observable(name);
  }
  createObservableUpDownCounter(name: string) {
    return this.observable(name);
  }
  createObservableGauge(name: string) {
    return this.observable(name);
  }

  /** What the observable metric `name` reports now. */
  async collect(name: string): Promise<RecordedPoint[]> {
    const points: RecordedPoint[] = [];
    for (const callback of this.observables.get(name) ?? []) {
      await callback({
        observe: (value, attributes = {}) =>
          points.push({ name, attributes, value }),
      });
    }
    return points;
  }

  recorded(name: string): RecordedPoint[] {
    return this.points.filter(point => point.name === name);
  }
}
