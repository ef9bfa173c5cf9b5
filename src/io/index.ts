/**
 * Packet devices: the Device contract, the TUN device over native-tun (loaded only when a device
 * is opened) and an in-memory pair for tests. Nothing here knows about IP.
 */
export { type Device, deviceError } from './device.js';
export { TunDevice, loadNativeTun, type TunOpenOptions, type NativeTun } from './tun.js';
export { MemoryDevice, memoryDevicePair, type MemoryDeviceOptions } from './memory.js';
