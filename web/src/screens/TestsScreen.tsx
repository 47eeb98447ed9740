// Structure tests of a campaign: create one (name, the share to reach, deadline, which units take part),
// record a person's step (asked → committed → participated, or declined), each unit's share against the
// goal (marked in words when below), and how participation moved day by day.
import { useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import { graphql } from '../gql';
import type { StepKind } from '../gql/graphql';
import { errorCode, errorField, idempotencyKey } from '../api';
import { useI18n, type Key } from '../i18n';
import { canWrite, isLead, useSession } from '../session';
import { ErrorSummary, Link, Loading, PageTitle } from '../components/ui';
import { useUnits } from './personEdits';
import { today } from './WallChart';

const TestsDoc = graphql(`
  query CampaignStructureTests($campaignId: ID!) {
    campaign(id: $campaignId) {
      id
      name
    }
    structureTests(campaignId: $campaignId) {
      id
      name
      goalPercent
      deadline
      closed
      scopeUnitIds
      totals {
        inScope
        asked
        committed
        participated
        declined
        participation
        goalReached
      }
      units {
        unitId
        name
        depth
        figures {
          inScope
          participated
          participation
          goalReached
        }
      }
      people {
        personId
        name
        step
      }
    }
  }
`);

const CreateTestDoc = graphql(`
  mutation CreateStructureTest($input: CreateStructureTestInput!, $idempotencyKey: String) {
    createStructureTest(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
    }
  }
`);

const RecordStepDoc = graphql(`
  mutation RecordStructureTestStep($input: RecordStructureTestStepInput!, $expectedVersion: Int, $idempotencyKey: String) {
    recordStructureTestStep(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
    }
  }
`);

const PersonVersionDoc = graphql(`
  query PersonVersion($id: ID!) {
    person(id: $id) {
      id
      version
    }
  }
`);

const CurveDoc = graphql(`
  query ParticipationCurve($id: ID!, $from: NaiveDate!, $to: NaiveDate!) {
    structureTestParticipationCurve(structureTestId: $id, from: $from, to: $to) {
      day
      asked
      committed
      participated
      declined
    }
  }
`);

const STEPS: StepKind[] = ['ASKED', 'COMMITTED', 'PARTICIPATED', 'DECLINED'];

type Test = NonNullable<ReturnType<typeof useTests>['tests']>[number];

function useTests(campaignId: string) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: TestsDoc, variables: { campaignId }, requestPolicy: 'cache-and-network' });
  return { campaign: data?.campaign, tests: data?.structureTests, fetching, error, refetch };
}

