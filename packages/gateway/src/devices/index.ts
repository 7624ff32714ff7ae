export { registerDeviceRoutes, deviceView, createDeviceBody, MAX_DEVICE_SERVICES, type DeviceRoutesDeps, type DeviceView } from './routes.js';
export { SqlDeviceStore, type NewDevice } from './store.js';
export { generateDeviceCredential, hashDeviceCredential, verifyDeviceCredential, DEVICE_CREDENTIAL_BYTES } from './credentials.js';
export type * from './model.js';
