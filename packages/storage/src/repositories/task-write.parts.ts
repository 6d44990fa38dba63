/**
 * The parts of the task write statement (task-write.statement.ts) that number new tasks and
 * write their tags and reminders. They read the statement's `items` (one row per write) and
 * `stored` (the writes that happened, by `ord`).
 *
 * Tags: existing ones are looked up by name; missing ones are inserted once per owner and name,
 * however many writes carry them. If another writer creates the same tag between our lookup and
 * our insert, `on conflict … do update` waits for it and hands back its row (a `do nothing`
 * would silently lose the tag), and the row lock lasts only this statement.
 *
 * Replacing a task's tags or reminders touches only what changes: the links and reminders not
 * in the new list are deleted, the rest upserted (a reminder keeps its id). The two never touch
 * the same row, which one statement must not do twice.
 */
import { sql } from 'drizzle-orm';

/** New tasks' numbers: each owner's counter moves once per statement, by the number of its new tasks. */
export const numberParts = [
  sql`counts as (select user_id, count(*)::int as n from items where op = 'insert' and number is null group by user_id)`,
  sql`locked as (select u.id from users u where u.id in (select user_id from counts) order by u.id for no key update)`,
  sql`numbered as (
    update users u set task_seq = u.task_seq + c.n from counts c
    where u.id = c.user_id and u.id in (select id from locked)
    returning u.id as user_id, u.task_seq - c.n as base)`,
  sql`rows as (
    select i.*, coalesce(i.number, n.base + (row_number() over (partition by i.user_id, i.number is null order by i.ord))::int) as allocated
    from items i left join numbered n on n.user_id = i.user_id and i.number is null where i.op = 'insert')`,
];

/**
 * Project numbers (`<projectId>/<n>`) of new and moved tasks: each project's counter moves once
 * per statement, projects locked in id order as owners are above.
 */
export const projectNumberParts = [
  sql`project_counts as (
    select project_id, count(*)::int as n from items
    where op <> 'delete' and project_number is null group by project_id)`,
  sql`projects_locked as (
    select p.id from projects p where p.id in (select project_id from project_counts) order by p.id for no key update)`,
  sql`projects_numbered as (
    update projects p set task_seq = p.task_seq + c.n from project_counts c
    where p.id = c.project_id and p.id in (select id from projects_locked)
    returning p.id as project_id, p.task_seq - c.n as base)`,
  sql`project_numbers as (
    select i.ord, n.base + (row_number() over (partition by i.project_id order by i.ord))::int as allocated
    from items i join projects_numbered n on n.project_id = i.project_id where i.op <> 'delete' and i.project_number is null)`,
];

/** Tags of the written tasks: found or created by name (see above), linked, and old links removed. */
export const tagParts = (updates: boolean) => [
  sql`wanted as (
    select i.ord, i.user_id, i.at, w.id, w.name
    from items i join stored s on s.ord = i.ord cross join lateral jsonb_to_recordset(i.tags) as w(id uuid, name text))`,
  sql`existing as (
    select distinct g.user_id, g.id, g.name from tags g
    join wanted w on g.user_id = w.user_id and lower(g.name) = lower(w.name))`,
  sql`created as (
    insert into tags (id, user_id, name, created_at, updated_at)
    select distinct on (w.user_id, lower(w.name)) w.id, w.user_id, w.name, w.at, w.at from wanted w
    where not exists (select 1 from existing e where e.user_id = w.user_id and lower(e.name) = lower(w.name))
    order by w.user_id, lower(w.name), w.ord
    on conflict (user_id, lower(name)) do update set updated_at = tags.updated_at
    returning user_id, id, name)`,
  sql`chosen as (select user_id, id, name from existing union all select user_id, id, name from created)`,
  sql`item_tags as (
    select w.ord, c.id, c.name from wanted w join chosen c on c.user_id = w.user_id and lower(c.name) = lower(w.name))`,
  sql`linked as (
    insert into task_tags (task_id, tag_id) select s.id, x.id from item_tags x join stored s on s.ord = x.ord
    ${updates ? sql`on conflict do nothing` : sql``})`,
  ...(updates
    ? [
        sql`unlinked as (
          delete from task_tags tt using items i join stored s on s.ord = i.ord
          where i.op = 'update' and i.tags is not null and tt.task_id = i.id
            and tt.tag_id not in (select x.id from item_tags x where x.ord = i.ord))`,
      ]
    : []),
  sql`names as (
    select i.ord, case when i.tags is null then null else coalesce((
      select jsonb_agg(x.name order by lower(x.name) collate "C") from item_tags x where x.ord = i.ord), '[]'::jsonb) end as tags
    from items i)`,
];

/** Reminders of the written tasks: inserted, or (an update's list) upserted by id, and the ones left out removed. */
export const reminderParts = (updates: boolean) => [
  sql`reminded as (
    insert into reminders (id, task_id, kind, minutes_before, at, snoozed_until, position)
    select r.id, s.id, r.kind, r.minutes_before, r.at, r.snoozed_until, r.position
    from items i join stored s on s.ord = i.ord
    cross join lateral jsonb_to_recordset(i.reminders)
      as r(id uuid, kind text, minutes_before int, at timestamptz, snoozed_until timestamptz, position smallint)
    ${
      updates
        ? sql`on conflict (id) do update set kind = excluded.kind, minutes_before = excluded.minutes_before, at = excluded.at,
            snoozed_until = excluded.snoozed_until, position = excluded.position where reminders.task_id = excluded.task_id`
        : sql``
    })`,
  ...(updates
    ? [
        sql`unreminded as (
          delete from reminders rm using items i join stored s on s.ord = i.ord
          where i.op = 'update' and i.reminders is not null and rm.task_id = i.id
            and rm.id not in (select (x->>'id')::uuid from jsonb_array_elements(i.reminders) as x))`,
      ]
    : []),
];
