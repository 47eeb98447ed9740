// The leads' task board: a campaign's tasks with each assignee's progress (done of all), a form to create and
// assign a task, and per task: reassign, change the due date, mark done or reopen. Every change sends the
// task's version as the board showed it and an idempotency key; when someone else changed the task first,
// the board says what it now is and offers to apply the change again.
import { useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { CombinedError } from '@urql/core';
import { graphql } from '../gql';
import type { BoardTaskFieldsFragment, TaskKind } from '../gql/graphql';
import { errorCode, errorField, idempotencyKey } from '../api';
import { useI18n, type Key } from '../i18n';
import { currentCampaign, useSession } from '../session';
import { assignable, useMembers } from '../members';
import { ErrorSummary, Link, Loading, PageTitle } from '../components/ui';

const BoardDoc = graphql(`
  query TaskBoard($campaignId: ID!) {
    tasks(filter: { campaignId: $campaignId }, first: 100) {
      totalCount
      edges {
        node {
          ...BoardTaskFields
        }
      }
    }
  }
  fragment BoardTaskFields on Task {
    id
    campaignId
    kind
    title
    assigneeId
    due
    status
    version
    subjectIds
  }
`);

const AssignTaskDoc = graphql(`
  mutation AssignTask($input: AssignTaskInput!, $idempotencyKey: String) {
    assignTask(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...BoardTaskFields
      }
      replayed
    }
  }
`);

const ReassignTaskDoc = graphql(`
  mutation ReassignTask($input: ReassignTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {
    reassignTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...BoardTaskFields
      }
    }
  }
`);

const DueDateDoc = graphql(`
  mutation ChangeTaskDueDate($input: ChangeTaskDueDateInput!, $expectedVersion: Int, $idempotencyKey: String) {
    changeTaskDueDate(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...BoardTaskFields
      }
    }
  }
`);

const BoardCompleteDoc = graphql(`
  mutation BoardCompleteTask($input: CompleteTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {
    completeTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...BoardTaskFields
      }
    }
  }
`);

const BoardReopenDoc = graphql(`
  mutation BoardReopenTask($input: ReopenTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {
    reopenTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...BoardTaskFields
      }
    }
  }
`);

const KINDS: TaskKind[] = ['ONE_ON_ONE', 'FOLLOW_UP', 'STRUCTURE_TEST_ASK', 'DATA_CHECK'];

type Send = (expectedVersion: number, key: string) => Promise<{ error?: CombinedError; data?: unknown }>;

/// The task a task mutation answered with (every one selects `task`), if any.
function answeredTask(data: unknown): BoardTaskFieldsFragment | null {
  const answer = Object.values((data ?? {}) as Record<string, { task?: BoardTaskFieldsFragment | null } | null>)[0];
  return answer?.task ?? null;
}

interface Conflict {
  taskId: string;
  mine: string;
  current: number;
  retry: (version: number) => void;
}

export function TaskBoard() {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const session = useSession();
  const client = useClient();
  const campaignId = currentCampaign(session, { name: 'tasks' });
  const { members, nameOf } = useMembers();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: BoardDoc,
    variables: { campaignId: campaignId ?? '' },
    pause: !campaignId,
    requestPolicy: 'cache-and-network',
  });
  const [status, setStatus] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [show, setShow] = useState<'OPEN' | 'DONE'>('OPEN');
  const [who, setWho] = useState('');

  // The tasks this board's changes answered with (each mutation answers with the task as it now is): shown
  // instead of the list's older copy, and new ones added, so a change needs no second read of the board.
  const [answered, setAnswered] = useState<Map<string, BoardTaskFieldsFragment>>(new Map());
  const keep = (task: BoardTaskFieldsFragment | null) => {
    if (task) setAnswered((current) => new Map(current).set(task.id, task));
  };
  const listed = (data?.tasks.edges ?? []).map((edge) => edge.node);
  const tasks = [
    ...listed.map((node) => {
      const mine = answered.get(node.id);
      return mine && mine.version >= node.version ? mine : node;
    }),
    ...[...answered.values()].filter((task) => task.campaignId === campaignId && !listed.some((node) => node.id === task.id)),
  ];
  const nameFor = (id: string) => (id === session.userId ? t('board.you') : (nameOf(id) ?? t('timeline.someone')));

  /// Sends a change with the version the board showed; a conflict is shown with the task as it now is.
  const change = async (taskId: string, version: number, send: Send, done: string) => {
    const key = idempotencyKey();
    const attempt = async (expected: number) => {
      const result = await send(expected, key);
      const code = errorCode(result.error);
      keep(answeredTask(result.data));
      // A conflict: read the board again, so it shows the task as someone else left it.
      if (code === 'CONFLICT') await client.query(BoardDoc, { campaignId: campaignId ?? '' }, { requestPolicy: 'network-only' }).toPromise();
      if (!result.error) {
        setErrors([]);
        setConflict(null);
        setStatus(done);
        return;
      }
      if (code === 'CONFLICT') {
        const current = Number(result.error.graphQLErrors[0]?.extensions?.currentVersion);
        setConflict({ taskId, mine: done, current, retry: (v) => void attempt(v) });
        return;
      }
      setErrors([code === 'FORBIDDEN' ? t('error.forbidden') : code === 'NETWORK' ? t('error.network') : t('error.generic')]);
    };
    await attempt(version);
  };

  if (!campaignId) {
    return (
      <section>
        <PageTitle>{t('board.title')}</PageTitle>
        <p>{t('home.noCampaigns')}</p>
      </section>
    );
  }
  // Progress per assignee: done of all their tasks that were not cancelled.
  const progress = new Map<string, { open: number; done: number }>();
  for (const task of tasks) {
    if (task.status === 'CANCELLED') continue;
    const entry = progress.get(task.assigneeId) ?? { open: 0, done: 0 };
    if (task.status === 'DONE') entry.done += 1;
    else entry.open += 1;
    progress.set(task.assigneeId, entry);
  }
  const shown = tasks
    .filter((task) => task.status === show && (!who || task.assigneeId === who))
    .sort((a, b) => (a.due ?? '9999-12-31').localeCompare(b.due ?? '9999-12-31'));
  const conflicted = conflict ? tasks.find((task) => task.id === conflict.taskId) : undefined;

  return (
    <section class="board">
      <PageTitle>{t('board.title')}</PageTitle>
      <p>
        <Link href="/tasks">{t('board.mine')}</Link>
      </p>
      <div role="status" class="status-line">
        {status}
      </div>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      {conflict && (
        <div class="conflict" role="alert">
          <h2>{t('board.conflictTitle')}</h2>
          <div class="conflict-compare">
            <div>
              <h3>{t('conflict.yours')}</h3>
              <p>{conflict.mine}</p>
            </div>
            <div>
              <h3>{t('conflict.now')}</h3>
              {conflicted && (
                <p>
                  {t('board.taskNow', {
                    title: conflicted.title,
                    who: nameFor(conflicted.assigneeId),
                    due: conflicted.due ? i18n.date(conflicted.due) : t('tasks.noDue'),
                    status: t(`board.status.${conflicted.status}` as Key),
                  })}
                </p>
              )}
            </div>
          </div>
          <button type="button" class="button primary" onClick={() => conflict.retry(conflict.current)}>
            {t('conflict.applyAgain')}
          </button>
          <button type="button" class="button secondary" onClick={() => setConflict(null)}>
            {t('conflict.keepTheirs')}
          </button>
        </div>
      )}

      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading">{t('board.progress')}</h2>
        {!data ? (
          fetching ? <Loading /> : <p role="alert">{t('error.network')}</p>
        ) : progress.size === 0 ? (
          <p class="no-tasks">{t('board.noTasks')}</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="progress-heading">
            <table class="progress-table">
              <thead>
                <tr>
                  <th scope="col">{t('board.assignee')}</th>
                  <th scope="col">{t('tasks.open')}</th>
                  <th scope="col">{t('tasks.done')}</th>
                  <th scope="col">{t('board.share')}</th>
                </tr>
              </thead>
              <tbody>
                {[...progress].map(([id, entry]) => (
                  <tr key={id} data-assignee-id={id}>
                    <th scope="row">{nameFor(id)}</th>
                    <td>{i18n.number(entry.open)}</td>
                    <td>{i18n.number(entry.done)}</td>
                    <td>{i18n.percent(entry.done / Math.max(1, entry.open + entry.done))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <CreateTask
        campaignId={campaignId}
        members={assignable(members)}
        created={(title, task) => {
          setStatus(t('board.created', { title }));
          if (task) keep(task);
          else refetch({ requestPolicy: 'network-only' });
        }}
      />

      <section aria-labelledby="board-list-heading">
        <h2 id="board-list-heading">{t('board.tasks')}</h2>
        <div class="segmented" role="group" aria-label={t('tasks.which')}>
          <button type="button" class="button secondary" aria-pressed={show === 'OPEN'} onClick={() => setShow('OPEN')}>
            {t('tasks.open')}
          </button>
          <button type="button" class="button secondary" aria-pressed={show === 'DONE'} onClick={() => setShow('DONE')}>
            {t('tasks.done')}
          </button>
        </div>
        <div class="field">
          <label for="board-who">{t('board.filterAssignee')}</label>
          <select id="board-who" value={who} onChange={(event) => setWho(event.currentTarget.value)}>
            <option value="">{t('people.anyone')}</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.email}
              </option>
            ))}
          </select>
        </div>
        {!data && fetching ? (
          <Loading />
        ) : !data && error ? (
          <p role="alert">{t('error.network')}</p>
        ) : (
          <>
            <p>{plural(show === 'OPEN' ? 'tasks.countOpen' : 'tasks.countDone', shown.length)}</p>
            <ul class="tasks">
              {shown.map((task) => (
                <BoardTask
                  key={task.id}
                  task={task}
                  members={assignable(members)}
                  assignee={nameFor(task.assigneeId)}
                  change={change}
                />
              ))}
            </ul>
          </>
        )}
      </section>
    </section>
  );
}

function BoardTask(props: {
  task: { id: string; kind: TaskKind; title: string; assigneeId: string; due?: string | null; status: string; version: number };
  members: { userId: string; email: string }[];
  assignee: string;
  change: (taskId: string, version: number, send: Send, done: string) => Promise<void>;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const client = useClient();
  const { task } = props;
  const [assignee, setAssignee] = useState(task.assigneeId);
  const [due, setDue] = useState(task.due ?? '');
  const idFor = (what: string) => `task-${task.id}-${what}`;
  return (
    <li class="card task" data-task-id={task.id}>
      <h3>{task.title}</h3>
      <p class="task-meta">
        {t(`taskKind.${task.kind}` as Key)}
        {' · '}
        {task.due ? t('tasks.due', { day: i18n.date(task.due) }) : t('tasks.noDue')}
        {' · '}
        {t('board.assignedTo', { who: props.assignee })}
      </p>
      {task.status === 'OPEN' && (
        <>
          <div class="field">
            <label for={idFor('assignee')}>{t('board.reassign', { title: task.title })}</label>
            <div class="inline">
              <select id={idFor('assignee')} value={assignee} onChange={(event) => setAssignee(event.currentTarget.value)}>
                {props.members.map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {member.email}
                  </option>
                ))}
              </select>
              <button
                type="button"
                class="button secondary"
                disabled={assignee === task.assigneeId}
                onClick={() =>
                  void props.change(
                    task.id,
                    task.version,
                    (expectedVersion, key) =>
                      client.mutation(ReassignTaskDoc, { input: { taskId: task.id, assigneeId: assignee }, expectedVersion, idempotencyKey: key }).toPromise(),
                    t('board.reassigned', { title: task.title }),
                  )
                }
              >
                {t('board.reassignButton')}
              </button>
            </div>
          </div>
          <div class="field">
            <label for={idFor('due')}>{t('board.due', { title: task.title })}</label>
            <div class="inline">
              <input id={idFor('due')} type="date" value={due} onInput={(event) => setDue(event.currentTarget.value)} />
              <button
                type="button"
                class="button secondary"
                disabled={due === (task.due ?? '')}
                onClick={() =>
                  void props.change(
                    task.id,
                    task.version,
                    (expectedVersion, key) =>
                      client.mutation(DueDateDoc, { input: { taskId: task.id, due: due || null }, expectedVersion, idempotencyKey: key }).toPromise(),
                    t('board.rescheduled', { title: task.title }),
                  )
                }
              >
                {t('board.dueButton')}
              </button>
            </div>
          </div>
        </>
      )}
      <button
        type="button"
        class="button secondary"
        onClick={() =>
          void props.change(
            task.id,
            task.version,
            (expectedVersion, key) =>
              task.status === 'OPEN'
                ? client.mutation(BoardCompleteDoc, { input: { taskId: task.id }, expectedVersion, idempotencyKey: key }).toPromise()
                : client.mutation(BoardReopenDoc, { input: { taskId: task.id }, expectedVersion, idempotencyKey: key }).toPromise(),
            task.status === 'OPEN' ? t('tasks.markedDone') : t('tasks.reopened'),
          )
        }
      >
        {task.status === 'OPEN' ? t('tasks.markDone', { title: task.title }) : t('tasks.reopen', { title: task.title })}
      </button>
    </li>
  );
}

