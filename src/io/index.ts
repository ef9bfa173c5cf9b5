/**
 * Packet devices: the Device contract, the TUN device over native-tun (loaded only when a device
 * is opened) and an in-memory pair for tests. Capture files: a streaming pcap/pcapng reader and
 * link-layer decapsulation. Nothing here knows about IP beyond where its header starts.
 */
export { type Device, deviceError } from './device.js';
export {
  TunDevice,
  loadNativeTun,
  setTunOffload,
  TUN_OFFLOADS,
  MAX_BUSY_POLL_US,
  TUN_F_CSUM,
  TUN_F_TSO4,
  TUN_F_TSO6,
  TUN_F_TSO_ECN,
  TUN_F_USO4,
  TUN_F_USO6,
  type TunOpenOptions,
  type NativeTun,
} from './tun.js';
export { MemoryDevice, memoryDevicePair, type MemoryDeviceOptions } from './memory.js';
export {
  CaptureReader,
  readCapture,
  CAPTURE_MAX_RECORD_LEN,
  ERR_CAPTURE_FORMAT,
  type CaptureRecord,
  type CaptureInterface,
  type CaptureReaderOptions,
  type CaptureEnd,
  type CaptureSummary,
  type CaptureTruncation,
} from './capture.js';
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
