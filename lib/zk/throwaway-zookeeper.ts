/**
 * Settings for a ZooKeeper whose data is thrown away afterwards: samsa/testing's clusters and the
 * repository's own integration tests. Tuned for start time, not durability: a small
 * client-compiler-only JVM, `forceSync=no`, a 500 ms tick (sessions as short as 1 s are allowed;
 * the maximum is raised to 60 s so production-like timeouts are honoured too).
 */
export const THROWAWAY_JVM_OPTIONS: readonly string[] = [
  '-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Xshare:auto', '-Djava.net.preferIPv4Stack=true',
];

export function throwawayZooKeeperProperties(tickTimeMs = 500): Record<string, string | number | boolean> {
  return {
    tickTime: tickTimeMs,
    maxSessionTimeout: 60000,
    clientPortAddress: '127.0.0.1',
    maxClientCnxns: 0,
    forceSync: 'no',
    preAllocSize: 1024,
    'admin.enableServer': false,
    '4lw.commands.whitelist': 'srvr,ruok,stat,mntr,cons',
  };
}
