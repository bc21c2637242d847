/** A row of the `applications` table (see migrations/). */
export interface ApplicationRow {
  namespace: string;
  name: string;
  project: string;
  /** The Application object as JSON. */
  manifest: string;
  created_at: Date | string;
  updated_at: Date | string;
}
