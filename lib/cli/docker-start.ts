/**
 * `samsa-docker-start [--print-config] [server.properties]`: the container image's entry point.
 * Runs one broker in the foreground, configured by `SAMSA_*` environment variables (see
 * lib/config/env-properties.ts) over an optional properties file, so a compose file sets
 * `SAMSA_BROKER_ID: 2` instead of a list of `--override` flags. SIGTERM shuts it down as
 * samsa-server-start does (controlled shutdown first).
 */
import { describeEnvProperties, loadBrokerConfigFromEnv, propertiesFromEnv } from '../config/env-properties';
import { runMain } from './options';
import { runBroker } from './server-start';

const USAGE = 'USAGE: samsa-docker-start [--print-config] [server.properties]';
const HELP = `${USAGE}
Starts a Samsa broker in the foreground configured by environment variables: each SAMSA_ variable
sets the server.properties key it names, with _ for ".", __ for "_" and ___ for "-"
(SAMSA_BROKER_ID=2 sets broker.id, SAMSA_ZOOKEEPER_CONNECT sets zookeeper.connect). They override
server.properties when one is given. A variable naming no broker key is an error.

  --print-config   Check the configuration and print what the environment sets (secrets hidden), then exit.
  -h, --help       Print this help.
`;

type DockerArgs = { help: true } | { help: false; printConfig: boolean; configFile: string | null };

function parseArgs(argv: readonly string[]): DockerArgs {
  let printConfig = false;
  let configFile: string | null = null;
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--print-config') printConfig = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (configFile === null) configFile = arg;
    else throw new Error(`unexpected argument ${arg}\n${USAGE}`);
  }
  return { help: false, printConfig, configFile };
}

export async function main(argv: string[]): Promise<number> {
  let args: DockerArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const configFile = args.configFile;
  if (args.printConfig) {
    try {
      loadBrokerConfigFromEnv(process.env, configFile);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      return 1;
    }
    for (const line of describeEnvProperties(propertiesFromEnv(process.env))) process.stdout.write(`${line}\n`);
    return 0;
  }
  const fromEnv = () => describeEnvProperties(propertiesFromEnv(process.env)).map((line) => `From the environment: ${line}`);
  return runBroker(() => loadBrokerConfigFromEnv(process.env, configFile), fromEnv);
}

if (require.main === module) runMain(main);
