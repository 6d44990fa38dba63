/**
 * The error catalogue. Every failure a user can cause has a stable `code`; each edge maps
 * it once (HTTP → problem+json, MCP → isError result, workers → drop/retry).
 * The domain never knows about HTTP; `status` is only a hint for the HTTP edge.
 */

export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  INVALID_RECURRENCE: 400,
  INVALID_DUE: 400,
  INVALID_TIME_ZONE: 400,
  INVALID_REMINDER: 400,
  INVALID_CURSOR: 400,
  INVALID_TEXT: 400,
  /** A webhook URL whose host resolves to a private, loopback or otherwise internal address (docs/webhooks.md). */
  WEBHOOK_TARGET_REFUSED: 400,
  PAYLOAD_TOO_LARGE: 413,
  /** A file to import that cannot be read: the problem names the row or line and why (docs/import-export.md). */
  IMPORT_INVALID: 400,
  /** A file to import with more tasks than one import takes (docs/import-export.md). */
  IMPORT_TOO_LARGE: 413,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  INSUFFICIENT_SCOPE: 403,
  /** Sign-up is closed: without mail it is open only until the first account exists (docs/security.md). */
  SIGNUP_CLOSED: 403,
  /** Without mail, an email change cannot be confirmed once other accounts exist (docs/security.md). */
  EMAIL_CHANGE_UNAVAILABLE: 403,
  NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  PROJECT_NOT_FOUND: 404,
  TAG_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  /** This server has no VAPID keys, so it cannot send Web Push (docs/operations.md). */
  PUSH_UNAVAILABLE: 404,
  EMAIL_TAKEN: 409,
  NAME_TAKEN: 409,
  CONFLICT: 409,
  PARENT_CYCLE: 409,
  INVITATION_NOT_FOUND: 404,
  /** Inviting yourself, or someone already a member of the project. */
  SELF_INVITE: 409,
  ALREADY_MEMBER: 409,
  /** A project holds at most MAX_PROJECT_MEMBERS members and pending invitations. */
  TOO_MANY_MEMBERS: 409,
  LINK_STALE: 409,
  /**
   * A write named a version (If-Match, If-None-Match: * over CalDAV) the resource no longer has,
   * or does: nothing was written.
   */
  PRECONDITION_FAILED: 412,
  LINK_USED: 410,
  /** A user may have at most 20 push devices: each reminder is sent to every one (docs/security.md). */
  TOO_MANY_DEVICES: 409,
  /** A CalDAV sync token that is not ours or older than deletions are kept (docs/caldav.md). */
  INVALID_SYNC_TOKEN: 403,
  RATE_LIMITED: 429,
  TOO_MANY_STREAMS: 429,
  OVERLOADED: 503,
  INTERNAL: 500,
  /** A write refused because the server's disk is full: nothing was saved, retrying later works. */
  STORAGE_FULL: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
  /** Dotted path of the offending input field, e.g. `due.timeZone` or `reminders.1.minutesBefore`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];

  constructor(code: ErrorCode, message: string, issues: readonly FieldIssue[] = []) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.issues = issues;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  /** A single-field validation failure: the common case for parsers. */
  static field(code: ErrorCode, field: string, message: string): DomainError {
    return new DomainError(code, message, [{ field, message }]);
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
