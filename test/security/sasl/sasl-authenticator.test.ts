import { expect } from 'chai';
import { ErrorCode } from '../../../lib/protocol/errors';
import { ConnectionSession } from '../../../lib/security/session';
import { formatPlainMessage } from '../../../lib/security/sasl/plain';
import { SaslAuthenticator } from '../../../lib/security/sasl/sasl-authenticator';
import { MAX_FAILURES_PER_WINDOW } from '../../../lib/security/sasl/failed-auth-throttle';
import * as stream from 'stream';
import winston from 'winston';
import { getLogger } from '../../../lib/util/logger';
import { build } from '../../config/broker-config-helpers';
import { PLAIN_JAAS } from './sasl-helpers';

describe('security/sasl/sasl-authenticator', () => {
  const { config } = build({
    listeners: 'PLAINTEXT://localhost:9092,SASL_PLAINTEXT://localhost:9093',
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
    'connection.failed.authentication.delay.ms': 0,
  });
  const newAuthenticator = () => new SaslAuthenticator({ config: config.sasl, credentials: { credential: () => undefined }, logger: getLogger('test') });
  const session = (ip = '10.1.1.1') => new ConnectionSession('SASL_PLAINTEXT', 'SASL_PLAINTEXT', ip);

  async function login(a: SaslAuthenticator, s: ConnectionSession, password: string): Promise<number> {
    expect(a.handshake('PLAIN', s, `${s.clientHost}:1`).errorCode).to.equal(0);
    return (await a.authenticate(formatPlainMessage('carol', password), s, `${s.clientHost}:1`)).errorCode;
  }

  it('authenticates the session as User:<name> and then refuses a second exchange without closing', async () => {
    const a = newAuthenticator();
    const s = session();
    expect(s.authenticated).to.equal(false);
    expect(await login(a, s, 'carol-secret')).to.equal(0);
    expect(s.authenticated).to.equal(true);
    expect(s.principal).to.deep.equal({ type: 'User', name: 'carol' });
    expect(a.handshake('PLAIN', s, 'x').errorCode).to.equal(ErrorCode.ILLEGAL_SASL_STATE.code);
    expect(s.closeRequested).to.equal(null);
  });

  it('logs one line per failure with the peer address and the user, never the password', async () => {
    const lines: string[] = [];
    const sink = new stream.Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk)).message as string); done(); } });
    const logger = winston.createLogger({ level: 'warn', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
    const a = new SaslAuthenticator({ config: config.sasl, credentials: { credential: () => undefined }, logger });
    const s = session('10.2.2.2');
    expect(await login(a, s, 'Pw-guess-42')).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^Failed authentication with \/10\.2\.2\.2:1 \(.*"carol"/).and.not.contain('Pw-guess-42');
  });

  it('marks a failed or out-of-order exchange for closing', async () => {
    const a = newAuthenticator();
    const failed = session();
    expect(await login(a, failed, 'wrong')).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    expect(failed.closeRequested).to.not.equal(null);
    const early = session();
    expect((await a.authenticate(Buffer.from('x'), early, 'x')).errorCode).to.equal(ErrorCode.ILLEGAL_SASL_STATE.code);
    expect(early.closeRequested).to.not.equal(null);
    const plain = new ConnectionSession('PLAINTEXT', 'PLAINTEXT', '10.1.1.1');
    expect(a.handshake('PLAIN', plain, 'x').errorCode).to.equal(ErrorCode.ILLEGAL_SASL_STATE.code);
  });

  it(`refuses an address after ${MAX_FAILURES_PER_WINDOW} failures, even with the right password, while other addresses still log in`, async () => {
    const a = newAuthenticator();
    for (let i = 0; i < MAX_FAILURES_PER_WINDOW; i++) expect(await login(a, session('10.9.9.9'), 'guess')).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    expect(await login(a, session('10.9.9.9'), 'carol-secret')).to.equal(ErrorCode.SASL_AUTHENTICATION_FAILED.code);
    expect(await login(a, session('10.8.8.8'), 'carol-secret')).to.equal(0);
  });
});
