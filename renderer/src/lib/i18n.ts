// The one i18n table lives with the shared code: the engine's printable reports use it too.
export * from '../../../analytics/common/i18n';
