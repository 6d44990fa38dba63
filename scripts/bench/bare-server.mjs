// The baseline for bench:api: bare Fastify + node-postgres, one INSERT … RETURNING per request,
// no auth, no validation, no transaction. What todo-app's endpoints are measured against.
import Fastify from 'fastify';
import pg from 'pg';
import { randomUUID } from 'node:crypto';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'create table if not exists bare_items (id uuid primary key, title text not null, created_at timestamptz not null default now())',
);
// The same index the task list reads through, so the SELECT baseline is not a straw man.
await pool.query('create index if not exists bare_items_created_idx on bare_items (created_at)');
const app = Fastify({ logger: false });
app.post('/bare', async (request) => {
  const { rows } = await pool.query('insert into bare_items (id, title) values ($1, $2) returning *', [
    randomUUID(),
    request.body.title,
  ]);
  return rows[0];
});
app.get('/bare', async () => (await pool.query('select * from bare_items order by created_at desc limit 50')).rows);
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`LISTENING ${address}\n`);
