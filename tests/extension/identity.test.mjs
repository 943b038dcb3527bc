// Node checks of identity.js with fake chrome namespaces: what the platform gives is kept
// (trimmed, bounded), what it lacks is left out, and a missing or throwing API never fails.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lookUpIdentity } from '../../extension/src/identity.js';

test('a managed Chromebook: the school account and the asset ID', async () => {
  const api = {
    identity: { getProfileUserInfo: async (details) => ({ email: details.accountStatus === 'ANY' ? ' amy.p@oakfield.sch.uk ' : '', id: '1' }) },
    enterprise: { deviceAttributes: { getDeviceAssetId: (cb) => cb('OAK-CB-0042'), getDirectoryDeviceId: (cb) => cb('dir-123') } },
  };
  assert.deepEqual(await lookUpIdentity(api), { user: 'amy.p@oakfield.sch.uk', device: 'OAK-CB-0042' });
});

test('no asset ID: the directory ID; callback-style user info works too', async () => {
  const api = {
    identity: { getProfileUserInfo: (details, cb) => cb({ email: 'staff@oakfield.sch.uk' }) },
    enterprise: { deviceAttributes: { getDeviceAssetId: (cb) => cb(''), getDirectoryDeviceId: (cb) => cb('dir-123') } },
  };
  assert.deepEqual(await lookUpIdentity(api), { user: 'staff@oakfield.sch.uk', device: 'dir-123' });
});

test('an unmanaged browser, missing APIs or failing ones give nothing and never throw', async () => {
  assert.deepEqual(await lookUpIdentity({}), {});
  assert.deepEqual(await lookUpIdentity(undefined), {});
  assert.deepEqual(await lookUpIdentity({ identity: { getProfileUserInfo: async () => ({ email: '' }) } }), {});
  const throwing = {
    identity: { getProfileUserInfo: () => { throw new Error('not signed in'); } },
    enterprise: { deviceAttributes: { getDeviceAssetId: () => { throw new Error('not managed'); } } },
  };
  assert.deepEqual(await lookUpIdentity(throwing), {});
  const rejecting = { identity: { getProfileUserInfo: () => Promise.reject(new Error('x')) } };
  assert.deepEqual(await lookUpIdentity(rejecting), {});
  const long = { identity: { getProfileUserInfo: async () => ({ email: 'a'.repeat(400) }) } };
  assert.equal((await lookUpIdentity(long)).user.length, 254);
});
