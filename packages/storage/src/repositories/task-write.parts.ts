/**
 * The parts of the task write statement (task-write.statement.ts) that number new tasks, write
 * their tags and reminders, guard next occurrences and keep deleted tasks for undo. They read
 * the statement's `items` (one row per write) and `stored` (the writes that happened, by `ord`).
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

/**
 * New tasks' numbers: each owner's counter moves once per statement, by the number of its new
 * tasks. `follows`: inserts that follow an occurrence no longer completed (`followed`) are left out.
 */
export const numberParts = (follows: boolean) => {
  const admitted = follows ? sql`and (i.follows is null or i.follows in (select id from followed))` : sql``;
  return [
    sql`counts as (select user_id, count(*)::int as n from items i where op = 'insert' and number is null ${admitted} group by user_id)`,
    sql`locked as (select u.id from users u where u.id in (select user_id from counts) order by u.id for no key update)`,
    sql`numbered as (
    update users u set task_seq = u.task_seq + c.n from counts c
    where u.id = c.user_id and u.id in (select id from locked)
    returning u.id as user_id, u.task_seq - c.n as base)`,
    sql`rows as (
    select i.*, coalesce(i.number, n.base + (row_number() over (partition by i.user_id, i.number is null order by i.ord))::int) as allocated
    from items i left join numbered n on n.user_id = i.user_id and i.number is null where i.op = 'insert' ${admitted})`,
  ];
};

/**
 * Project numbers (`<projectId>/<n>`) of new and moved tasks: each project's counter moves once
 * per statement, projects locked in id order as owners are above.
 */
export const projectNumberParts = (follows: boolean) => [
  // A next occurrence whose predecessor was reopened meanwhile is not written (numberParts):
  // it takes no project number either.
  sql`project_counts as (
    select project_id, count(*)::int as n from items i
    where op <> 'delete' and project_number is null
      ${follows ? sql`and (i.follows is null or i.follows in (select id from followed))` : sql``}
    group by project_id)`,
  sql`projects_locked as (
    select p.id from projects p where p.id in (select project_id from project_counts) order by p.id for no key update)`,
  sql`projects_numbered as (
    update projects p set task_seq = p.task_seq + c.n from project_counts c
    where p.id = c.project_id and p.id in (select id from projects_locked)
    returning p.id as project_id, p.task_seq - c.n as base)`,
  sql`project_numbers as (
    select i.ord, n.base + (row_number() over (partition by i.project_id order by i.ord))::int as allocated
    from items i join projects_numbered n on n.project_id = i.project_id where i.op <> 'delete' and i.project_number is null
      ${follows ? sql`and (i.follows is null or i.follows in (select id from followed))` : sql``})`,
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

/**
 * The completed occurrences that next occurrences follow, if still completed: locked and their
 * `updated_at` moved (see task-write.statement.ts), so a reopen either precedes this statement or
 * re-reads after it. Under read committed the lock re-checks `completed_at` on the newest row.
 */
export const followedPart = sql`followed as (
  update tasks t set updated_at = greatest(f.at, date_trunc('milliseconds', t.updated_at) + interval '1 millisecond')
  from (select distinct on (follows) follows, user_id, at from items where op = 'insert' and follows is not null
    order by follows, ord) f
  where t.id = f.follows and t.user_id = f.user_id and t.completed_at is not null
  returning t.id)`;

/** A restored task's notifications and reminder emissions, as the trash kept them (rows of those tables). */
export const redeliveredParts = [
  sql`renotified as (
    insert into notifications select n.* from items i join stored s on s.ord = i.ord
    cross join lateral jsonb_populate_recordset(null::notifications, i.delivery->'notifications') n
    where i.delivery is not null on conflict do nothing)`,
  sql`reemitted as (
    insert into reminder_emissions select e.* from items i join stored s on s.ord = i.ord
    cross join lateral jsonb_populate_recordset(null::reminder_emissions, i.delivery->'emissions') e
    where i.delivery is not null on conflict do nothing)`,
  sql`recommented as (
    insert into task_comments select c.* from items i join stored s on s.ord = i.ord
    cross join lateral jsonb_populate_recordset(null::task_comments, i.delivery->'comments') c
    where i.delivery is not null on conflict do nothing)`,
];

/**
 * What a trashing delete removed, read in the statement's snapshot (the rows are still there
 * for it): the task and its subtasks, parents first, with tag names and reminders, and what the
 * reminders already did (notifications, emissions: restored with them, they do not fire again),
 * and its comments.
 */
export const trashedPart = sql`trashed as (
  insert into task_trash (task_id, user_id, number, deleted_at, tasks)
  select i.id, i.user_id, s.number, i.at, (
    with recursive tree(id, depth) as (
      select i.id, 0 union all select c.id, tree.depth + 1 from tasks c join tree on c.parent_id = tree.id)
    select jsonb_agg(jsonb_build_object(
      'row', to_jsonb(t) - 'search',
      'tags', coalesce((select jsonb_agg(g.name) from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = t.id),
        '[]'::jsonb),
      'reminders', coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'kind', r.kind, 'minutesBefore', r.minutes_before,
        'at', r.at, 'snoozedUntil', r.snoozed_until) order by r.position) from reminders r where r.task_id = t.id), '[]'::jsonb),
      'delivery', jsonb_build_object(
        'notifications', coalesce((select jsonb_agg(to_jsonb(n)) from notifications n where n.task_id = t.id), '[]'::jsonb),
        'comments', coalesce((select jsonb_agg(to_jsonb(c)) from task_comments c where c.task_id = t.id), '[]'::jsonb),
        'emissions', coalesce((select jsonb_agg(to_jsonb(e)) from reminder_emissions e join reminders r on r.id = e.reminder_id
          where r.task_id = t.id), '[]'::jsonb)))
      order by tree.depth, t.number)
    from tree join tasks t on t.id = tree.id)
  from items i join stored s on s.ord = i.ord where i.op = 'delete' and i.trash)`;
