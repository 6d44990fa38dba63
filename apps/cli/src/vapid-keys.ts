/**
 * The Web Push (VAPID, RFC 8292) key pair: the private key signs the JWT that tells push
 * services who sends; browsers subscribe with the public key, so it must stay the same for as
 * long as their subscriptions live. Like the session signing key, the embedded runtime
 * generates one into DATA_DIR once and keeps it there; replicas (USE_DAPR) must share theirs,
 * so they are given one (VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY) or send no push at all.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@todo/config';
import { DataDirError } from './data-dir-check.js';

export interface VapidKeys {
  /** The uncompressed P-256 point, base64url (what `pushManager.subscribe` takes). */
  publicKey: string;
  /** The private scalar, base64url. */
  privateKey: string;
}

export const VAPID_KEYS_FILE = 'vapid-keys.json';

export function newVapidKeys(): VapidKeys {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d! };
}

/** Undefined: this process sends no push (distributed, and no keys given). */
export function vapidKeysFor(config: Readonly<Config>): VapidKeys | undefined {
  const { publicKey, privateKey } = config.push;
  if (publicKey && privateKey) return { publicKey, privateKey };
  if (config.useDapr) return undefined;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, VAPID_KEYS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = JSON.stringify(newVapidKeys());
    try {
      writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process wrote one first: use theirs.
      text = readFileSync(file, 'utf8');
    }
  }
  let keys: Partial<VapidKeys> = {};
  try {
    keys = JSON.parse(text) as Partial<VapidKeys>;
  } catch {
    // reported below
  }
  if (!/^[A-Za-z0-9_-]{87}$/.test(keys.publicKey ?? '') || !/^[A-Za-z0-9_-]{43}$/.test(keys.privateKey ?? '')) {
    throw new DataDirError(
      `${file} does not hold a VAPID key pair; restore it from a backup, or delete it to have a new one generated (every browser then has to turn reminders on again)`,
    );
  }
  return { publicKey: keys.publicKey!, privateKey: keys.privateKey! };
}
