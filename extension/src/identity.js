// Who and which device an incident happened on, as far as the platform says: the account the
// Chrome profile is signed in with (on a school Chromebook, the pupil's school account) from
// chrome.identity.getProfileUserInfo, and on a managed Chromebook with the extension
// force-installed, the device's asset ID (or else its directory ID) from
// chrome.enterprise.deviceAttributes. The DSL needs both to act on a record; nothing else
// about the pupil or the device is read (UK GDPR: minimum data). An unmanaged or test
// browser gives neither, and records then simply carry no `user` / `device`.
//
// Looked up once per worker start; every call is guarded, because the APIs are missing on
// other platforms (deviceAttributes is ChromeOS-only and needs a force-install) and may
// answer with empty strings.

/** Calls a callback-style Chrome API function as a promise (deviceAttributes has no promise form everywhere). */
function call(fn, ...args) {
  return new Promise((resolve) => {
    try {
      const r = fn(...args, (value) => resolve(value));
      if (r && typeof r.then === 'function') r.then(resolve, () => resolve(undefined));
    } catch {
      resolve(undefined);
    }
  });
}

const clean = (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 254) : undefined);

/**
 * @param {any} api the `chrome` namespace (a fake in tests)
 * @returns {Promise<{ user?: string, device?: string }>}
 */
export async function lookUpIdentity(api) {
  const out = {};
  const getUser = api?.identity?.getProfileUserInfo;
  if (typeof getUser === 'function') {
    const info = await call(getUser.bind(api.identity), { accountStatus: 'ANY' });
    const email = clean(info?.email);
    if (email) out.user = email;
  }
  const da = api?.enterprise?.deviceAttributes;
  if (da) {
    const asset = typeof da.getDeviceAssetId === 'function' ? clean(await call(da.getDeviceAssetId.bind(da))) : undefined;
    const directory = asset ? undefined : typeof da.getDirectoryDeviceId === 'function' ? clean(await call(da.getDirectoryDeviceId.bind(da))) : undefined;
    const device = asset ?? directory;
    if (device) out.device = device;
  }
  return out;
}
