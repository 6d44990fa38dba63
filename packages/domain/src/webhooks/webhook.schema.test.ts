import { describe, expect, it } from 'vitest';
import { WEBHOOK_RETRY_BUDGET_MS, WebhookCreate, webhookRetryDelayMs } from './webhook.schema.js';

describe('webhook retries', () => {
  it('back off 5 s, 30 s, 2 min, 10 min, 30 min, then hourly', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(webhookRetryDelayMs)).toEqual([
      5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('give up once the waits would pass the 24 h budget', () => {
    let failures = 0;
    let waited = 0;
    for (let delay = webhookRetryDelayMs(1); delay !== null; delay = webhookRetryDelayMs(++failures + 1)) waited += delay;
    expect(waited).toBeLessThanOrEqual(WEBHOOK_RETRY_BUDGET_MS);
    expect(waited + 3_600_000).toBeGreaterThan(WEBHOOK_RETRY_BUDGET_MS);
    expect(failures + 1).toBe(29);
  });
});

describe('webhook input', () => {
  it('takes http(s) URLs and known task event types only', () => {
    expect(WebhookCreate.safeParse({ url: 'https://example.com/hook' }).data).toEqual({
      url: 'https://example.com/hook',
      types: [],
    });
    expect(WebhookCreate.safeParse({ url: 'ftp://example.com/' }).success).toBe(false);
    expect(WebhookCreate.safeParse({ url: 'https://u:p@example.com/' }).success).toBe(false);
    expect(WebhookCreate.safeParse({ url: 'https://example.com/', types: ['todo.task.eaten.v1'] }).success).toBe(false);
  });
});
