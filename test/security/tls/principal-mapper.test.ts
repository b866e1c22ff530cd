import * as crypto from 'crypto';
import * as fs from 'fs';
import { expect } from 'chai';
import { ConfigError } from '../../../lib/config/config-error';
import { distinguishedName, principalMapper } from '../../../lib/security/tls/principal-mapper';
import { CLIENT_DN, testCerts } from '../../helpers/certs';

describe('security/tls/principal-mapper', () => {
  it('prints a certificate subject in RFC 2253 order, most specific first', () => {
    const cert = new crypto.X509Certificate(fs.readFileSync(testCerts().client.cert));
    expect(distinguishedName(cert)).to.equal(CLIENT_DN);
  });

  it('DEFAULT keeps the DN', () => {
    expect(principalMapper('DEFAULT')(CLIENT_DN)).to.equal(CLIENT_DN);
  });

  it('applies the first RULE whose pattern matches the whole DN, with L and U', () => {
    const map = principalMapper('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),C=(.*?)$/$1@$2/L,DEFAULT');
    expect(map('CN=kafka-broker,OU=ServiceUsers,O=acme,C=US')).to.equal('kafka-broker');
    expect(map('CN=Alice,OU=ENG,O=acme,C=US')).to.equal('alice@eng');
    expect(map('CN=x')).to.equal('CN=x');
    expect(principalMapper('RULE:^cn=(.*?),.*$/$1/U')('cn=bob,o=x')).to.equal('BOB');
  });

  it('fails authentication when no rule matches, as Kafka does', () => {
    expect(() => principalMapper('RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/')(CLIENT_DN)).to.throw('No rules apply to CN=alice');
  });

  it('refuses malformed rules naming the key', () => {
    expect(() => principalMapper('RULE:^CN=(.*$/$1/')).to.throw(ConfigError, 'ssl.principal.mapping.rules');
    expect(() => principalMapper('NONSENSE')).to.throw(ConfigError, 'Invalid rule: NONSENSE');
  });
});
