/**
 * Mail about accounts, sent by the API process itself (not through the event pipeline): a
 * confirmation link is a secret, and events are kept in the event log. The mailer package
 * renders and sends these (apps/mailer/src/account-email.ts).
 */
export type AccountNotice =
  /** Opening `link` creates the account. */
  | { kind: 'confirm-signup'; to: string; link: string; expiresAt: Date }
  /** Someone tried to sign up with the address of an existing account. */
  | { kind: 'signup-for-existing-account'; to: string; signInUrl: string }
  /** Opening `link` makes `to` the account's email. */
  | { kind: 'confirm-email-change'; to: string; link: string; expiresAt: Date }
  /** Someone tried to move another account to the address of this one. */
  | { kind: 'email-change-to-existing-account'; to: string; signInUrl: string }
  /**
   * `invitedBy` invited `to` into a project. The same mail whether or not the address has an
   * account: signing in, or signing up with it, shows the invitation.
   */
  | {
      kind: 'project-invitation';
      to: string;
      invitedBy: string;
      projectName: string;
      role: string;
      url: string;
      expiresAt: Date;
    };

export interface AccountMail {
  send(notice: AccountNotice): Promise<void>;
}
