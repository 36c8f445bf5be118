// one rule for every screen and the engine's printed reports: it lives with the i18n table it reads
export { deviceLabel, type DeviceNames } from './i18n.js';
