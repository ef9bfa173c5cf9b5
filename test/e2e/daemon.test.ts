/**
 * The daemon end to end (testlib/daemon-suite.ts) with offloads on (IFF_VNET_HDR, TSO/USO: GSO
 * super-packets translated whole) and two queues per device (a worker per queue).
 * daemon-plain.test.ts runs the same suite with offloads off, one queue and a 50 µs busy poll.
 */
import { daemonSuite } from '../../testlib/daemon-suite.js';

daemonSuite({ offload: true, queues: 2 });
