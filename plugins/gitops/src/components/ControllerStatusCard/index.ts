export { ControllerStatusCard } from './ControllerStatusCard';
