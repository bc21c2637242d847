export {
  AnalysisStatus,
  HealthStatus,
  OperationStatus,
  SyncStatus,
} from './ApplicationStatus';
export { RelativeTime } from './RelativeTime';
export { RevisionLink } from './RevisionLink';
export { StatusBadge, type StatusTone } from './StatusBadge';