function CreateTask(props: {
  campaignId: string;
  members: { userId: string; email: string }[];
  created: (title: string, task: BoardTaskFieldsFragment | null) => void;
}) {
  const { t } = useI18n();
  const client = useClient();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<TaskKind>('FOLLOW_UP');
  const [assignee, setAssignee] = useState('');
  const [due, setDue] = useState('');
  const [problems, setProblems] = useState<{ title?: string; assignee?: string; due?: string }>({});
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  return (
    <section aria-labelledby="create-task-heading" class="card">
      <h2 id="create-task-heading">{t('board.create')}</h2>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const missing: typeof problems = {};
          if (!title.trim()) missing.title = t('board.titleMissing');
          if (!assignee) missing.assignee = t('board.assigneeMissing');
          setProblems(missing);
          if (Object.keys(missing).length > 0) return;
          setBusy(true);
          const result = await client
            .mutation(AssignTaskDoc, {
              input: { campaignId: props.campaignId, kind, title: title.trim(), assigneeId: assignee, due: due || null },
              idempotencyKey: key,
            })
            .toPromise();
          setBusy(false);
          if (!result.error) {
            props.created(title.trim(), result.data?.assignTask.task ?? null);
            setTitle('');
            setDue('');
            // A new task next time: a new key.
            setKey(idempotencyKey());
            return;
          }
          const field = errorField(result.error) ?? '';
          const message = result.error.graphQLErrors[0]?.message ?? t('error.generic');
          if (field.endsWith('title')) setProblems({ title: message });
          else if (field.endsWith('due')) setProblems({ due: message });
          else if (field.endsWith('assigneeId')) setProblems({ assignee: message });
          else setProblems({ title: errorCode(result.error) === 'FORBIDDEN' ? t('error.forbidden') : message });
        }}
      >
        <div class={`field${problems.title ? ' has-error' : ''}`}>
          <label for="new-task-title">{t('board.taskTitle')}</label>
          {problems.title && (
            <p class="field-error" id="new-task-title-error">
              {problems.title}
            </p>
          )}
          <input
            id="new-task-title"
            value={title}
            aria-describedby={problems.title ? 'new-task-title-error' : undefined}
            onInput={(event) => setTitle(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="new-task-kind">{t('board.kind')}</label>
          <select id="new-task-kind" value={kind} onChange={(event) => setKind(event.currentTarget.value as TaskKind)}>
            {KINDS.map((value) => (
              <option key={value} value={value}>
                {t(`taskKind.${value}` as Key)}
              </option>
            ))}
          </select>
        </div>
        <div class={`field${problems.assignee ? ' has-error' : ''}`}>
          <label for="new-task-assignee">{t('board.assignee')}</label>
          {problems.assignee && (
            <p class="field-error" id="new-task-assignee-error">
              {problems.assignee}
            </p>
          )}
          <select
            id="new-task-assignee"
            value={assignee}
            aria-describedby={problems.assignee ? 'new-task-assignee-error' : undefined}
            onChange={(event) => setAssignee(event.currentTarget.value)}
          >
            <option value="">{t('people.choose')}</option>
            {props.members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.email}
              </option>
            ))}
          </select>
        </div>
        <div class={`field${problems.due ? ' has-error' : ''}`}>
          <label for="new-task-due">{t('board.dueOptional')}</label>
          {problems.due && (
            <p class="field-error" id="new-task-due-error">
              {problems.due}
            </p>
          )}
          <input
            id="new-task-due"
            type="date"
            value={due}
            aria-describedby={problems.due ? 'new-task-due-error' : undefined}
            onInput={(event) => setDue(event.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {t('board.createButton')}
          </button>
        </div>
      </form>
    </section>
  );
}
