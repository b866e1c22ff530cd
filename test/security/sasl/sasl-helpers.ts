/** SASL fixtures: a broker with SASL_PLAINTEXT listeners (native and Kafka) and users written to ZooKeeper as Kafka writes them. */
import { RawValue } from '../../../lib/config/config-def';
import { ClientSecurity, SaslMechanismName } from '../../../lib/security/client-security';
import { createCredential, formatCredential, ScramMechanism } from '../../../lib/security/scram/scram-credential';
import { sanitize } from '../../../lib/zk/entity-config';
import { ZkClient } from '../../../lib/zk/zk-client';

export const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_carol="carol-secret";';

/** PLAINTEXT + KAFKA (as useOneBroker binds) plus SASL_PLAINTEXT (native) and KAFKA_SASL (Kafka protocol over SASL_PLAINTEXT). */
export const SASL_OVERRIDES: Record<string, RawValue> = {
  listeners: 'PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,KAFKA_SASL://127.0.0.1:0',
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,KAFKA:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,KAFKA_SASL:SASL_PLAINTEXT',
  'listener.wire.protocol.map': 'KAFKA:kafka,KAFKA_SASL:kafka',
  'inter.broker.listener.name': 'PLAINTEXT',
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
  'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
  'listener.name.kafka_sasl.plain.sasl.jaas.config': PLAIN_JAAS,
  'connection.failed.authentication.delay.ms': 50,
};

/** Writes `/config/users/<user>` with both SCRAM credentials, then a change notification. */
export async function putScramUser(zk: ZkClient, user: string, password: string, mechanisms: ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512']): Promise<void> {
  const config: Record<string, string> = { producer_byte_rate: '1024' };
  for (const m of mechanisms) config[m] = formatCredential(createCredential(m, password));
  const path = `/config/users/${sanitize(user)}`;
  const data = Buffer.from(JSON.stringify({ version: 1, config }));
  if (await zk.exists(path)) await zk.setData(path, data);
  else await zk.createPersistentPath(path, data);
  await notifyUserChange(zk, user);
}

export async function deleteScramUser(zk: ZkClient, user: string): Promise<void> {
  await zk.delete(`/config/users/${sanitize(user)}`);
  await notifyUserChange(zk, user);
}

async function notifyUserChange(zk: ZkClient, user: string): Promise<void> {
  await zk.createPersistentPath('/config/changes');
  await zk.create('/config/changes/config_change_', Buffer.from(JSON.stringify({ version: 2, entity_path: `users/${sanitize(user)}` })), 'PERSISTENT_SEQUENTIAL');
}

export function saslSecurity(mechanism: SaslMechanismName, username: string, password: string): ClientSecurity {
  return { protocol: 'SASL_PLAINTEXT', sasl: { mechanism, username, password } };
}

/** Collects what the process writes to stderr (where the broker's warnings go in tests) while `body` runs. */
