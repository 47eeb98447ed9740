-- A caller's tasks in the order a page shows them (`myTasks`, `tasks(filter: { assigneeId })`: soonest due
-- first, undated last, then oldest, then id), so a page reads its 26 rows from the index instead of reading
-- every task of the assignee and sorting them (SQLite: `USE TEMP B-TREE FOR ORDER BY` over 334 rows of the
-- bench's campaign for 26 shown; docs/performance.md, round 19). `rm_tasks_assignee` stays for the counts and
-- the status filters. Append-only like every migration.
CREATE INDEX rm_tasks_assignee_order ON rm_tasks (chapter_id, assignee, (due IS NULL), due, created_at, task_id);
