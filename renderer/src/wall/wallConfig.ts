// The wall configuration is shared with the desktop shell (which plans one window per display).
export * from '../../../analytics/common/wallConfig';
