/**
 * docker/docker-compose.yml, docker/Dockerfile and docker/prometheus/*.yml checked without a Docker
 * engine: Debian's docker-compose (scripts/ensure-docker-compose.sh) validates and normalizes the
 * compose file, and each broker's environment goes through the same parser the image's entry
 * point uses (lib/config/env-properties.ts), so a typo in a variable fails here, not in a container.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import { isBuiltin } from 'module';
import * as yaml from 'js-yaml';
import * as path from 'path';
import { BrokerConfig } from '../../lib/config/broker-config';
import { loadBrokerConfigFromEnv } from '../../lib/config/env-properties';
import { controlledShutdownMaxMs } from '../../lib/broker/controlled-shutdown';
import { BrokerMetrics, BrokerMetricsSource } from '../../lib/http/broker-metrics';
import { parseZookeeperConnect } from '../../lib/config/endpoints';
import { REPO_ROOT } from '../helpers/cluster';
import { runProcess } from '../helpers/run-cli';

const DOCKER_DIR = path.join(REPO_ROOT, 'docker');
const COMPOSE_FILE = path.join(DOCKER_DIR, 'docker-compose.yml');
/** What a broker's shutdown may take after the controlled shutdown: draining requests (10 s) and three bounded ZooKeeper steps (5 s each), lib/broker/broker.ts. */
const SHUTDOWN_AFTER_CONTROLLED_MS = 10000 + 3 * 5000;

interface Port { published: number | string; target: number }
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: Port[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test: string[]; interval?: string; start_period?: string };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeConfig { services: Record<string, Service>; volumes?: Record<string, unknown> }

