/** The sidecar daemon (`xlat464 run`): plan, dataplane, workers, metrics, logging. */
export { Daemon, type DaemonOptions, type OpenDevice } from './daemon.js';
export { Dataplane, plainMemory, wasmMemory, BATCH, type DataplaneSetup, type PacketMemory } from './dataplane.js';
export { CounterBlock, CounterTotals, ALL_REASONS, SERVICE_REASONS, UNKNOWN_TENANT, reasonIndex } from './counters.js';
export { DaemonMetrics, serveMetrics } from './metrics.js';
export { planFromConfig, planFromFile, describePlan, type DaemonPlan, type DevicePlan } from './plan.js';
export { createLogger } from './logger.js';
