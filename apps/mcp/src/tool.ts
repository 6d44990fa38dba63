/**
 * The transport-neutral tool contract. MCP (`server.ts`) and the AI chat (`@todo/chat`) both
 * list and call these definitions, so the two surfaces share one implementation per tool.
 */
import { z } from 'zod';
import { DomainError, isDomainError, policy, unsafeTextIssues, type Clock, type FieldIssue } from '@todo/domain';
import { isDataException, isStorageFull, type Principal, type Services } from '@todo/services';

/** What every tool call runs with. The user is `principal` — never a tool argument, so a prompt cannot act for another user. */
export interface ToolContext {
  services: Services;
  principal: Principal;
  clock: Clock;
  traceparent?: string | undefined;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: false;
}

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /**
   * The array argument whose items are validated one by one (see `batchItem`): a bad item
   * fails alone and is reported by the tool, the others go ahead.
   */
  batchOf?: string;
  run(ctx: ToolContext, args: z.output<I>): Promise<z.input<O>>;
  /** One line for the text block that accompanies structuredContent. */
  summarize?(result: z.output<O>): string;
}

/**
 * Shapes listed in full by one tool only (`tool`); every other tool's listing shows an object
 * with `description` pointing there. The schemas still validate in full.
 */
export const SHARED_SHAPES = new Map<z.ZodType, { tool: string; description: string }>();

/** Identity helper that keeps the input/output types tied together. */
export const defineTool = <I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef =>
  def as unknown as ToolDef;

export const READ: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
export const CREATE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
export const CHANGE: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false };
export const ADDITIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

export const isMutating = (tool: ToolDef): boolean => !tool.annotations.readOnlyHint;

export interface ToolErrorBody {
  code: string;
  message: string;
  issues: FieldIssue[];
}

export type ToolOutcome = { ok: true; value: Record<string, unknown>; text: string } | { ok: false; error: ToolErrorBody };

const issuesOf = (error: { issues: readonly z.core.$ZodIssue[] }): FieldIssue[] =>
  error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(arguments)', message: i.message }));

/** A batch item that failed validation, carried to the tool so that it reports it with its index. */
export class InvalidItem {
  constructor(readonly error: ToolErrorBody) {}
}

/**
 * The schema of one item of a batch (the tool names the array in `batchOf`). The listing shows
 * the item's schema; when calling, an item that fails it — or holds text the application
 * refuses — becomes an `InvalidItem` instead of failing the whole call.
 */
export function batchItem<T extends z.ZodType>(item: T): z.ZodType<z.output<T> | InvalidItem, z.input<T>> {
  return item
    .superRefine((value, ctx) => {
      for (const issue of unsafeTextIssues(value))
        ctx.addIssue({ code: 'custom', path: issue.field.split('.'), message: issue.message });
    })
    .catch((ctx) => {
      const text = unsafeTextIssues(ctx.input);
      // Typed as an item so zod accepts it; the signature above tells callers what it is.
      return new InvalidItem(text.length > 0 ? textError(text) : validationError(ctx.error)) as z.output<T>;
    });
}

const textError = (issues: FieldIssue[]): ToolErrorBody => ({
  code: 'INVALID_TEXT',
  message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
  issues,
});

const validationError = (error: { issues: readonly z.core.$ZodIssue[] }): ToolErrorBody => {
  const issues = issuesOf(error);
  return { code: 'VALIDATION_FAILED', message: issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues };
};

export const STORAGE_FULL =
  'the server is out of disk space; this change may not have been saved: tell the user (space must be freed) and check before retrying';

export const REFUSED_VALUE =
  'a value in the input cannot be stored (it is malformed or out of range); change it rather than retrying';

/** Maps anything a tool throws to a stable error body naming field and reason. */
export function toolError(error: unknown): ToolErrorBody {
  if (isDomainError(error)) return { code: error.code, message: error.message, issues: [...error.issues] };
  if (error instanceof z.ZodError) return validationError(error);
  if (isDataException(error)) return { code: 'VALIDATION_FAILED', message: REFUSED_VALUE, issues: [] };
  if (isStorageFull(error)) return { code: 'STORAGE_FULL', message: STORAGE_FULL, issues: [] };
  return { code: 'INTERNAL', message: 'the tool failed unexpectedly; try again later', issues: [] };
}

/**
 * Validates arguments, checks the scope, runs the tool and validates its result against the
 * declared output schema: the one place every surface goes through.
 */
export async function runTool(tool: ToolDef, ctx: ToolContext, rawArgs: unknown): Promise<ToolOutcome> {
  const access = policy.access(ctx.principal, isMutating(tool) ? 'write' : 'read', tool.name);
  if (!access.allowed) return { ok: false, error: { code: access.code, message: access.reason, issues: [] } };
  // Text the application refuses anywhere in the arguments, before any schema: the one check
  // every tool gets. Items of a batch are checked one by one instead (`batchItem`).
  const inBatch = (field: string) => tool.batchOf !== undefined && field.startsWith(`${tool.batchOf}.`);
  const badText = unsafeTextIssues(rawArgs).filter((issue) => !inBatch(issue.field));
  if (badText.length > 0) return { ok: false, error: textError(badText) };
  const parsed = tool.input.safeParse(rawArgs ?? {});
  if (!parsed.success) return { ok: false, error: toolError(parsed.error) };
  try {
    const raw = await tool.run(ctx, parsed.data);
    const value = tool.output.parse(raw) as Record<string, unknown>;
    return { ok: true, value, text: tool.summarize ? tool.summarize(value) : JSON.stringify(value) };
  } catch (error) {
    return { ok: false, error: toolError(error) };
  }
}

export const fail = (code: ConstructorParameters<typeof DomainError>[0], field: string, message: string): never => {
  throw DomainError.field(code, field, message);
};
