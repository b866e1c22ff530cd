/**
 * `samsa/testing`: a real Samsa cluster (Apache ZooKeeper plus brokers) inside any Node test
 * suite, started in a few seconds and gone without a trace after `stop()`. See README.md,
 * "Testing your application with samsa/testing".
 */
export { startCluster } from './cluster';
export type { ClusterBroker, StartClusterOptions, TestCluster, TopicOptions } from './cluster';
export { ChildStartError } from './child-process';
