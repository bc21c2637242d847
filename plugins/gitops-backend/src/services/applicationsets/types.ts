import type { ApplicationDestination } from '@driftless/gitops-engine';
import type { ApplicationKey, ApplicationRecord } from '../../database/types';
import type {
  Initiator,
  OperationRecord,
  SyncRequest,
} from '../controller/types';

/**
 * What the ApplicationSet controller asks of the application controller:
 * it writes generated Applications to the store itself, and leaves
 * reconciling, syncing and deleting them to the application controller,
 * exactly as for any other app.
 */
export interface GeneratedApplicationsPort {
  /** A generated app was created or changed: reconcile it soon. */
  applicationChanged(key: ApplicationKey): void;
  /** RollingSync starts an app's sync (initiated by `applicationset-controller`, automated). */
  requestSync(
    key: ApplicationKey,
    request: SyncRequest,
    initiator: Initiator,
  ): Promise<OperationRecord>;
  /**
   * Deletes an app the set no longer generates: with its resources when it
   * carries Argo CD's resources finalizer, else only its record (the app of
   * apps' prune path).
   */
  deleteOwnedApplication(record: ApplicationRecord): Promise<void>;
  /** Why a destination names no known cluster; undefined when it does. */
  destinationProblem(
    destination: ApplicationDestination,
  ): Promise<string | undefined>;
}
