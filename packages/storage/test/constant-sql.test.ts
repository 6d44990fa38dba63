/** `constantSql` renders a fragment once — and refuses one with parameters, whose values it would freeze. */
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { expect, it } from 'vitest';
import { constantSql } from '../src/named-statement.js';
import { tasks } from '../src/schema.js';

const render = (fragment: ReturnType<typeof sql>) => new PgDialect().sqlToQuery(fragment);

it('renders a fragment without parameters to the same text', () => {
  const fragment = sql`${tasks.id}, ${tasks.title}`;
  const rendered = render(sql`select ${constantSql(fragment)} from ${tasks} where ${tasks.userId} = ${'u1'}`);
  expect(rendered.sql).toBe(render(sql`select ${fragment} from ${tasks} where ${tasks.userId} = ${'u1'}`).sql);
  expect(rendered.params).toEqual(['u1']);
});

it('refuses a fragment with parameters', () => {
  expect(() => constantSql(sql`${tasks.title} = ${'Pay rent'}`)).toThrow(/1 parameters/);
});
