/**
 * Packet devices: the Device contract, the TUN device over native-tun (loaded only when a device
 * is opened) and an in-memory pair for tests. Link-layer decapsulation of captured frames.
 * Nothing here knows about IP beyond where its header starts.
 */
export { type Device, deviceError } from './device.js';
export { TunDevice, loadNativeTun, type TunOpenOptions, type NativeTun } from './tun.js';
export { MemoryDevice, memoryDevicePair, type MemoryDeviceOptions } from './memory.js';
export {
  findIp,
  linkTypeName,
  LinkInfo,
  LINK_IP,
  LINK_NOT_IP,
  LINK_TRUNCATED,
  LINK_UNSUPPORTED,
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  DLT_RAW,
  DLT_RAW_OPENBSD,
} from './link.js';
