/**
 * Every error leaves as `application/problem+json` (RFC 9457) with a stable `code`, the
 * offending fields and a human message. Unknown errors become a bare 500: no stack, no SQL,
 * no secrets — the details go to the log with the request id.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, isDomainError, TaskVersionMismatch, type ErrorCode, type FieldIssue, type Task } from '@todo/domain';
import { isDataException, isStorageFull } from '@todo/services';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  errors: FieldIssue[];
  /** PRECONDITION_FAILED only: the task as it is now, to resolve against (its ETag is in the header). */
  current?: Task;
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export function problem(code: ErrorCode, detail: string, errors: FieldIssue[] = [], status: number = ERROR_CODES[code]): Problem {
  return {
    type: `https://todo-app.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    errors,
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.status(p.status).type('application/problem+json').send(p);
}

/** Seconds to wait, when the error says (a throttled sign-in), for the `Retry-After` header. */
export function retryAfterOf(error: unknown): number | undefined {
  const seconds = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds : undefined;
}

const LOCATION_PREFIX: Record<string, string> = { body: '', querystring: '', params: '', headers: 'header.' };

/** Told of failures that reach the end: it judges which were a lack of space (a full disk). */
export interface WriteFailures {
  noteFailure(error: unknown): boolean;
}

export function toProblem(error: unknown, request: FastifyRequest, writes?: WriteFailures): Problem {
  if (error instanceof TaskVersionMismatch) return { ...problem(error.code, error.message), current: error.current };
  if (isDomainError(error)) return problem(error.code, error.message, [...error.issues]);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = LOCATION_PREFIX[error.validationContext ?? 'body'] ?? '';
    const errors = error.validation.map((v) => {
      const field = `${where}${v.instancePath.replace(/^\//, '').replaceAll('/', '.')}`;
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : undefined;
      return keys?.length
        ? keys.map((k) => ({ field: field ? `${field}.${k}` : k, message: 'unknown field' }))
        : [{ field: field || '(root)', message: v.message ?? 'invalid' }];
    });
    const flat = errors.flat();
    return problem(
      'VALIDATION_FAILED',
      `invalid ${error.validationContext ?? 'input'}: ${flat.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      flat,
    );
  }
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('PAYLOAD_TOO_LARGE', 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('VALIDATION_FAILED', 'send JSON with Content-Type: application/json', [], 415);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem('VALIDATION_FAILED', 'request body is not valid JSON', [{ field: '(root)', message: 'invalid JSON' }]);
  }
  if (fastifyError.statusCode === 429) return problem('RATE_LIMITED', 'too many requests; try again later');
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return problem('VALIDATION_FAILED', fastifyError.message, [], fastifyError.statusCode);
  }
  if (isDataException(error)) {
    // Input validation missed a value the database refuses: the value is the cause (logged, to close the gap).
    request.log.warn({ err: error }, 'value refused by the database');
    return problem('VALIDATION_FAILED', 'a value in the request cannot be stored (it is malformed or out of range)');
  }
  if (writes ? writes.noteFailure(error) : isStorageFull(error)) {
    request.log.error({ err: error }, 'write refused: out of disk space');
    // A write that failed for lack of space cannot be told apart from one kept before the answer was lost: say "may".
    return problem(
      'STORAGE_FULL',
      'the server is out of disk space; this change may not have been saved: check, then try again once space is freed',
    );
  }
  request.log.error({ err: error }, 'unhandled error');
  return problem('INTERNAL', `something went wrong; quote request id ${request.id} when reporting it`);
}
