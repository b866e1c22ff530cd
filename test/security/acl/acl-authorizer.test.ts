import { expect } from 'chai';
import { Writable } from 'stream';
import winston from 'winston';
import { AclAuthorizer, auditLine } from '../../../lib/security/acl/acl-authorizer';
import { patternMatches } from '../../../lib/security/acl/acl-match';
import { AclBinding, AuthorizationRequest } from '../../../lib/security/acl/acl-types';

/** Collects what the authorizer logs, level and message. */
function capturingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const stream = new Writable({ objectMode: true, write(info: { level: string; message: string }, _enc, done) { lines.push({ level: info.level, message: info.message }); done(); } });
  return { lines, logger: winston.createLogger({ level: 'silly', transports: [new winston.transports.Stream({ stream })] }) };
}

function authorizerOver(bindings: AclBinding[], auditLogLevel = 'info') {
  const capture = capturingLogger();
  const { logger } = capture;
  const source = {
    matching: (r: { resourceType: string; name: string }) => bindings.filter((b) => patternMatches(b.pattern, r as never)),
    ofType: (t: string) => bindings.filter((b) => b.pattern.resourceType === t),
  };
  return { authorizer: new AclAuthorizer(source, { superUsers: new Set(['User:admin']), allowEveryoneIfNoAclFound: false, auditLogLevel, logger }), capture };
}

const WRITE_T: AuthorizationRequest = {
  principal: { type: 'User', name: 'alice' }, clientHost: '::ffff:127.0.0.1', operation: 'Write', resource: { resourceType: 'Topic', name: 't' }, apiName: 'Produce',
};

describe('security/acl/acl-authorizer', () => {
  it('writes Kafka\'s audit line', () => {
    expect(auditLine(WRITE_T, false)).to.equal(
      'Principal = User:alice is Denied Operation = Write from host = 127.0.0.1 on resource = Topic:LITERAL:t for request = Produce with resourceRefCount = 1');
    expect(auditLine({ ...WRITE_T, resourceRefCount: 3 }, true)).to.contain('is Allowed Operation = Write').and.to.contain('resourceRefCount = 3');
  });

  it('logs a denial at the configured level, a probe\'s denial at silly, and an allowed request at debug', () => {
    const { authorizer, capture } = authorizerOver([{ pattern: { resourceType: 'Topic', name: 'ok', patternType: 'Literal' }, entry: { principal: 'User:alice', host: '*', operation: 'Write', permissionType: 'Allow' } }], 'warn');
    expect(authorizer.authorize(WRITE_T)).to.equal(false);
    expect(authorizer.authorize({ ...WRITE_T, logIfDenied: false })).to.equal(false);
    expect(authorizer.authorize({ ...WRITE_T, resource: { resourceType: 'Topic', name: 'ok' } })).to.equal(true);
    expect(capture.lines.map((l) => l.level)).to.deep.equal(['warn', 'silly', 'debug']);
    expect(capture.lines[0].message).to.contain('User:alice is Denied Operation = Write');
  });

  it('answers authorizeByResourceType for super users, and from the ALLOWs of the type otherwise', () => {
    const { authorizer } = authorizerOver([{ pattern: { resourceType: 'Topic', name: 'a-', patternType: 'Prefixed' }, entry: { principal: 'User:alice', host: '*', operation: 'Write', permissionType: 'Allow' } }]);
    const base = { clientHost: '127.0.0.1', operation: 'Write' as const, resourceType: 'Topic' as const };
    expect(authorizer.authorizeByResourceType({ ...base, principal: { type: 'User', name: 'alice' } })).to.equal(true);
    expect(authorizer.authorizeByResourceType({ ...base, principal: { type: 'User', name: 'bob' } })).to.equal(false);
    expect(authorizer.authorizeByResourceType({ ...base, principal: { type: 'User', name: 'admin' } })).to.equal(true);
  });
});
