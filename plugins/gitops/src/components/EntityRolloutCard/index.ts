export { EntityRolloutCard } from './EntityRolloutCard';
