// Packs the built extension: the zip the Admin console and the Chrome Web Store take (fixed
// timestamps and sorted entries, so the same files give the same bytes), and, for a school
// that hosts the extension itself, a CRX3 file (the signed package
// Chromium installs from an update URL) and the update manifest that names it. A
// force-installed extension (the Admin console's "Force install" with a custom update URL,
// or the ExtensionInstallForcelist policy) is what Chromium lets block requests
// synchronously (`webRequestBlocking`); see extension/README.md, "Blocking before the
// request".
//
// CRX3 layout (Chromium's components/crx_file): "Cr24", version 3 and the header's length
// as little-endian 32-bit words, then the header (protocol buffer `CrxFileHeader`), then
// the zip. The header holds one RSA key proof (the public key, DER SubjectPublicKeyInfo,
// and its SHA-256 PKCS #1 v1.5 signature) and `signed_header_data`, itself a `SignedData`
// message with the 16-byte CRX id (the first half of the key's SHA-256). The signature
// covers "CRX3 SignedData\x00", the signed data's length (32-bit little-endian), the signed
// data and the zip. The extension ID is that same id written with the letters a–p.
//
// The three protocol-buffer messages have only length-delimited fields, so they are written
// here by hand (a tag varint, a length varint, the bytes) instead of pulling in a library.

import { createHash, createPrivateKey, createPublicKey, createSign } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { deflateRawSync } from 'node:zlib';

/** Every file under `dir`, as paths. */
function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A folder's files as [path inside it with '/', bytes], sorted by path. */
export function folderFiles(dir) {
  return listFiles(dir)
    .map((p) => [relative(dir, p).split(sep).join('/'), readFileSync(p)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A zip of `files` ([name, bytes]) with fixed timestamps (1980-01-01 00:00). */
export function makeZip(files) {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = crc32(data);
    // The local header (from byte 4) and the central header (from byte 6) share one run:
    // version needed, flags (UTF-8 names), method, time, date, crc, sizes, name length.
    const shared = Buffer.alloc(24);
    shared.writeUInt16LE(20, 0); // version needed
    shared.writeUInt16LE(0x0800, 2); // UTF-8 names
    shared.writeUInt16LE(stored ? 0 : 8, 4);
    shared.writeUInt16LE(DOS_TIME, 6);
    shared.writeUInt16LE(DOS_DATE, 8);
    shared.writeUInt32LE(crc, 10);
    shared.writeUInt32LE(body.length, 14);
    shared.writeUInt32LE(data.length, 18);
    shared.writeUInt16LE(nameBytes.length, 22);

    const local = Buffer.alloc(30); // extra length at 28: 0
    local.writeUInt32LE(0x04034b50, 0);
    shared.copy(local, 4);
    locals.push(local, nameBytes, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    shared.copy(central, 6);
    // extra, comment, disk, internal attributes, external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}


/** Field numbers from crx3.proto. */
const CRX_FILE_HEADER_SHA256_WITH_RSA = 2;
const CRX_FILE_HEADER_SIGNED_HEADER_DATA = 10000;
const KEY_PROOF_PUBLIC_KEY = 1;
const KEY_PROOF_SIGNATURE = 2;
const SIGNED_DATA_CRX_ID = 1;
const SIGNATURE_CONTEXT = Buffer.from('CRX3 SignedData\x00', 'latin1');

function varint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A length-delimited protocol-buffer field (wire type 2). */
function bytesField(number, bytes) {
  return Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
}

function u32le(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** The extension ID Chromium gives the holder of this public key (DER SubjectPublicKeyInfo). */
export function extensionIdOf(publicKeyDer) {
  const hex = createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 32);
  return [...hex].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
}

/**
 * Signs `zip` (the extension's files) into a CRX3 package.
 * @param {Buffer} zip
 * @param {string | Buffer} privateKeyPem an RSA private key (PKCS #8 or PKCS #1 PEM)
 * @returns {{ crx: Buffer, id: string, publicKey: string }} the package, the extension ID it
 *   installs as, and the public key in base64 (the manifest's `key` for the same ID unpacked)
 */
export function packCrx(zip, privateKeyPem) {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`the signing key must be RSA, not ${key.asymmetricKeyType}`);
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const crxId = createHash('sha256').update(publicKey).digest().subarray(0, 16);
  const signedData = bytesField(SIGNED_DATA_CRX_ID, crxId);
  const signer = createSign('sha256');
  for (const part of [SIGNATURE_CONTEXT, u32le(signedData.length), signedData, zip]) signer.update(part);
  const proof = Buffer.concat([
    bytesField(KEY_PROOF_PUBLIC_KEY, publicKey),
    bytesField(KEY_PROOF_SIGNATURE, signer.sign(key)),
  ]);
  const header = Buffer.concat([
    bytesField(CRX_FILE_HEADER_SHA256_WITH_RSA, proof),
    bytesField(CRX_FILE_HEADER_SIGNED_HEADER_DATA, signedData),
  ]);
  const crx = Buffer.concat([Buffer.from('Cr24', 'latin1'), u32le(3), u32le(header.length), header, zip]);
  return { crx, id: extensionIdOf(publicKey), publicKey: publicKey.toString('base64') };
}

function xmlAttr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
}

/**
 * The update manifest (Omaha "gupdate" XML) Chromium reads at the policy's update URL: which
 * version of which extension is where.
 */
export function updateManifest(id, version, codebase) {
  if (!/^[a-p]{32}$/.test(id)) throw new Error(`not an extension ID: ${id}`);
  if (!/^\d+(\.\d+){0,3}$/.test(version)) throw new Error(`not an extension version: ${version}`);
  return `<?xml version='1.0' encoding='UTF-8'?>
<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>
  <app appid='${id}'>
    <updatecheck codebase='${xmlAttr(codebase)}' version='${version}' />
  </app>
</gupdate>
`;
}
