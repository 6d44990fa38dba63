/**
 * The recurrence builder's model ↔ RRULE text. Only the builder's simple shapes round-trip;
 * anything else stays in the RRULE / phrase field as typed. Pure.
 */
export type Freq = 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekdayCode = (typeof WEEKDAY_CODES)[number];

export interface Builder {
  freq: Freq;
  interval: number;
  byDay: WeekdayCode[];
  /** Day of month for MONTHLY (1…31, or -1 = last day); null = same day as the due date. */
  monthDay: number | null;
  count: number | null;
  until: string | null;
}

export const DEFAULT_BUILDER: Builder = { freq: 'WEEKLY', interval: 1, byDay: [], monthDay: null, count: null, until: null };

export function builderToRule(b: Builder): string {
  const parts = [`FREQ=${b.freq}`];
  if (b.interval > 1) parts.push(`INTERVAL=${b.interval}`);
  if (b.freq === 'WEEKLY' && b.byDay.length) parts.push(`BYDAY=${WEEKDAY_CODES.filter((d) => b.byDay.includes(d)).join(',')}`);
  if (b.freq === 'MONTHLY' && b.monthDay !== null) parts.push(`BYMONTHDAY=${b.monthDay}`);
  if (b.count) parts.push(`COUNT=${b.count}`);
  else if (b.until) parts.push(`UNTIL=${b.until.replaceAll('-', '')}`);
  return parts.join(';');
}

/** The builder for a rule it can represent, or null. */
export function ruleToBuilder(rule: string): Builder | null {
  const text = rule.trim().replace(/^RRULE:/i, '');
  if (!/^FREQ=/i.test(text)) return null;
  const b: Builder = { ...DEFAULT_BUILDER, byDay: [] };
  for (const part of text.split(';')) {
    const [key, value = ''] = part.split('=') as [string, string | undefined];
    switch (key.toUpperCase()) {
      case 'FREQ':
        if (!['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(value.toUpperCase())) return null;
        b.freq = value.toUpperCase() as Freq;
        break;
      case 'INTERVAL':
        b.interval = Number(value) || 1;
        break;
      case 'BYDAY': {
        const days = value.toUpperCase().split(',');
        if (!days.every((d) => (WEEKDAY_CODES as readonly string[]).includes(d))) return null;
        b.byDay = days as WeekdayCode[];
        break;
      }
      case 'BYMONTHDAY': {
        const n = Number(value);
        if (!Number.isInteger(n) || value.includes(',')) return null;
        b.monthDay = n;
        break;
      }
      case 'COUNT':
        b.count = Number(value) || null;
        break;
      case 'UNTIL':
        b.until = /^(\d{4})(\d{2})(\d{2})/.test(value) ? value.replace(/^(\d{4})(\d{2})(\d{2}).*$/, '$1-$2-$3') : null;
        break;
      case 'WKST':
        break;
      default:
        return null;
    }
  }
  if (b.byDay.length && b.freq !== 'WEEKLY') return null;
  return b;
}
