import { expect } from 'chai';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { brokerConfigDefs } from '../../lib/config/broker-config-defs';
import {
  describeEnvProperties, ENV_PREFIX, EnvConfigError, envNameToKey, isSecretKey, keyToEnvName, loadBrokerConfigFromEnv,
  NON_CONFIG_VARIABLES, propertiesFromEnv,
} from '../../lib/config/env-properties';
import { tempDir } from '../helpers/cluster';

const REQUIRED = { SAMSA_BROKER_ID: '2', SAMSA_ZOOKEEPER_CONNECT: 'zk1:2181,zk2:2181,zk3:2181' };
const PLAIN_JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret";';

function refusal(env: NodeJS.ProcessEnv, file: string | null = null): EnvConfigError {
  try {
    loadBrokerConfigFromEnv(env, file);
  } catch (err) {
    expect(err).to.be.instanceOf(EnvConfigError);
    return err as EnvConfigError;
  }
  throw new Error('expected the configuration to be refused');
}

describe('config/env-properties', () => {
  describe('variable names', () => {
    it("maps names as cp-kafka's image does: _ is '.', __ is '_', ___ is '-'", () => {
      expect(envNameToKey('SAMSA_BROKER_ID')).to.equal('broker.id');
      expect(envNameToKey('SAMSA_ZOOKEEPER_CONNECT')).to.equal('zookeeper.connect');
      expect(envNameToKey('SAMSA_OFFSETS_TOPIC_REPLICATION_FACTOR')).to.equal('offsets.topic.replication.factor');
      expect(envNameToKey('SAMSA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG'))
        .to.equal('listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config');
      expect(keyToEnvName('listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config'))
        .to.equal('SAMSA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG');
      expect(keyToEnvName('http.listener')).to.equal('SAMSA_HTTP_LISTENER');
    });

    it('refuses names that spell no key, naming the variable', () => {
      for (const name of ['SAMSA_', 'SAMSA__BROKER', 'SAMSA_BROKER_', 'SAMSA_A____B', 'SAMSA_LOG.DIRS', 'BROKER_ID']) {
        expect(() => envNameToKey(name), name).to.throw(EnvConfigError, name);
      }
    });

    it('gives every broker key a variable that maps back to it', () => {
      for (const key of Object.keys(brokerConfigDefs)) expect(envNameToKey(keyToEnvName(key)), key).to.equal(key);
    });

    it('round-trips any key made of words joined by single separators', () => {
      const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
      const key = fc.tuple(word, fc.array(fc.tuple(fc.constantFrom('.', '_', '-'), word), { maxLength: 6 }))
        .map(([first, rest]) => first + rest.map(([sep, w]) => sep + w).join(''));
      fc.assert(fc.property(key, (k) => envNameToKey(keyToEnvName(k)) === k));
    });

    it('refuses keys with adjacent separators, which no variable can spell', () => {
      expect(() => keyToEnvName('a._b')).to.throw(EnvConfigError, 'a._b');
    });
  });

  describe('propertiesFromEnv', () => {
    it('takes SAMSA_ variables only, leaving the launcher variables alone', () => {
      const env: NodeJS.ProcessEnv = { ...REQUIRED, PATH: '/usr/bin', KAFKA_BROKER_ID: '9', SAMSA_NODE_OPTS: '--max-old-space-size=512', SAMSA_HOME: '/opt/samsa' };
      const { properties, variables } = propertiesFromEnv(env);
      expect([...properties]).to.deep.equal([['broker.id', '2'], ['zookeeper.connect', 'zk1:2181,zk2:2181,zk3:2181']]);
      expect(variables.get('broker.id')).to.equal('SAMSA_BROKER_ID');
      for (const name of NON_CONFIG_VARIABLES) expect(name.startsWith(ENV_PREFIX)).to.equal(true);
    });

    it('refuses two variables setting one key', () => {
      expect(() => propertiesFromEnv({ SAMSA_LOG_DIRS: '/a', SAMSA_log_dirs: '/b' })).to.throw(EnvConfigError, 'both set log.dirs');
    });
  });

  describe('loadBrokerConfigFromEnv', () => {
    it('builds the broker configuration through the same validation as server.properties', () => {
      const { config, unknownKeys } = loadBrokerConfigFromEnv({
        ...REQUIRED,
        SAMSA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,HOST://0.0.0.0:19092',
        SAMSA_ADVERTISED_LISTENERS: 'PLAINTEXT://broker2:9092,HOST://localhost:19092',
        SAMSA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,HOST:PLAINTEXT',
        SAMSA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
        SAMSA_MIN_INSYNC_REPLICAS: '2',
        SAMSA_HTTP_LISTENER: 'http://0.0.0.0:8080',
      });
      expect(unknownKeys).to.deep.equal([]);
      expect(config).to.include({ brokerId: 2, minInsyncReplicas: 2, interBrokerListenerName: 'PLAINTEXT', zookeeperConnect: 'zk1:2181,zk2:2181,zk3:2181' });
      expect(config.advertisedListeners.map((l) => `${l.name}://${l.host}:${l.port}`)).to.deep.equal(['PLAINTEXT://broker2:9092', 'HOST://localhost:19092']);
      expect(config.httpListener).to.deep.equal({ host: '0.0.0.0', port: 8080 });
    });

    it('layers the variables over a properties file, whose unknown keys stay warnings', () => {
      const dir = tempDir('env-props');
      const file = path.join(dir, 'server.properties');
      fs.writeFileSync(file, 'broker.id=1\nzookeeper.connect=localhost:2181\nmin.insync.replicas=1\nsome.plugin.setting=x\n');
      const { config, unknownKeys } = loadBrokerConfigFromEnv({ SAMSA_BROKER_ID: '3', SAMSA_MIN_INSYNC_REPLICAS: '2' }, file);
      expect(config).to.include({ brokerId: 3, minInsyncReplicas: 2, zookeeperConnect: 'localhost:2181' });
      expect(unknownKeys).to.deep.equal(['some.plugin.setting']);
    });

    it('refuses a variable naming no broker key, naming the variable', () => {
      const err = refusal({ ...REQUIRED, SAMSA_ZOOKEEPER_CONECT: 'zk:2181' });
      expect(err.variable).to.equal('SAMSA_ZOOKEEPER_CONECT');
      expect(err.message).to.equal('Environment variable SAMSA_ZOOKEEPER_CONECT sets zookeeper.conect, which is not a broker configuration key ' +
        '(SAMSA_ variables name server.properties keys: _ for ".", __ for "_", ___ for "-")');
    });

    it('refuses a listener-prefixed key Samsa does not have, naming the variable', () => {
      const err = refusal({ ...REQUIRED, SAMSA_LISTENER_NAME_PLAINTEXT_MAX_CONNECTIONS: '10' });
      expect(err.variable).to.equal('SAMSA_LISTENER_NAME_PLAINTEXT_MAX_CONNECTIONS');
      expect(err.message).to.contain('listener.name.plaintext.max.connections').and.contain('SAMSA_LISTENER_NAME_PLAINTEXT_MAX_CONNECTIONS');
    });

    it('names the variable behind a bad value', () => {
      const err = refusal({ ...REQUIRED, SAMSA_MIN_INSYNC_REPLICAS: '0' });
      expect(err.message).to.equal('Invalid value 0 for configuration min.insync.replicas: Value must be at least 1 (set by environment variable SAMSA_MIN_INSYNC_REPLICAS)');
      expect(err.key).to.equal('min.insync.replicas');
    });

    it('names the variable to set for a missing required key', () => {
      const err = refusal({ SAMSA_ZOOKEEPER_CONNECT: 'zk:2181' });
      expect(err.message).to.equal('Missing required configuration "broker.id" which has no default value. Set it with the environment variable SAMSA_BROKER_ID.');
    });

    it('accepts listener-prefixed SASL keys and never shows their secrets', () => {
      const env = {
        ...REQUIRED,
        SAMSA_LISTENERS: 'PLAINTEXT://:9092,SASL_PLAINTEXT://:9093',
        SAMSA_SASL_ENABLED_MECHANISMS: 'PLAIN',
        SAMSA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG: PLAIN_JAAS,
      };
      const { config, unknownKeys } = loadBrokerConfigFromEnv(env);
      expect(unknownKeys).to.deep.equal([]);
      expect([...config.sasl.listeners.get('SASL_PLAINTEXT')!.plainUsers]).to.deep.equal([['admin', 'admin-secret']]);
      const listing = describeEnvProperties(propertiesFromEnv(env)).join('\n');
      expect(listing).to.contain('listener.name.sasl_plaintext.plain.sasl.jaas.config=[hidden]').and.not.contain('admin-secret');

      const broken = refusal({ ...env, SAMSA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG: 'user_a="secret-a"' });
      expect(broken.variable).to.equal('SAMSA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG');
      expect(broken.message).to.not.contain('secret-a');
    });

    it('counts passwords, inline keys and JAAS configs as secrets', () => {
      for (const key of ['ssl.keystore.password', 'ssl.key.password', 'listener.name.ssl.ssl.truststore.password', 'ssl.keystore.key', 'listener.name.x.plain.sasl.jaas.config']) {
        expect(isSecretKey(key), key).to.equal(true);
      }
      for (const key of ['ssl.keystore.location', 'broker.id', 'ssl.keystore.certificate.chain']) expect(isSecretKey(key), key).to.equal(false);
    });
  });
});
