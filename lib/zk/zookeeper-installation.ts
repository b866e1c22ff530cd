/**
 * Finds Java and Apache ZooKeeper's jars, and builds the JVM command line that runs a server.
 *
 * Two layouts are supported: an Apache binary tarball named by ZOOKEEPER_HOME (`lib/*.jar`,
 * `conf/` for its logback/log4j config), or Debian's `zookeeper` package, which drops versionless
 * jars into /usr/share/java. From Debian we take the minimal classpath that runs a standalone
 * server - zookeeper, zookeeper-jute, slf4j-api, metrics-core (server metrics) and snappy-java
 * (snapshot streams) - plus slf4j-simple so the log goes to stdout without a config file.
 * Anything missing is a `ZooKeeperNotInstalledError` whose message says how to fix it.
 */
import * as fs from 'fs';
import * as path from 'path';

export const SYSTEM_JAR_DIR = '/usr/share/java';
const SYSTEM_REQUIRED_JARS = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-api.jar', 'metrics-core.jar', 'snappy-java.jar'];
const SYSTEM_LOG_BINDING = 'slf4j-simple.jar';
const MAIN_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
const INSTALL_HINT = 'Install it with `apt-get install -y zookeeper` (Debian/Ubuntu; also installs Java), ' +
  'or set ZOOKEEPER_HOME to an unpacked Apache ZooKeeper binary tarball (scripts/ensure-zookeeper.sh does the former).';

export class ZooKeeperNotInstalledError extends Error {
  readonly code = 'ZOOKEEPER_NOT_INSTALLED';
  readonly retriable = false;

  constructor(detail: string) {
    super(`${detail} ${INSTALL_HINT}`);
    this.name = 'ZooKeeperNotInstalledError';
  }
}

export interface ZooKeeperInstallation {
  javaPath: string;
  classpath: string[];
  /** 'system': Debian jars, logging through slf4j-simple; 'home': a tarball with its own logging config. */
  layout: 'system' | 'home';
  /** ZOOKEEPER_HOME, or the system jar directory. */
  location: string;
}

export interface FindInstallationOptions {
  env?: NodeJS.ProcessEnv;
  /** Where Debian's jars live; a parameter so tests can point it at an empty directory. */
  systemJarDir?: string;
}

export function findZooKeeperInstallation(options: FindInstallationOptions = {}): ZooKeeperInstallation {
  const env = options.env ?? process.env;
  const javaPath = findJava(env);
  const home = env.ZOOKEEPER_HOME;
  if (home) return { javaPath, classpath: homeClasspath(home), layout: 'home', location: home };
  const jarDir = options.systemJarDir ?? SYSTEM_JAR_DIR;
  const missing = SYSTEM_REQUIRED_JARS.filter((jar) => !isFile(path.join(jarDir, jar)));
  if (missing.length > 0) {
    throw new ZooKeeperNotInstalledError(`ZooKeeper's jars were not found in ${jarDir} (missing ${missing.join(', ')}) and ZOOKEEPER_HOME is not set.`);
  }
  const classpath = SYSTEM_REQUIRED_JARS.map((jar) => path.join(jarDir, jar));
  if (isFile(path.join(jarDir, SYSTEM_LOG_BINDING))) classpath.push(path.join(jarDir, SYSTEM_LOG_BINDING));
  return { javaPath, classpath, layout: 'system', location: jarDir };
}

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else the first `java` on PATH. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JAVA_HOME) {
    const candidate = path.join(env.JAVA_HOME, 'bin', 'java');
    if (isExecutable(candidate)) return candidate;
    throw new ZooKeeperNotInstalledError(`JAVA_HOME is set to ${env.JAVA_HOME}, but ${candidate} is not an executable Java.`);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'java');
    if (isExecutable(candidate)) return candidate;
  }
  throw new ZooKeeperNotInstalledError('Java was not found on PATH (set JAVA_HOME or put `java` on PATH).');
}

function homeClasspath(home: string): string[] {
  const jarsIn = (dir: string): string[] => {
    try {
      return fs.readdirSync(dir).filter((f) => f.endsWith('.jar')).sort().map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  };
  const jars = [...jarsIn(path.join(home, 'lib')), ...jarsIn(home)];
  if (!jars.some((jar) => /^zookeeper-\d[^/]*\.jar$/.test(path.basename(jar)))) {
    throw new ZooKeeperNotInstalledError(`ZOOKEEPER_HOME=${home} does not look like a ZooKeeper binary distribution (no lib/zookeeper-<version>.jar).`);
  }
  // conf/ first so the distribution's own logback.xml / log4j.properties is found.
  return [path.join(home, 'conf'), ...jars];
}

export interface JavaCommandOptions {
  /** Heap and GC flags, e.g. ['-Xmx512M']. */
  jvmOptions?: readonly string[];
  /** ZooKeeper's log level (slf4j-simple layout only): trace, debug, info, warn, error. */
  logLevel?: string;
  /** Where a tarball's logging config may write files (`zookeeper.log.dir`). */
  logDir?: string;
  /** Extra -D properties, e.g. a marker that lets `zookeeper-server-stop` find the process. */
  systemProperties?: Readonly<Record<string, string>>;
}

/** The argv (after the java executable) that runs a server from `configPath`. */
export function buildJavaArgs(install: ZooKeeperInstallation, configPath: string, options: JavaCommandOptions = {}): string[] {
  const props: Record<string, string> = {
    // A config file's admin.enableServer still wins; this only stops the default from taking :8080.
    'zookeeper.admin.enableServer': 'false',
    ...options.systemProperties,
  };
  if (install.layout === 'system') {
    Object.assign(props, {
      'org.slf4j.simpleLogger.logFile': 'System.out',
      'org.slf4j.simpleLogger.defaultLogLevel': (options.logLevel ?? 'info').toLowerCase(),
      'org.slf4j.simpleLogger.showDateTime': 'true',
      'org.slf4j.simpleLogger.dateTimeFormat': 'yyyy-MM-dd HH:mm:ss,SSS',
    });
  } else {
    const level = (options.logLevel ?? 'info').toUpperCase();
    Object.assign(props, { 'zookeeper.root.logger': `${level},CONSOLE`, 'zookeeper.console.threshold': level });
    if (options.logDir) props['zookeeper.log.dir'] = options.logDir;
  }
  return [
    ...(options.jvmOptions ?? []),
    ...Object.entries(props).map(([key, value]) => `-D${key}=${value}`),
    '-cp', install.classpath.join(path.delimiter),
    MAIN_CLASS,
    configPath,
  ];
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
