/**
 * The daemon end to end (testlib/daemon-suite.ts) with offloads off (plain packets, one per read
 * and write) and one queue per device. daemon.test.ts runs the same suite with offloads on.
 */
import { daemonSuite } from '../../testlib/daemon-suite.js';

daemonSuite({ offload: false, queues: 1 });
