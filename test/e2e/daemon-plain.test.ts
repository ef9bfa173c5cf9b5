/**
 * The daemon end to end (testlib/daemon-suite.ts) with offloads off (plain packets, one per read
 * and write), one queue per device and a 50 µs busy poll (io.busyPoll: workers look at their
 * empty queue that long before sleeping). daemon.test.ts runs the same suite with offloads on,
 * two queues and no busy poll.
 */
import { daemonSuite } from '../../testlib/daemon-suite.js';

daemonSuite({ offload: false, queues: 1, busyPoll: 50 });
