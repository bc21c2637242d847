export { ApplicationActions } from './ApplicationActions';
export { SyncDialog, toSyncRequest, resourceKey } from './SyncDialog';
export { RollbackDialog } from './RollbackDialog';
export { actionAvailability, AUTOMATED_ROLLBACK_REASON } from './reasons';
