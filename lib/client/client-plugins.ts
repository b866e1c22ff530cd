/**
 * Loading what Kafka's class-name properties name — `interceptor.classes`, `partitioner.class`,
 * `key.serializer`, `value.serializer`, `key.deserializer`, `value.deserializer` — so properties
 * files and the CLIs' --producer-property/--consumer-property can plug code into a client.
 *
 * A built-in is named by Kafka's class name or a short name (serializers.ts, partitioners.ts).
 * Anything else is a JavaScript module:
 * - resolved from the current directory: a path (`./x.js`, `/abs/x.js`, anything with a `/`
 *   or ending in `.js`/`.cjs`) with path.resolve(cwd, spec), a package name with
 *   require.resolve(spec, { paths: [cwd] }); then `require`d;
 * - its export: the named export (`Interceptor`, `Partitioner`, `Serializer`, `Deserializer`),
 *   else `default`, else module.exports itself;
 * - that export: a class is constructed with the client's properties (Kafka's configure(map)),
 *   any other function is a factory called with them, an object is used as it is.
 * A module that cannot be loaded, or that yields the wrong shape, is a ConfigError naming the key.
 */
import * as path from 'path';
import { ConfigError } from '../config/config-error';
import type { ConsumerInterceptor } from './consumer-interceptors';
import { builtInPartitioner, isPartitioner, Partitioner, PartitionerFunction } from './partitioners';
import type { ProducerInterceptor } from './producer-interceptors';
import { builtInDeserializer, builtInSerializer, Deserializer, isDeserializer, isSerializer, Serializer } from './serializers';

export type PluginProperties = Readonly<Record<string, string>>;

function isPathLike(spec: string): boolean {
  return spec.startsWith('.') || path.isAbsolute(spec) || spec.includes('/') || spec.includes(path.sep) || /\.c?js$/.test(spec);
}

function requireFromCwd(spec: string, key: string): Record<string, unknown> {
  let resolved: string;
  try {
    resolved = isPathLike(spec) ? require.resolve(path.resolve(process.cwd(), spec)) : require.resolve(spec, { paths: [process.cwd()] });
  } catch (err) {
    throw new ConfigError(`Invalid value ${spec} for configuration ${key}: Class ${spec} could not be found.`, { key, value: spec, cause: err });
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(resolved) as Record<string, unknown>;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Invalid value ${spec} for configuration ${key}: loading ${resolved} failed: ${why}`, { key, value: spec, cause: err });
  }
}

function isClass(fn: unknown): fn is new (props: PluginProperties) => unknown {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** The object a plug-in module provides (see the header for the rules). */
export function loadPlugin(spec: string, key: string, exportName: string, props: PluginProperties): unknown {
  const mod = requireFromCwd(spec, key);
  const exported = mod[exportName] ?? mod.default ?? mod;
  try {
    if (isClass(exported)) return new exported(props);
    if (typeof exported === 'function') return (exported as (p: PluginProperties) => unknown)(props);
    return exported;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Invalid value ${spec} for configuration ${key}: creating the instance failed: ${why}`, { key, value: spec, cause: err });
  }
}

function wrongShape(key: string, spec: string, what: string): ConfigError {
  return ConfigError.invalidValue(key, spec, `${spec} is not a ${what}`);
}

export function loadProducerInterceptors(specs: readonly string[], props: PluginProperties): ProducerInterceptor[] {
  return specs.map((spec) => {
    const i = loadPlugin(spec, 'interceptor.classes', 'Interceptor', props) as ProducerInterceptor;
    if (typeof i !== 'object' || i === null || (typeof i.onSend !== 'function' && typeof i.onAcknowledgement !== 'function')) {
      throw wrongShape('interceptor.classes', spec, 'ProducerInterceptor (onSend or onAcknowledgement)');
    }
    return i;
  });
}

export function loadConsumerInterceptors(specs: readonly string[], props: PluginProperties): ConsumerInterceptor[] {
  return specs.map((spec) => {
    const i = loadPlugin(spec, 'interceptor.classes', 'Interceptor', props) as ConsumerInterceptor;
    if (typeof i !== 'object' || i === null || (typeof i.onConsume !== 'function' && typeof i.onCommit !== 'function')) {
      throw wrongShape('interceptor.classes', spec, 'ConsumerInterceptor (onConsume or onCommit)');
    }
    return i;
  });
}

/** A built-in by name, else a module; partitioner.ignore.keys applies to the default one only, as in Kafka. */
export function loadPartitioner(spec: string, ignoreKeys: boolean, props: PluginProperties): Partitioner | PartitionerFunction {
  const builtIn = builtInPartitioner(spec, ignoreKeys);
  if (builtIn) return builtIn;
  const p = loadPlugin(spec, 'partitioner.class', 'Partitioner', props);
  if (!isPartitioner(p)) throw wrongShape('partitioner.class', spec, 'Partitioner (a partition() method or a function)');
  return p;
}

export function loadSerializer(spec: string, key: string, props: PluginProperties): Serializer<unknown> {
  const s = builtInSerializer(spec) ?? loadPlugin(spec, key, 'Serializer', props);
  if (!isSerializer(s)) throw wrongShape(key, spec, 'Serializer (a serialize(topic, data, headers) method)');
  return s;
}

export function loadDeserializer(spec: string, key: string, props: PluginProperties): Deserializer<unknown> {
  const d = builtInDeserializer(spec) ?? loadPlugin(spec, key, 'Deserializer', props);
  if (!isDeserializer(d)) throw wrongShape(key, spec, 'Deserializer (a deserialize(topic, data, headers) method)');
  return d;
}