/** Compose durations as docker-compose prints them: `1m30s`, `90s`, `500ms`. */
function durationMs(text: string | undefined): number {
  expect(text, 'a duration').to.be.a('string');
  const units: Record<string, number> = { h: 3600000, m: 60000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = (text as string).replace(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g, (_, n: string, unit: string) => {
    total += Number(n) * units[unit];
    return '';
  });
  expect(rest, `duration ${text}`).to.equal('');
  return total;
}

/** The `ENV` defaults of the Dockerfile's final stage (continuation lines joined), which a container starts with. */
function imageEnv(dockerfile: string): Record<string, string> {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const [, body] of finalStage.replace(/\\\n/g, ' ').matchAll(/^ENV (.+)$/gm)) {
    for (const [, key, value] of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env[key] = value;
  }
  return env;
}

function publishedPort(service: Service, target: number): number | undefined {
  const port = service.ports?.find((p) => p.target === target);
  return port === undefined ? undefined : Number(port.published);
}

describe('docker/compose', function () {
  this.timeout(30000);
  let compose: ComposeConfig;
  let zookeepers: [string, Service][];
  let brokers: [string, Service][];
  const configs = new Map<string, BrokerConfig>();

  before(async () => {
    const result = await runProcess('docker-compose', ['-f', COMPOSE_FILE, 'config'], { cwd: REPO_ROOT }).catch((err: Error) => {
      throw new Error(`docker-compose could not run (scripts/ensure-docker-compose.sh installs it): ${err.message}`);
    });
    expect(result.code, result.stderr).to.equal(0);
    compose = yaml.load(result.stdout) as ComposeConfig;
    const services = Object.entries(compose.services);
    zookeepers = services.filter(([, s]) => s.image?.startsWith('zookeeper:'));
    brokers = services.filter(([, s]) => s.build?.dockerfile === 'docker/Dockerfile');
    // A container's environment: the image's ENV defaults, then the service's environment.
    const defaults = imageEnv(fs.readFileSync(path.join(DOCKER_DIR, 'Dockerfile'), 'utf8'));
    expect(defaults).to.include({ SAMSA_HTTP_LISTENER: 'http://0.0.0.0:8080' });
    for (const [name, service] of brokers) configs.set(name, loadBrokerConfigFromEnv({ ...defaults, ...service.environment }).config);
  });

  it('runs a 3-node ZooKeeper ensemble from the official image, each server with its own id and volumes', () => {
    expect(zookeepers.map(([name]) => name)).to.have.length(3);
    const ids = zookeepers.map(([, s]) => s.environment?.ZOO_MY_ID);
    expect(new Set(ids).size).to.equal(3);
    for (const [name, s] of zookeepers) {
      const servers = (s.environment?.ZOO_SERVERS ?? '').split(/\s+/);
      // server.<id>=<host>:2888:3888;2181 for every member, this one included.
      expect(servers.map((entry) => /^server\.(\d+)=([^:]+):2888:3888;2181$/.exec(entry)?.slice(1, 3).join('@')).sort(), name)
        .to.deep.equal(zookeepers.map(([other, o]) => `${o.environment?.ZOO_MY_ID}@${other}`).sort());
      const mounts = (s.volumes ?? []).map((v) => v.split(':'));
      for (const dir of ['/data', '/datalog']) {
        const mount = mounts.find((m) => m[1] === dir);
        expect(mount, `${name} ${dir}`).to.not.equal(undefined);
        expect(compose.volumes, `${name} ${dir} on a named volume`).to.have.property(mount![0]);
      }
    }
  });

  it('runs 3 brokers from docker/Dockerfile whose environment the broker accepts, with distinct ids', () => {
    expect(brokers).to.have.length(3);
    expect(new Set([...configs.values()].map((c) => c.brokerId)).size).to.equal(3);
    const zkNames = new Set(zookeepers.map(([name]) => name));
    for (const [name, config] of configs) {
      expect(config, name).to.include({ offsetsTopicReplicationFactor: 3, minInsyncReplicas: 2, defaultReplicationFactor: 3, interBrokerListenerName: 'PLAINTEXT' });
      const servers = parseZookeeperConnect(config.zookeeperConnect);
      expect(servers.ok && servers.value.servers.map((s) => `${s.host}:${s.port}`).sort(), name)
        .to.deep.equal([...zkNames].map((zk) => `${zk}:2181`).sort());
      expect(config.logDirs.every((dir) => dir.startsWith('/var/lib/samsa/')), name).to.equal(true);
    }
  });

  it('advertises an internal listener per service name and host listeners on published ports', () => {
    for (const [name, service] of brokers) {
      const config = configs.get(name)!;
      const advertised = new Map(config.advertisedListeners.map((l) => [l.name, l]));
      expect(advertised.get('PLAINTEXT'), name).to.include({ host: name, port: 9092, wireProtocol: 'samsa' });
      expect(advertised.get('KAFKA'), name).to.include({ host: name, wireProtocol: 'kafka' });
      const host = advertised.get('HOST')!;
      expect(host, name).to.include({ host: 'localhost', wireProtocol: 'samsa', securityProtocol: 'PLAINTEXT' });
      expect(String(host.port)).to.match(/^1909\d$/);
      const kafkaHost = advertised.get('KAFKA_HOST')!;
      expect(kafkaHost, name).to.include({ host: 'localhost', wireProtocol: 'kafka' });
      // A host client connects to the advertised port, so it must be published as itself and bound in the container.
      for (const l of [host, kafkaHost]) {
        expect(publishedPort(service, l.port), `${name} ${l.name}`).to.equal(l.port);
        expect(config.listeners.find((b) => b.name === l.name)?.port, `${name} ${l.name}`).to.equal(l.port);
      }
      expect(config.httpListener, name).to.not.equal(null);
      expect(publishedPort(service, config.httpListener!.port), `${name} console port`).to.be.a('number');
    }
    const published = brokers.flatMap(([, s]) => (s.ports ?? []).map((p) => Number(p.published)));
    expect(new Set(published).size, 'host ports are distinct').to.equal(published.length);
  });

  it('gives every service a restart policy and every broker a /ready health check, ZooKeeper dependencies and a long enough stop grace period', () => {
    for (const [name, s] of Object.entries(compose.services)) expect(s.restart, name).to.equal('unless-stopped');
    for (const [name, s] of zookeepers) expect(s.healthcheck?.test, name).to.deep.equal(['CMD', 'zkServer.sh', 'status']);
    for (const [name, s] of brokers) {
      expect(s.healthcheck?.test, name).to.deep.equal(['CMD', 'node', 'dist/scripts/docker-healthcheck.js']);
      expect(fs.existsSync(path.join(REPO_ROOT, 'dist', 'scripts', 'docker-healthcheck.js'))).to.equal(true);
      expect(s.environment?.SAMSA_HTTP_LISTENER, name).to.be.a('string');
      const config = configs.get(name)!;
      expect(durationMs(s.stop_grace_period), `${name} stop_grace_period`)
        .to.be.greaterThan(controlledShutdownMaxMs(config.requestTimeoutMs) + SHUTDOWN_AFTER_CONTROLLED_MS);
      expect(durationMs(s.healthcheck?.start_period), `${name} start_period`).to.be.greaterThan(config.zookeeperSessionTimeoutMs);
      for (const [zk] of zookeepers) expect(s.depends_on?.[zk], `${name} depends on ${zk}`).to.deep.equal({ condition: 'service_healthy' });
      for (const v of s.volumes ?? []) expect(compose.volumes, `${name} ${v}`).to.have.property(v.split(':')[0]);
    }
  });

  describe('prometheus', () => {
    let prometheus: Service;
    const mounted = new Map<string, string>();

    before(() => {
      const found = Object.values(compose.services).find((s) => s.image?.startsWith('prom/prometheus:'));
      expect(found, 'a prom/prometheus service').to.not.equal(undefined);
      prometheus = found!;
      for (const v of prometheus.volumes ?? []) {
        const [source, target] = v.split(':');
        if (source.startsWith('/')) mounted.set(target, source);
      }
    });

    it('publishes its UI and mounts the files in docker/prometheus', () => {
      expect(publishedPort(prometheus, 9090)).to.equal(9090);
      expect(mounted.get('/etc/prometheus/prometheus.yml')).to.equal(path.join(DOCKER_DIR, 'prometheus', 'prometheus.yml'));
      for (const file of mounted.values()) expect(fs.existsSync(file), file).to.equal(true);
    });

    it("scrapes every broker's HTTP port and loads the mounted alert rules", () => {
      const config = yaml.load(fs.readFileSync(mounted.get('/etc/prometheus/prometheus.yml')!, 'utf8')) as {
        rule_files: string[]; scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
      };
      const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
      expect(targets.sort()).to.deep.equal(brokers.map(([name]) => `${name}:${configs.get(name)!.httpListener!.port}`).sort());
      expect(config.scrape_configs.every((job) => (job.metrics_path ?? '/metrics') === '/metrics')).to.equal(true);
      for (const rules of config.rule_files) expect(mounted.has(rules), rules).to.equal(true);
    });

    it('alerts on offline, under-replicated and under-min-ISR partitions, the controller count and a broker down, using metrics the broker exports', () => {
      const rulesFile = mounted.get('/etc/prometheus/alerts.yml')!;
      const rules = (yaml.load(fs.readFileSync(rulesFile, 'utf8')) as { groups: { rules: { alert: string; expr: string; for?: string }[] }[] })
        .groups.flatMap((g) => g.rules);
      const byMetric = (pattern: RegExp) => {
        const rule = rules.find((r) => pattern.test(r.expr));
        expect(rule, String(pattern)).to.not.equal(undefined);
        return rule!;
      };
      expect(byMetric(/samsa_controller_offline_partitions\b.*>\s*0/).alert).to.be.a('string');
      expect(durationMs(byMetric(/samsa_replica_under_replicated_partitions\b.*>\s*0/).for)).to.equal(5 * 60000);
      expect(byMetric(/samsa_replica_under_min_isr_partitions\b.*>\s*0/).alert).to.be.a('string');
      expect(byMetric(/samsa_controller_active_count\b.*!=\s*1/).alert).to.be.a('string');
      expect(byMetric(/^up\{job="samsa"\}\s*==\s*0$/).alert).to.be.a('string');

      const registry = new BrokerMetrics({} as BrokerMetricsSource, { perPartition: true }).registry;
      const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
      const documented = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
      for (const rule of rules) {
        for (const metric of rule.expr.match(/\bsamsa_[a-z0-9_]+/g) ?? []) {
          expect(exported.has(metric.replace(/_(bucket|sum|count)$/, '')) || exported.has(metric), `${rule.alert}: ${metric} is exported`).to.equal(true);
          expect(documented, `${rule.alert}: ${metric} is in docs/operations.md`).to.contain(`\`${metric}\``);
        }
      }
      // The job label the rules select must be the job that scrapes the brokers.
      expect(rules.every((r) => !/job="/.test(r.expr) || r.expr.includes('job="samsa"'))).to.equal(true);
    });
  });

  describe('Dockerfile', () => {
    const dockerfile = fs.readFileSync(path.join(DOCKER_DIR, 'Dockerfile'), 'utf8');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

    it('builds in one stage with npm run build and installs production dependencies only for the image', () => {
      expect(dockerfile.match(/^FROM /gm)?.length).to.be.greaterThan(1);
      expect(dockerfile).to.match(/^RUN npm ci\b/m).and.match(/npm run build/).and.match(/npm ci --omit=dev/);
      expect(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts.build).to.be.a('string');
      expect(finalStage).to.not.match(/npm (ci|install)(?! --omit=dev)/);
    });

    it('runs as a non-root user with a /ready health check and the environment entry point', () => {
      expect(finalStage).to.match(/^USER (?!root\b)\S+/m);
      expect(finalStage).to.contain('HEALTHCHECK').and.contain('dist/scripts/docker-healthcheck.js');
      expect(finalStage).to.match(/^VOLUME /m).and.match(/^EXPOSE /m);
      const entry = /^ENTRYPOINT \["([^"]+)"/m.exec(finalStage)?.[1];
      expect(entry).to.equal('bin/samsa-docker-start');
      expect(fs.statSync(path.join(REPO_ROOT, entry!)).mode & 0o111, 'executable').to.not.equal(0);
    });

    it("needs only production dependencies at run time (the image has no devDependencies)", () => {
      const production = new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).dependencies));
      const missing: string[] = [];
      const check = (file: string) => {
        for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
          if (spec.startsWith('.') || isBuiltin(spec)) continue;
          const pkg = spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
          if (!production.has(pkg)) missing.push(`${path.relative(REPO_ROOT, file)} requires ${pkg}`);
        }
      };
      const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.name.endsWith('.js')) check(full);
        }
      };
      walk(path.join(REPO_ROOT, 'dist', 'lib'));
      check(path.join(REPO_ROOT, 'dist', 'scripts', 'docker-healthcheck.js'));
      expect(missing).to.deep.equal([]);
    });

    it('keeps local node_modules and dist out of the build context', () => {
      const ignored = fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
      expect(ignored).to.include.members(['node_modules', 'dist', '.git']);
    });
  });
});
