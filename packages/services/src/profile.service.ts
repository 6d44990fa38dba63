/**
 * The signed-in user's profile. Changing the zone moves the instants of floating and all-day
 * dues. Changing the email needs the current password: whoever holds a session or token must
 * not be able to take the account over by redirecting its email. With mail, the new email
 * takes effect only when the link sent to it is opened (email-confirmation.service.ts).
 */
import { DomainError, assertTimeZone, pendingEvent, resolveDue, type ProfilePatch, type User } from '@todo/domain';
import { UnitOfWork } from './unit-of-work.js';
import { isUniqueViolation, toUser } from '@todo/storage';
import type { AuthService, ClientKey } from './auth.service.js';
import type { Principal, ServiceDeps } from './deps.js';
import { emailChangeUnavailable, type EmailConfirmationService } from './email-confirmation.service.js';

export interface ProfileUpdate {
  user: User;
  /** A new email was asked for and waits for the link mailed to it (the profile keeps the old one). */
  emailConfirmationSent: boolean;
}

export class ProfileService {
  private readonly unitOfWork: UnitOfWork;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly auth: Pick<AuthService, 'confirmPassword'>,
    private readonly confirmations: Pick<EmailConfirmationService, 'changeEmail'>,
  ) {
    this.unitOfWork = new UnitOfWork(deps);
  }

  async get(principal: Principal): Promise<User> {
    const row = await this.deps.store.repos.users.findById(principal.userId);
    if (!row) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
    return toUser(row);
  }

  async update(principal: Principal, input: ProfilePatch, client?: ClientKey): Promise<ProfileUpdate> {
    const { currentPassword, email, ...patch } = input;
    const timeZone = patch.timeZone ? assertTimeZone(patch.timeZone, 'timeZone') : undefined;
    let emailConfirmationSent = false;
    let newEmail: string | undefined;
    if (email !== undefined && email !== (await this.get(principal)).email) {
      if (!currentPassword) {
        throw DomainError.field('VALIDATION_FAILED', 'currentPassword', 'the current password is required to change the email');
      }
      await this.auth.confirmPassword(principal, currentPassword, client);
      if ((await this.confirmations.changeEmail(principal.userId, email)) === 'apply') newEmail = email;
      else emailConfirmationSent = true;
    }
    const now = this.deps.clock.now();
    try {
      const user = await this.unitOfWork.run({}, async (repos, emit) => {
        const changes = { ...patch, ...(newEmail ? { email: newEmail } : {}), ...(timeZone ? { timeZone } : {}), updatedAt: now };
        const row = await repos.users.update(principal.userId, changes);
        if (!row) throw new DomainError('UNAUTHENTICATED', 'the account no longer exists');
        if (timeZone) {
          // Their instants move with the zone; the rest of each task stays as it is (no event: nothing the user set changed).
          const moved = (await repos.users.floatingDueRows(principal.userId)).map((t) => {
            const due = t.dueTime ? { dateTime: `${t.dueDate}T${t.dueTime.slice(0, 8)}`, timeZone: null } : { date: t.dueDate! };
            return {
              op: 'update' as const,
              row: { ...t, dueAt: resolveDue(due, timeZone).dueAt },
              readUpdatedAt: t.updatedAt,
              events: [],
            };
          });
          if (moved.length && (await repos.tasks.write(moved)).includes(null)) {
            throw new DomainError('CONFLICT', 'a task changed while the time zone was applied; try again');
          }
        }
        // Reminders of all-day and floating tasks fire at times that depend on zone and hour:
        // announce their tasks as updated so the notifier reschedules them.
        if (timeZone || patch.reminderHour !== undefined) {
          for (const id of await repos.tasks.openIdsWithReminders(principal.userId)) {
            const task = await repos.tasks.findById(principal.userId, id);
            if (task)
              emit(
                pendingEvent('todo.task.updated.v1', id, {
                  userId: principal.userId,
                  actorId: principal.userId,
                  task,
                  changed: ['reminders'],
                }),
              );
          }
        }
        return toUser(row);
      });
      return { user, emailConfirmationSent };
    } catch (error) {
      // Without mail, applied at once only while no other account existed; one just appeared.
      if (isUniqueViolation(error)) throw emailChangeUnavailable();
      throw error;
    }
  }
}
