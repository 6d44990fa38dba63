/**
 * Links in reminder emails ("Mark done", "Snooze 1 h") that work without logging in. Each
 * token is signed, names one action on one task for one user, and expires — it can do that
 * one thing and nothing else (no session, no other task).
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { DomainError, type Clock } from '@todo/domain';

export type TaskAction = 'done' | 'snooze';

export interface ActionClaims {
  action: TaskAction;
  userId: string;
  taskId: string;
  reminderId: string;
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
    return new SignJWT({ act: claims.action, tid: claims.taskId, rid: claims.reminderId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + LIFETIME_SECONDS)
      .sign(this.key);
  }

  async verify(token: string): Promise<ActionClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.clock.now(),
      });
      const action = payload['act'];
      if ((action !== 'done' && action !== 'snooze') || !payload.sub) throw new Error('bad claims');
      return { action, userId: payload.sub, taskId: String(payload['tid']), reminderId: String(payload['rid']) };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || (error instanceof Error && error.message === 'bad claims')) {
        throw new DomainError('UNAUTHENTICATED', 'this link is invalid or has expired');
      }
      throw error;
    }
  }
}
