import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** One audit record: the event's start, success or failure. */
export interface AuditRecord {
  eventId: string;
  severityLevel?: string;
  status: 'initiated' | 'succeeded' | 'failed';
  meta?: JsonObject;
  error?: string;
}

/** An AuditorService that keeps what it is told, for assertions. */
export class RecordingAuditor implements AuditorService {
  readonly records: AuditRecord[] = [];

  async createEvent(options: AuditorServiceCreateEventOptions) {
    const { eventId, severityLevel, meta } = options;
    this.records.push({ eventId, severityLevel, meta, status: 'initiated' });
    return {
      success: async () => {
        this.records.push({
          eventId,
          severityLevel,
          meta,
          status: 'succeeded',
        });
      },
      fail: async ({ error }: { error: Error }) => {
        this.records.push({
          eventId,
          severityLevel,
          meta,
          status: 'failed',
          error: `${error.name}: ${error.message}`,
        });
      },
    };
  }
}
