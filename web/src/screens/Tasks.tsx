// My tasks: the caller's open tasks by due date, each with the people it is about; done and reopen.
import { useState } from 'preact/hooks';
import { useClient, useQuery, useSubscription } from '@urql/preact';
import { graphql } from '../gql';
import { idempotencyKey } from '../api';
import { useI18n, type Key } from '../i18n';
import { Link, Loading, PageTitle } from '../components/ui';
import { isLead, useSession } from '../session';
import type { MyTaskFieldsFragment } from '../gql/graphql';

const MyTasksDoc = graphql(`
  query MyTasks($status: TaskStatus) {
    myTasks(filter: { status: $status }, first: 100) {
      totalCount
      edges {
        node {
          ...MyTaskFields
        }
      }
    }
  }
  fragment MyTaskFields on Task {
    id
    kind
    title
    due
    status
    subjectIds
    version
  }
`);

const SubjectDoc = graphql(`
  query TaskSubject($id: ID!) {
    person(id: $id) {
      id
      name
    }
  }
`);

const MyTaskChanges = graphql(`
  subscription MyTaskChanges {
    myTaskChanges {
      taskId
      stillMine
    }
  }
`);

const CompleteDoc = graphql(`
  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {
    completeTask(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...MyTaskFields
      }
    }
  }
`);

const ReopenDoc = graphql(`
  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {
    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
      task {
        ...MyTaskFields
      }
    }
  }
`);

export function Tasks() {
  const i18n = useI18n();
  const { t, plural } = i18n;
  const client = useClient();
  const session = useSession();
  const [show, setShow] = useState<'OPEN' | 'DONE'>('OPEN');
  const [{ data, fetching }, refetch] = useQuery({ query: MyTasksDoc, variables: { status: show }, requestPolicy: 'cache-and-network' });
  const [status, setStatus] = useState('');
  // The tasks marked done or reopened here, as their mutation answered (the task with its new status and
  // version): they leave or join this list at once, with no second read of it. Changes made elsewhere
  // arrive over the subscription below, which reads the list again.
  const [answered, setAnswered] = useState<Map<string, MyTaskFieldsFragment>>(new Map());
  useSubscription({ query: MyTaskChanges }, (_previous: unknown, event) => {
    refetch({ requestPolicy: 'network-only' });
    return event;
  });
  const listed = (data?.myTasks.edges ?? []).map((edge) => edge.node);
  const newest = (task: MyTaskFieldsFragment) => {
    const mine = answered.get(task.id);
    return mine && mine.version >= task.version ? mine : task;
  };
  const tasks = [
    ...listed.map(newest),
    ...[...answered.values()].filter((task) => !listed.some((node) => node.id === task.id)),
  ]
    .filter((task) => task.status === show)
    .sort((a, b) => (a.due ?? '9999-12-31').localeCompare(b.due ?? '9999-12-31'));

  const act = async (taskId: string, done: boolean) => {
    const result = done
      ? await client.mutation(CompleteDoc, { input: { taskId }, idempotencyKey: idempotencyKey() }).toPromise()
      : await client.mutation(ReopenDoc, { input: { taskId }, idempotencyKey: idempotencyKey() }).toPromise();
    setStatus(result.error ? t('error.generic') : done ? t('tasks.markedDone') : t('tasks.reopened'));
    const task = result.data && ('completeTask' in result.data ? result.data.completeTask.task : result.data.reopenTask.task);
    if (task) setAnswered((current) => new Map(current).set(task.id, task));
  };

  return (
    <section>
      <PageTitle>{t('tasks.title')}</PageTitle>
      {isLead(session) && (
        <p>
          <Link href="/tasks/board">{t('board.open')}</Link>
        </p>
      )}
      <div class="segmented" role="group" aria-label={t('tasks.which')}>
        <button
          type="button"
          class="button secondary"
          aria-pressed={show === 'OPEN'}
          onClick={() => {
            setShow('OPEN');
          }}
        >
          {t('tasks.open')}
        </button>
        <button
          type="button"
          class="button secondary"
          aria-pressed={show === 'DONE'}
          onClick={() => {
            setShow('DONE');
          }}
        >
          {t('tasks.done')}
        </button>
      </div>
      <div role="status" class="status-line">
        {status}
      </div>
      {!data && fetching ? (
        <Loading />
      ) : (
        <>
          <p>{plural(show === 'OPEN' ? 'tasks.countOpen' : 'tasks.countDone', tasks.length)}</p>
          <ul class="tasks">
            {tasks.map((task) => (
              <li key={task.id} class="card task">
                <h2>{task.title}</h2>
                <p class="task-meta">
                  {t(`taskKind.${task.kind}` as Key)}
                  {' · '}
                  {task.due ? t('tasks.due', { day: i18n.date(task.due) }) : t('tasks.noDue')}
                </p>
                {task.subjectIds.length > 0 && (
                  <ul class="task-people" aria-label={t('tasks.people')}>
                    {task.subjectIds.map((id) => (
                      <li key={id}>
                        <Subject id={id} />
                      </li>
                    ))}
                  </ul>
                )}
                <button type="button" class="button secondary" onClick={() => void act(task.id, task.status === 'OPEN')}>
                  {task.status === 'OPEN' ? t('tasks.markDone', { title: task.title }) : t('tasks.reopen', { title: task.title })}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Subject(props: { id: string }) {
  const { t } = useI18n();
  const [{ data }] = useQuery({ query: SubjectDoc, variables: { id: props.id } });
  return <Link href={`/people/${props.id}`}>{data?.person?.name ?? t('person.hidden')}</Link>;
}
