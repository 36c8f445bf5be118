// one rule for every screen and the engine's printed reports
export { deviceLabel } from '../../../analytics/common/deviceLabel';
