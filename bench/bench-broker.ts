/**
 * Broker settings every benchmark starts its brokers with: quiet logs, and the first consumer
 * group's rebalance without Kafka's 3 s group.initial.rebalance.delay.ms, as config/server.properties
 * (like Kafka's own sample) ships it; otherwise a consume run measures that delay, not the broker.
 */
export const BENCH_BROKER_SETTINGS = { 'log.level': 'warn', 'group.initial.rebalance.delay.ms': 0 } as const;
