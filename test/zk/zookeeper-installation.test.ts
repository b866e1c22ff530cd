import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveZooKeeperConfig } from '../../lib/zk/local-zookeeper';
import { buildJavaArgs, findJava, findZooKeeperInstallation, ZooKeeperNotInstalledError } from '../../lib/zk/zookeeper-installation';

describe('zk/zookeeper-installation', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-zk-install-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fakeJava(): string {
    const bin = path.join(dir, 'jdk', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'java'), '#!/bin/sh\n', { mode: 0o755 });
    return bin;
  }

  function errorOf(fn: () => unknown): Error {
    try {
      fn();
    } catch (err) {
      return err as Error;
    }
    throw new Error('expected a failure');
  }

  it('explains how to install Java when none is found', () => {
    const err = errorOf(() => findJava({ PATH: path.join(dir, 'empty') }));
    expect(err).to.be.instanceOf(ZooKeeperNotInstalledError);
    expect(err.message).to.match(/Java was not found/);
    expect(err.message).to.match(/apt-get install -y zookeeper/);
  });

  it('prefers JAVA_HOME and rejects one without bin/java', () => {
    fakeJava();
    expect(findJava({ JAVA_HOME: path.join(dir, 'jdk'), PATH: '' })).to.equal(path.join(dir, 'jdk', 'bin', 'java'));
    expect(errorOf(() => findJava({ JAVA_HOME: dir, PATH: '' })).message).to.match(/JAVA_HOME is set to/);
  });

  it('lists the missing jars and both ways to fix it', () => {
    const bin = fakeJava();
    fs.writeFileSync(path.join(dir, 'zookeeper.jar'), '');
    const err = errorOf(() => findZooKeeperInstallation({ env: { PATH: bin }, systemJarDir: dir }));
    expect(err).to.be.instanceOf(ZooKeeperNotInstalledError);
    expect(err.message).to.include('missing zookeeper-jute.jar, slf4j-api.jar, metrics-core.jar, snappy-java.jar');
    expect(err.message).to.include('ZOOKEEPER_HOME');
  });

  it('builds the minimal Debian classpath, adding slf4j-simple when present', () => {
    const bin = fakeJava();
    for (const jar of ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'metrics-core.jar', 'snappy-java.jar', 'slf4j-simple.jar']) {
      fs.writeFileSync(path.join(dir, jar), '');
    }
    const install = findZooKeeperInstallation({ env: { PATH: bin }, systemJarDir: dir });
    expect(install.layout).to.equal('system');
    expect(install.classpath.map((p) => path.basename(p))).to.deep.equal(
      ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'metrics-core.jar', 'snappy-java.jar', 'slf4j-simple.jar']);
  });

  it('uses a ZOOKEEPER_HOME tarball with its conf directory first', () => {
    const bin = fakeJava();
    const home = path.join(dir, 'apache-zookeeper-3.8.4-bin');
    fs.mkdirSync(path.join(home, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(home, 'lib', 'zookeeper-3.8.4.jar'), '');
    fs.writeFileSync(path.join(home, 'lib', 'logback-core-1.2.13.jar'), '');
    const install = findZooKeeperInstallation({ env: { PATH: bin, ZOOKEEPER_HOME: home } });
    expect(install.layout).to.equal('home');
    expect(install.classpath[0]).to.equal(path.join(home, 'conf'));
    expect(install.classpath).to.include(path.join(home, 'lib', 'zookeeper-3.8.4.jar'));
    expect(errorOf(() => findZooKeeperInstallation({ env: { PATH: bin, ZOOKEEPER_HOME: dir } })).message).to.match(/does not look like a ZooKeeper/);
  });

  it('runs QuorumPeerMain with the admin server off and the given flags', () => {
    const args = buildJavaArgs({ javaPath: 'java', classpath: ['/a.jar', '/b.jar'], layout: 'system', location: '/' }, '/cfg',
      { jvmOptions: ['-Xmx64m'], systemProperties: { marker: 'x' } });
    expect(args[0]).to.equal('-Xmx64m');
    expect(args).to.include('-Dzookeeper.admin.enableServer=false');
    expect(args).to.include('-Dmarker=x');
    expect(args.slice(-4)).to.deep.equal(['-cp', '/a.jar:/b.jar', 'org.apache.zookeeper.server.quorum.QuorumPeerMain', '/cfg']);
  });

  describe('resolveZooKeeperConfig', () => {
    it('layers file, properties and options, resolving a relative dataDir against the cwd', () => {
      const file = path.join(dir, 'zk.properties');
      fs.writeFileSync(file, 'dataDir=data/zk\nclientPort=2181\ntickTime=3000\n');
      const config = resolveZooKeeperConfig({ configFile: file, properties: { tickTime: 500 }, clientPort: 3000 }, '/work/here');
      expect(config.dataDir).to.equal('/work/here/data/zk');
      expect(config.clientPort).to.equal(3000);
      expect(config.properties.get('tickTime')).to.equal('500');
      expect(config.properties.get('admin.enableServer')).to.equal('false');
    });

    it('keeps srvr allowed when the file narrows the four-letter whitelist', () => {
      const config = resolveZooKeeperConfig({ dataDir: '/d', properties: { '4lw.commands.whitelist': 'ruok' } });
      expect(config.properties.get('4lw.commands.whitelist')).to.equal('ruok,srvr');
    });

    it('refuses a config without dataDir or with a bad port', () => {
      expect(errorOf(() => resolveZooKeeperConfig({})).message).to.match(/No dataDir/);
      expect(errorOf(() => resolveZooKeeperConfig({ dataDir: '/d', properties: { clientPort: 'x' } })).message).to.match(/Invalid ZooKeeper clientPort/);
    });
  });
});
