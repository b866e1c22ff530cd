import { expect } from 'chai';
import { Api } from '../../lib/protocol/api';
import { UpdateMetadataRequest } from '../../lib/protocol/messages/controller';
import { decode, encode } from '../../lib/protocol/schema';

const broker = {
  id: 1, host: 'h', port: 9092, rack: null,
  endpoints: [{ listenerName: 'INTERNAL', host: 'h', port: 9092 }, { listenerName: 'EXTERNAL', host: 'x', port: 19092 }],
};
const request = { controllerId: 1, controllerEpoch: 2, brokerEpoch: 3, clusterId: null, partitionStates: [], liveBrokers: [broker] };

// controllerId 1 | controllerEpoch 2 | brokerEpoch 3 | clusterId null | 0 partition states | 1 live broker
const HEAD = '00000001' + '00000002' + '0000000000000003' + 'ffff' + '00000000' + '00000001';
// id 1 | host "h" | port 9092 | rack null
const BROKER_V0 = '00000001' + '000168' + '00002384' + 'ffff';
// 2 endpoints: "INTERNAL" "h" 9092, "EXTERNAL" "x" 19092
const ENDPOINTS = '00000002' + '0008' + Buffer.from('INTERNAL').toString('hex') + '000168' + '00002384'
  + '0008' + Buffer.from('EXTERNAL').toString('hex') + '000178' + '00004a94';

describe('protocol/controller messages', () => {
  it('encodes UpdateMetadata v1 with every endpoint of each live broker, as its wire grammar says', () => {
    expect(encode(UpdateMetadataRequest, request, 1).toString('hex')).to.equal(HEAD + BROKER_V0 + ENDPOINTS);
    expect(decode(UpdateMetadataRequest, Buffer.from(HEAD + BROKER_V0 + ENDPOINTS, 'hex'), 1)).to.deep.equal(request);
  });

  it('keeps UpdateMetadata v0 bytes without endpoints and reads them as none', () => {
    expect(encode(UpdateMetadataRequest, request, 0).toString('hex')).to.equal(HEAD + BROKER_V0);
    expect(decode(UpdateMetadataRequest, Buffer.from(HEAD + BROKER_V0, 'hex'), 0).liveBrokers[0].endpoints).to.deep.equal([]);
  });

  it('advertises UpdateMetadata up to version 1, which the controller sends', () => {
    expect(Api.UpdateMetadata.maxVersion).to.equal(1);
    expect(Api.LeaderAndIsr.maxVersion).to.equal(0);
  });
});
