/**
 * Personal API tokens: `todo_` + 32 random bytes. Only a SHA-256 of the secret is stored —
 * the secret has 256 bits of entropy, so a slow hash adds nothing, and lookup stays one index hit.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'todo_';

export function newTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) };
}

export const hashToken = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export const looksLikeApiToken = (value: string): boolean => value.startsWith(TOKEN_PREFIX);
