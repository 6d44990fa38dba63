/**
 * Links in reminder emails ("Mark done", "Snooze 1 h") that work without logging in. Each
 * token is signed, names one action on one task for one user, and expires — it can do that
 * one thing and nothing else (no session, no other task). It also carries a link id (`jti`,
 * recorded when used, so it works once) and the task's version when it was issued
 * (action-link.service.ts refuses it once the task has changed).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { DomainError, type Clock } from '@todo/domain';

export type TaskAction = 'done' | 'snooze';

export interface ActionClaims {
  action: TaskAction;
  userId: string;
  taskId: string;
  reminderId: string;
  /** The task's `updatedAt` when the link was issued. */
  taskVersion: string;
  /**
   * The id recorded when the link is used (`jti`); random when absent. The links of one email
   * share one, so using either spends both: one email, one decision.
   */
  linkId?: string;
}

export interface VerifiedAction extends ActionClaims {
  linkId: string;
  expiresAt: Date;
}

const AUDIENCE = 'todo-app/task-action';
const LIFETIME_SECONDS = 7 * 24 * 3600;

export class ActionTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly clock: Clock,
  ) {
    // A key of its own, derived by domain separation, so an action token is never a session.
    this.key = new TextEncoder().encode(`${secret}:task-actions`);
  }

  async sign(claims: ActionClaims): Promise<string> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({ act: claims.action, tid: claims.taskId, rid: claims.reminderId, ver: claims.taskVersion })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(claims.linkId ?? randomUUID())
      .setSubject(claims.userId)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + LIFETIME_SECONDS)
      .sign(this.key);
  }

  async verify(token: string): Promise<VerifiedAction> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
      });
      const action = payload['act'];
      const { sub, jti, exp } = payload;
      const version = payload['ver'];
      // Links issued before links were single-use carry no id or version: refused like a forged one.
      if ((action !== 'done' && action !== 'snooze') || !sub || !jti || typeof version !== 'string' || !exp) {
        throw new Error('bad claims');
      }
      return {
        action,
        userId: sub,
        taskId: String(payload['tid']),
        reminderId: String(payload['rid']),
        taskVersion: version,
        linkId: jti,
        expiresAt: new Date(exp * 1000),
      };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || (error instanceof Error && error.message === 'bad claims')) {
        throw new DomainError('UNAUTHENTICATED', 'this link is invalid or has expired');
      }
      throw error;
    }
  }
}
