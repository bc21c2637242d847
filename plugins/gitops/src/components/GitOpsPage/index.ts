export { GitOpsPage } from './GitOpsPage';
export { GitOpsPageContent } from './GitOpsPageContent';