export function TestsScreen(props: { campaignId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const { campaign, tests, fetching, error, refetch } = useTests(props.campaignId);
  const [status, setStatus] = useState('');
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <section class="tests-screen">
      <PageTitle>{campaign ? t('testsScreen.titleOf', { campaign: campaign.name }) : t('tests.title')}</PageTitle>
      <p>
        <Link href={`/campaigns/${props.campaignId}`}>{t('testsScreen.back')}</Link>
      </p>
      <div role="status" class="status-line">
        {status}
      </div>
      {isLead(session) && (
        <CreateTest
          campaignId={props.campaignId}
          created={(name) => {
            setStatus(t('testsScreen.created', { name }));
            reload();
          }}
        />
      )}
      {!tests ? (
        fetching ? <Loading /> : error ? <p role="alert">{t('error.network')}</p> : null
      ) : tests.length === 0 ? (
        <p>{t('testsScreen.none')}</p>
      ) : (
        <ul class="tests-list">
          {tests.map((test) => (
            <li key={test.id}>
              <TestCard test={test} recorded={(message) => {
                setStatus(message);
                reload();
              }} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TestCard(props: { test: Test; recorded: (message: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const { test } = props;
  const headingId = `test-${test.id}`;
  return (
    <article class="card test-card" aria-labelledby={headingId} data-test-id={test.id}>
      <h2 id={headingId}>{test.name}</h2>
      <p>
        {t('tests.progress', {
          share: i18n.percent(test.totals.participation),
          count: i18n.number(test.totals.participated),
          total: i18n.number(test.totals.inScope),
          goal: test.goalPercent,
          day: i18n.date(test.deadline),
        })}
        {' · '}
        <strong>{test.totals.goalReached ? t('tests.reached') : t('tests.below')}</strong>
        {test.closed ? ` · ${t('testsScreen.closed')}` : ''}
      </p>
      <p>
        {t('testsScreen.steps', {
          asked: i18n.number(test.totals.asked),
          committed: i18n.number(test.totals.committed),
          participated: i18n.number(test.totals.participated),
          declined: i18n.number(test.totals.declined),
        })}
      </p>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('testsScreen.perUnit')}>
        <table class="unit-shares">
          <caption>{t('testsScreen.perUnit')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('testsScreen.unit')}</th>
              <th scope="col">{t('testsScreen.share')}</th>
              <th scope="col">{t('testsScreen.standing')}</th>
            </tr>
          </thead>
          <tbody>
            {test.units.map((unit) => (
              <tr key={unit.unitId} data-unit-id={unit.unitId} class={unit.figures.goalReached ? undefined : 'below'}>
                <th scope="row">
                  {'\u2003'.repeat(unit.depth)}
                  {unit.name}
                </th>
                <td>
                  {t('testsScreen.shareOf', {
                    share: i18n.percent(unit.figures.participation),
                    count: i18n.number(unit.figures.participated),
                    total: i18n.number(unit.figures.inScope),
                  })}
                </td>
                <td>{unit.figures.goalReached ? t('tests.reached') : t('tests.below')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(isLead(session) || session.role === 'ANALYST') && <Curve testId={test.id} inScope={test.totals.inScope} />}
      {canWrite(session) && !test.closed && <RecordStep test={test} recorded={props.recorded} />}
    </article>
  );
}

/// Participation at the end of each of the last four weeks' days, as a table (readable without colour).
function Curve(props: { testId: string; inScope: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [range] = useState(() => {
    const end = today();
    const start = new Date(`${end}T12:00:00`);
    start.setDate(start.getDate() - 27);
    const pad = (n: number) => String(n).padStart(2, '0');
    return { from: `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`, to: end };
  });
  const [{ data }] = useQuery({ query: CurveDoc, variables: { id: props.testId, ...range } });
  const days = data?.structureTestParticipationCurve ?? [];
  // Only the days on which something changed, and the last one.
  const changes = days.filter(
    (day, index) =>
      index === days.length - 1 ||
      index === 0 ||
      day.participated !== days[index - 1].participated ||
      day.committed !== days[index - 1].committed ||
      day.asked !== days[index - 1].asked ||
      day.declined !== days[index - 1].declined,
  );
  if (changes.length === 0) return null;
  return (
    <details class="curve">
      <summary>{t('testsScreen.overTime')}</summary>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('testsScreen.overTime')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('testsScreen.day')}</th>
              <th scope="col">{t('step.ASKED')}</th>
              <th scope="col">{t('step.COMMITTED')}</th>
              <th scope="col">{t('step.PARTICIPATED')}</th>
              <th scope="col">{t('step.DECLINED')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((day) => (
              <tr key={day.day}>
                <th scope="row">{i18n.date(day.day)}</th>
                <td>{i18n.number(day.asked)}</td>
                <td>{i18n.number(day.committed)}</td>
                <td>{i18n.number(day.participated)}</td>
                <td>{i18n.number(day.declined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function RecordStep(props: { test: Test; recorded: (message: string) => void }) {
  const { t } = useI18n();
  const client = useClient();
  const { test } = props;
  const [filter, setFilter] = useState('');
  const [personId, setPersonId] = useState('');
  const [step, setStep] = useState<StepKind>('ASKED');
  const [problem, setProblem] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [conflict, setConflict] = useState<{ current: number; key: string } | null>(null);
  const [{ data: seen }] = useQuery({ query: PersonVersionDoc, variables: { id: personId }, pause: !personId, requestPolicy: 'network-only' });
  const needle = filter.trim().toLowerCase();
  const people = test.people.filter((person) => !needle || (person.name ?? '').toLowerCase().includes(needle)).slice(0, 50);
  const chosen = test.people.find((person) => person.personId === personId);
  const id = (what: string) => `step-${test.id}-${what}`;

  const send = async (expectedVersion: number | null, key: string) => {
    const result = await client
      .mutation(RecordStepDoc, { input: { personId, structureTestId: test.id, step }, expectedVersion, idempotencyKey: key })
      .toPromise();
    const code = errorCode(result.error);
    if (!result.error) {
      setConflict(null);
      setErrors([]);
      props.recorded(t('testsScreen.recorded', { name: chosen?.name ?? t('person.hidden'), step: t(`step.${step}` as Key) }));
      return;
    }
    if (code === 'CONFLICT') {
      setConflict({ current: Number(result.error.graphQLErrors[0]?.extensions?.currentVersion), key });
      return;
    }
    if (code === 'VALIDATION' && errorField(result.error)?.includes('step')) setProblem(result.error.graphQLErrors[0]?.message ?? '');
    else setErrors([code === 'FORBIDDEN' ? t('error.forbidden') : code === 'NETWORK' ? t('error.network') : t('error.generic')]);
  };

  return (
    <form
      class="record-step"
      onSubmit={(event) => {
        event.preventDefault();
        if (!personId) {
          setProblem(t('testsScreen.pickPerson'));
          return;
        }
        setProblem(null);
        void send(seen?.person?.version ?? null, idempotencyKey());
      }}
    >
      <h3>{t('testsScreen.record')}</h3>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      {conflict && (
        <div class="conflict" role="alert">
          <p>{t('testsScreen.conflict', { name: chosen?.name ?? t('person.hidden'), step: chosen?.step ? t(`step.${chosen.step}` as Key) : t('step.none') })}</p>
          <button type="button" class="button primary" onClick={() => void send(conflict.current, conflict.key)}>
            {t('conflict.applyAgain')}
          </button>
        </div>
      )}
      <div class="field">
        <label for={id('filter')}>{t('testsScreen.findPerson')}</label>
        <input id={id('filter')} type="search" value={filter} onInput={(event) => setFilter(event.currentTarget.value)} />
      </div>
      <div class={`field${problem ? ' has-error' : ''}`}>
        <label for={id('person')}>{t('testsScreen.person')}</label>
        {problem && (
          <p class="field-error" id={id('error')}>
            {problem}
          </p>
        )}
        <select
          id={id('person')}
          value={personId}
          aria-describedby={problem ? id('error') : undefined}
          onChange={(event) => setPersonId(event.currentTarget.value)}
        >
          <option value="">{t('people.choose')}</option>
          {people.map((person) => (
            <option key={person.personId} value={person.personId}>
              {person.name ?? t('person.hidden')} · {person.step ? t(`step.${person.step}` as Key) : t('step.none')}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={id('step')}>{t('testsScreen.step')}</label>
        <select id={id('step')} value={step} onChange={(event) => setStep(event.currentTarget.value as StepKind)}>
          {STEPS.map((value) => (
            <option key={value} value={value}>
              {t(`step.${value}` as Key)}
            </option>
          ))}
        </select>
      </div>
      <div class="actions">
        <button type="submit" class="button primary">
          {t('testsScreen.recordButton')}
        </button>
      </div>
    </form>
  );
}

function CreateTest(props: { campaignId: string; created: (name: string) => void }) {
  const { t } = useI18n();
  const client = useClient();
  const units = useUnits(props.campaignId);
  const [name, setName] = useState('');
  const [goal, setGoal] = useState('70');
  const [deadline, setDeadline] = useState('');
  const [scope, setScope] = useState<string[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [key, setKey] = useState(idempotencyKey);
  const [busy, setBusy] = useState(false);
  const fieldClass = (name: string) => `field${problems[name] ? ' has-error' : ''}`;
  const fieldError = (name: string) =>
    problems[name] ? (
      <p class="field-error" id={`new-test-${name}-error`}>
        {problems[name]}
      </p>
    ) : null;
  const described = (name: string) => (problems[name] ? `new-test-${name}-error` : undefined);
  return (
    <details class="card create-test">
      <summary>{t('testsScreen.create')}</summary>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const missing: Record<string, string> = {};
          if (!name.trim()) missing.name = t('testsScreen.nameMissing');
          const percent = Number(goal);
          if (!Number.isInteger(percent) || percent < 1 || percent > 100) missing.goal = t('testsScreen.goalInvalid');
          if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline)) missing.deadline = t('testsScreen.deadlineMissing');
          setProblems(missing);
          if (Object.keys(missing).length > 0) return;
          setBusy(true);
          const result = await client
            .mutation(CreateTestDoc, {
              input: { campaignId: props.campaignId, name: name.trim(), goalPercent: percent, deadline, scopeUnitIds: scope },
              idempotencyKey: key,
            })
            .toPromise();
          setBusy(false);
          if (!result.error) {
            props.created(name.trim());
            setName('');
            setScope([]);
            setKey(idempotencyKey());
            return;
          }
          const field = errorField(result.error) ?? '';
          const message = result.error.graphQLErrors[0]?.message ?? t('error.generic');
          if (field.endsWith('goalPercent')) setProblems({ goal: message });
          else if (field.endsWith('deadline')) setProblems({ deadline: message });
          else if (field.includes('scopeUnitIds')) setProblems({ scope: message });
          else setProblems({ name: errorCode(result.error) === 'FORBIDDEN' ? t('error.forbidden') : message });
        }}
      >
        <div class={fieldClass('name')}>
          <label for="new-test-name">{t('testsScreen.name')}</label>
          {fieldError('name')}
          <input id="new-test-name" value={name} aria-describedby={described('name')} onInput={(event) => setName(event.currentTarget.value)} />
        </div>
        <div class={fieldClass('goal')}>
          <label for="new-test-goal">{t('testsScreen.goal')}</label>
          {fieldError('goal')}
          <input
            id="new-test-goal"
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            value={goal}
            aria-describedby={described('goal')}
            onInput={(event) => setGoal(event.currentTarget.value)}
          />
        </div>
        <div class={fieldClass('deadline')}>
          <label for="new-test-deadline">{t('testsScreen.deadline')}</label>
          {fieldError('deadline')}
          <input
            id="new-test-deadline"
            type="date"
            value={deadline}
            aria-describedby={described('deadline')}
            onInput={(event) => setDeadline(event.currentTarget.value)}
          />
        </div>
        <fieldset class={problems.scope ? 'has-error' : undefined}>
          <legend>{t('testsScreen.scope')}</legend>
          <p class="hint">{t('testsScreen.scopeHint')}</p>
          {fieldError('scope')}
          {units.map((unit) => (
            <label key={unit.id} class="check">
              <input
                type="checkbox"
                checked={scope.includes(unit.id)}
                onChange={() => setScope(scope.includes(unit.id) ? scope.filter((id) => id !== unit.id) : [...scope, unit.id])}
              />
              {'\u2003'.repeat(unit.depth)}
              {unit.name}
            </label>
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {t('testsScreen.createButton')}
          </button>
        </div>
      </form>
    </details>
  );
}
