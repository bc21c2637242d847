export { ApplicationSetsTable } from './ApplicationSetsTable';
export { describeGenerator } from './generators';
