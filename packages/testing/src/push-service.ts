/**
 * FakePushService: a stand-in for a browser vendor's push service (no real one can run here),
 * on loopback HTTPS with a throw-away certificate the process is told to trust. It accepts the
 * Web Push protocol request (RFC 8030), verifies its VAPID JWT (RFC 8292: ES256, `aud` = this
 * origin) and decrypts the aes128gcm payload (RFC 8188, RFC 8291) with the subscription's
 * private key — keys generated here as a browser generates them — so a test sees exactly what
 * a browser would decrypt. It can be told to answer a status (410: the subscription is gone).
 */
import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface ReceivedPush {
  /** The fake subscription's id (the last segment of its endpoint). */
  subscriptionId: string;
  /** The decrypted payload, as text. */
  plaintext: string;
  ttl: number;
  urgency: string | undefined;
  /** The verified VAPID JWT's claims and the key it was signed with. */
  vapid: { aud: string; sub: string; exp: number; publicKey: string };
}

export interface FakeSubscription {
  id: string;
  /** What `PushSubscription.toJSON()` gives a page. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
}

export interface FakePushService {
  origin: string;
  /** Its TLS certificate (PEM), for a server in another process to trust (NODE_EXTRA_CA_CERTS). */
  certificate: string;
  received: ReceivedPush[];
  /** Requests refused (bad VAPID, undecryptable), with why. */
  refused: string[];
  subscribe(): FakeSubscription;
  /** The next `times` requests for this subscription are answered `status`. */
  answer(subscriptionId: string, status: number, times?: number): void;
  close(): Promise<void>;
}

const b64 = (buf: Buffer) => buf.toString('base64url');

export async function startFakePushService(): Promise<FakePushService> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-push-'));
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...[
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  // The sender (web-push) uses Node's default trust store: add this certificate to it.
  const trusted = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...trusted, cert]);

  const subscriptions = new Map<string, { ecdh: ECDH; auth: Buffer }>();
  const answers = new Map<string, number[]>();
  const received: ReceivedPush[] = [];
  const refused: string[] = [];
  let origin = '';

  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
      const sub = id ? subscriptions.get(id) : undefined;
      if (req.method !== 'POST' || !id || !sub) return void res.writeHead(404).end();
      const queued = answers.get(id);
      if (queued?.length) return void res.writeHead(queued.shift()!).end('told to fail');
      try {
        const vapid = verifyVapid(String(req.headers.authorization ?? ''), origin);
        if (req.headers['content-encoding'] !== 'aes128gcm')
          throw new Error(`content-encoding ${req.headers['content-encoding']}`);
        const plaintext = decrypt(Buffer.concat(chunks), sub.ecdh, sub.auth).toString('utf8');
        received.push({
          subscriptionId: id,
          plaintext,
          ttl: Number(req.headers.ttl),
          urgency: req.headers.urgency as string | undefined,
          vapid,
        });
        res.writeHead(201, { location: `${origin}/message/${received.length}` }).end();
      } catch (error) {
        refused.push((error as Error).message);
        res.writeHead(400).end((error as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    certificate: cert,
    received,
    refused,
    subscribe() {
      const id = b64(randomBytes(12));
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      subscriptions.set(id, { ecdh, auth });
      return {
        id,
        json: {
          endpoint: `${origin}/push/${id}`,
          expirationTime: null,
          keys: { p256dh: b64(ecdh.getPublicKey()), auth: b64(auth) },
        },
      };
    },
    answer(subscriptionId, status, times = 1) {
      answers.set(subscriptionId, [...(answers.get(subscriptionId) ?? []), ...Array<number>(times).fill(status)]);
    },
    close: async () => {
      tls.setDefaultCACertificates(trusted);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** RFC 8292 §2–3: `vapid t=<JWT>, k=<public key>`; the JWT is ES256-signed by k, for this origin, not expired, at most 24 h ahead. */
function verifyVapid(header: string, origin: string): ReceivedPush['vapid'] {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header);
  if (!m) throw new Error(`not a VAPID Authorization header: ${header.slice(0, 40)}`);
  const [token, k] = [m[1]!, m[2]!];
  const [head, body, signature] = token.split('.') as [string, string, string];
  const jose = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  if (jose.alg !== 'ES256') throw new Error(`JWT alg ${jose.alg}`);
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) },
    format: 'jwk',
  });
  // JWS ES256 signatures are r||s (RFC 7518 §3.4), not DER.
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('VAPID JWT signature does not verify');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { aud: string; sub: string; exp: number };
  if (claims.aud !== origin) throw new Error(`VAPID aud ${claims.aud}, not ${origin}`);
  // The signer's clock is the wall clock (web-push reads it); so is this check.
  const now = Date.now() / 1000;
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error(`VAPID exp ${claims.exp} out of range`);
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`VAPID sub ${claims.sub}`);
  return { ...claims, publicKey: k };
}

/** RFC 8291 §3.3–3.4 key derivation over an RFC 8188 aes128gcm body holding one record. */
function decrypt(body: Buffer, ua: ECDH, authSecret: Buffer): Buffer {
  // RFC 8188 §2.1 header: salt (16) | rs (4) | idlen (1) | keyid — here the sender's public key.
  const salt = body.subarray(0, 16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const ecdhSecret = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // RFC 8188 §2: the last record ends with delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}
