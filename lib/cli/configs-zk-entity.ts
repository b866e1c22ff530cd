/**
 * Which znodes a `samsa-configs --zookeeper` command means, as Kafka 2.8's ConfigCommand works it
 * out (its Entity / ConfigEntity): a root entity (`users/alice`, `topics/t`, `brokers/<default>`)
 * and, for a quota of one client of one user, a child (`users/alice/clients/app`). A missing name
 * means "every entity with a config" when describing. Users and client ids are sanitized as in
 * ZooKeeper; names are printed desanitized, in Kafka's words (`user-principal 'alice', client-id
 * 'app'`, `default user-principal`).
 */
import { ConfigEntityType, DEFAULT_ENTITY_NAME, desanitize, EntityConfigStore, sanitize } from '../zk/entity-config';
import { EntityTypeSpec } from './configs-entities';
import { UsageError } from './options';

export interface EntityRef {
  readonly spec: EntityTypeSpec;
  /** The znode name (sanitized; `<default>` for the default entity), or undefined for all of them. */
  readonly sanitizedName?: string;
}

export interface ConfigEntity {
  readonly root: EntityRef;
  readonly child?: EntityRef;
}

function refPath(ref: EntityRef): string {
  return ref.sanitizedName === undefined ? ref.spec.type : `${ref.spec.type}/${ref.sanitizedName}`;
}

/** Kafka's ConfigEntity.fullSanitizedName with its type: the path under /config (`users/alice/clients/app`). */
export function entityPath(entity: ConfigEntity): string {
  return refPath(entity.root) + (entity.child ? `/${refPath(entity.child)}` : '');
}

/** The same entity as EntityConfigStore names it: its type, and the znode path below the type (`alice/clients/app`). */
export function entityZnode(entity: ConfigEntity): { type: ConfigEntityType; znodeName: string } {
  const path = entityPath(entity);
  return { type: entity.root.spec.type as ConfigEntityType, znodeName: path.slice(entity.root.spec.type.length + 1) };
}

function refText(ref: EntityRef): string {
  const name = ref.sanitizedName;
  if (name === undefined) return ref.spec.type;
  if (name === DEFAULT_ENTITY_NAME) return `default ${ref.spec.displayName}`;
  const sanitized = ref.spec.type === 'users' || ref.spec.type === 'clients';
  return `${ref.spec.displayName} '${sanitized ? desanitize(name) : name}'`;
}

/** Kafka's ConfigEntity.toString: `user-principal 'alice', client-id 'app'`. */
export function entityText(entity: ConfigEntity): string {
  return refText(entity.root) + (entity.child ? `, ${refText(entity.child)}` : '');
}

function znodeName(spec: EntityTypeSpec, name: string): string {
  if (name === '') return DEFAULT_ENTITY_NAME;
  return spec.type === 'users' || spec.type === 'clients' ? sanitize(name) : name;
}

/**
 * Kafka's parseEntity: the n-th name goes with the n-th type; `clients` given before `users` is
 * turned around, since ZooKeeper keeps a user's clients under the user.
 */
export function parseZkEntity(types: readonly EntityTypeSpec[], names: readonly string[], alter: boolean): ConfigEntity {
  const quota = types[0].type === 'users' || types[0].type === 'clients';
  if (quota && alter && names.length !== types.length) {
    throw new UsageError('--entity-name or --entity-default must be specified with each --entity-type for --alter');
  }
  if (!quota) return { root: { spec: types[0], sanitizedName: names[0] === undefined ? undefined : znodeName(types[0], names[0]) } };
  const reverse = types.length === 2 && types[0].type === 'clients';
  const orderedTypes = reverse ? [...types].reverse() : [...types];
  const orderedNames = reverse && names.length === 2 ? [...names].reverse() : [...names];
  const refs = orderedTypes.map((spec, i): EntityRef => ({
    spec, sanitizedName: orderedNames[i] === undefined ? undefined : znodeName(spec, orderedNames[i]),
  }));
  return { root: refs[0], child: refs[1] };
}

/** Kafka's getAllEntities: an entity without a name stands for every one that has a znode. */
export async function expandEntities(store: EntityConfigStore, entity: ConfigEntity): Promise<ConfigEntity[]> {
  const { root, child } = entity;
  if (root.sanitizedName === undefined) {
    const roots = (await store.listChildrenAt(root.spec.type)).map((name) => ({ spec: root.spec, sanitizedName: name }));
    if (!child) return roots.map((r) => ({ root: r }));
    const nested = await Promise.all(roots.map((r) => expandEntities(store, { root: r, child: { spec: child.spec } })));
    return nested.flat();
  }
  if (child && child.sanitizedName === undefined) {
    const names = await store.listChildrenAt(`${refPath(root)}/${child.spec.type}`);
    return names.map((name) => ({ root, child: { spec: child.spec, sanitizedName: name } }));
  }
  return [entity];
}
