/**
 * SCRAM credentials of users in ZooKeeper, where Kafka 2.8 keeps them: under the mechanism name
 * in the user's entity config `/config/users/<sanitized user>`, in ScramCredentialUtils' text
 * form, each change announced through `/config/changes` (users/<sanitized user>) so every
 * broker's credential cache reloads that user. Other keys of the user's config (quotas) are kept.
 *
 * Written by the DescribeUserScramCredentials/AlterUserScramCredentials handlers and by
 * `samsa-configs --zookeeper`; read back by the brokers' credential cache (SASL/SCRAM).
 */
import { getLogger } from '../../util/logger';
import { EntityConfigStore } from '../../zk/entity-config';
import { ZkClient } from '../../zk/zk-client';
import {
  clientKey, formatCredential, hash, isScramMechanism, parseCredential, SCRAM_MECHANISMS, ScramCredential, ScramMechanism, serverKey,
} from './scram-credential';

const log = getLogger('scram-credentials');

/** Every mechanism, in Kafka's enum order (the order Describe lists them). */
export const ALL_SCRAM_MECHANISMS = Object.keys(SCRAM_MECHANISMS) as ScramMechanism[];

export interface ScramCredentialInfo {
  mechanism: ScramMechanism;
  iterations: number;
}

/** A stored credential whose text does not parse: the user's znode was written by hand or damaged. */
export class MalformedCredentialError extends Error {
  constructor(readonly user: string, readonly mechanism: ScramMechanism) {
    super(`The ${mechanism} credential stored for user ${user} is malformed`);
    this.name = 'MalformedCredentialError';
  }
}

/**
 * The credential KIP-554 clients ask for: they send SaltedPassword = Hi(password, salt, i) and the
 * broker derives StoredKey = H(HMAC(SaltedPassword, "Client Key")) and ServerKey from it, so the
 * password itself never crosses the wire.
 */
export function credentialFromSaltedPassword(mechanism: ScramMechanism, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  return { salt, storedKey: hash(mechanism, clientKey(mechanism, salted)), serverKey: serverKey(mechanism, salted), iterations };
}

export interface CredentialChange {
  upsert?: ReadonlyMap<ScramMechanism, ScramCredential>;
  delete?: readonly ScramMechanism[];
}

export class UserCredentialsStore {
  constructor(private readonly configs: EntityConfigStore) {}

  static forZk(zk: ZkClient): UserCredentialsStore {
    return new UserCredentialsStore(new EntityConfigStore(zk));
  }

  /** The user's whole config (credentials and any other keys); empty when none. */
  userConfig(user: string): Promise<Record<string, string>> {
    return this.configs.getConfig('users', user);
  }

  /** The user's credential for `mechanism`; undefined when it has none (or it is malformed). */
  async credential(user: string, mechanism: ScramMechanism): Promise<ScramCredential | undefined> {
    const text = (await this.userConfig(user))[mechanism];
    return text === undefined ? undefined : parseCredential(text);
  }

  /** Mechanism and iterations of each credential the user has (never salt or keys); [] when none. */
  async credentialInfos(user: string): Promise<ScramCredentialInfo[]> {
    return credentialInfosOf(user, await this.userConfig(user));
  }

  /** Every user (desanitized) whose config holds at least one SCRAM credential, sorted. */
  async usersWithCredentials(): Promise<string[]> {
    const users = await this.configs.listEntities('users');
    const withCredentials = await Promise.all(users.map(async (user) => {
      const config = await this.userConfig(user).catch((err: Error) => {
        // One hand-damaged znode must not hide every other user from a listing.
        log.warn(`Leaving user ${user} out of the SCRAM credential listing: ${err.message}`);
        return {} as Record<string, string>;
      });
      return Object.keys(config).some(isScramMechanism) ? user : null;
    }));
    return withCredentials.filter((u): u is string => u !== null);
  }

  /**
   * Deletes then upserts the given credentials of one user in a single write, followed by one
   * change notification. Deleting a credential the user lacks is the caller's error to report
   * (Kafka checks before writing); here it is a no-op.
   */
  async changeCredentials(user: string, change: CredentialChange): Promise<void> {
    await this.configs.updateConfig('users', user, (config) => {
      for (const mechanism of change.delete ?? []) delete config[mechanism];
      for (const [mechanism, credential] of change.upsert ?? []) config[mechanism] = formatCredential(credential);
      return config;
    });
  }
}

/** Credential infos in Kafka's mechanism order; throws MalformedCredentialError for unparsable text. */
export function credentialInfosOf(user: string, config: Readonly<Record<string, string>>): ScramCredentialInfo[] {
  const infos: ScramCredentialInfo[] = [];
  for (const mechanism of ALL_SCRAM_MECHANISMS) {
    const text = config[mechanism];
    if (text === undefined) continue;
    const credential = parseCredential(text);
    if (!credential) throw new MalformedCredentialError(user, mechanism);
    infos.push({ mechanism, iterations: credential.iterations });
  }
  return infos;
}
