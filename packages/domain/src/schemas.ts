/** Wire shapes of users, tokens and tags. */
import { z } from 'zod';
import { Instant, TimeZoneName } from './tasks/task.schema.js';

/** RFC 5321's limits, which the pattern below does not check: 64 for the local part, 63 a label. */
const withinEmailLengths = (s: string) => {
  const [local = '', domain = ''] = s.split('@');
  return local.length <= 64 && domain.split('.').every((label) => label.length <= 63);
};
// Checks after trimming, not in a pipe: so the OpenAPI document carries the email format.
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .email({ message: 'must be an email address' })
  .max(254)
  .refine(withinEmailLengths, 'must be an email address');
export const Password = z.string().min(10, 'must be at least 10 characters').max(200);
export const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #3b82f6');

export const SignUp = z.strictObject({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(100).optional(),
  timeZone: TimeZoneName.optional(),
});
export type SignUp = z.infer<typeof SignUp>;

export const LogIn = z.strictObject({ email: Email, password: z.string().min(1).max(200) });
export type LogIn = z.infer<typeof LogIn>;

const CurrentPassword = z.string().min(1).max(200);

export const PasswordChange = z.strictObject({ currentPassword: CurrentPassword, newPassword: Password });
export type PasswordChange = z.infer<typeof PasswordChange>;

export const SignOutEverywhere = z.strictObject({
  tokens: z.boolean().default(false).describe('Also revoke every API token'),
});
export type SignOutEverywhere = z.infer<typeof SignOutEverywhere>;

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  timeZone: z.string(),
  reminderHour: z.int().min(0).max(23),
  isAdmin: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

export const ProfilePatch = z.strictObject({
  email: Email.optional(),
  currentPassword: CurrentPassword.optional().describe('Required to change the email'),
  name: z.string().trim().min(1).max(100).nullable().optional(),
  timeZone: TimeZoneName.optional(),
  reminderHour: z.int().min(0).max(23).optional().describe('Hour (user zone) at which all-day tasks remind'),
});
export type ProfilePatch = z.infer<typeof ProfilePatch>;

export const TOKEN_SCOPES = ['read', 'write'] as const;
export const TokenScope = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof TokenScope>;

export const TokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(TokenScope)
    .min(1)
    .refine((s) => !s.includes('write') || s.includes('read'), 'write implies read: use ["read","write"]')
    .default(['read', 'write']),
  expiresAt: Instant.nullable().default(null),
});
export type TokenCreate = z.infer<typeof TokenCreate>;

export const ApiToken = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('First characters of the secret, to recognise it'),
  scopes: z.array(TokenScope),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/**
 * A browser's push subscription as `PushSubscription.toJSON()` gives it: the push service's
 * address for this browser, and the keys payloads are encrypted to (RFC 8291).
 */
const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+=*$/, 'must be base64url');
export const PushSubscriptionCreate = z.object({
  endpoint: z.url({ protocol: /^https$/ }).max(2000),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    // An uncompressed P-256 point is 65 bytes (87 characters), the auth secret 16 (22).
    p256dh: Base64Url.min(80).max(100),
    auth: Base64Url.min(16).max(32),
  }),
  /** Shown in the device list, e.g. "Chrome on Linux"; the server falls back to the User-Agent. */
  label: z.string().trim().min(1).max(100).optional(),
});
export type PushSubscriptionCreate = z.infer<typeof PushSubscriptionCreate>;

export const PushDevice = z.object({
  id: z.uuid(),
  label: z.string(),
  createdAt: z.iso.datetime(),
  lastSuccessAt: z.iso.datetime().nullable(),
});
export type PushDevice = z.infer<typeof PushDevice>;

/** A project or tag name, as users create and rename them. */
export const LabelName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^,#]+$/, 'must not contain "," or "#"');

export const LabelCreate = z.strictObject({ name: LabelName, color: Color.nullable().default(null) });
export type LabelCreate = z.infer<typeof LabelCreate>;
export const LabelPatch = z.strictObject({ name: LabelName.optional(), color: Color.nullable().optional() });
export type LabelPatch = z.infer<typeof LabelPatch>;

/** A tag: a named, coloured label owned by a user. */
export const Label = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Label = z.infer<typeof Label>;

export const Notification = z.object({
  id: z.uuid(),
  taskId: z.uuid().nullable(),
  reminderId: z.uuid(),
  fireAt: z.iso.datetime(),
  title: z.string(),
  body: z.string(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type Notification = z.infer<typeof Notification>;

export const CalendarFeedCreate = z.strictObject({
  name: z.string().trim().min(1).max(100).default('Tasks').describe('The calendar’s name in calendar apps'),
});
export type CalendarFeedCreate = z.infer<typeof CalendarFeedCreate>;

/** A calendar feed as listed: its URL's secret is shown only when it is created. */
export const CalendarFeed = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('First characters of the URL’s secret, to recognise it'),
  createdAt: z.iso.datetime(),
});
export type CalendarFeed = z.infer<typeof CalendarFeed>;
