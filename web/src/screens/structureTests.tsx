// Structure tests of a campaign and how far each has got (the campaign home's summary and the wall chart's
// picker; the structure tests screen is TestsScreen.tsx).
import { useQuery } from '@urql/preact';
import { graphql } from '../gql';
import { useI18n } from '../i18n';

const TestIds = graphql(`
  query StructureTestIds($campaignId: ID!) {
    structureTests(campaignId: $campaignId) {
      id
    }
  }
`);

export const TestProgressDoc = graphql(`
  query StructureTestProgress($id: ID!) {
    structureTest(id: $id) {
      id
      name
      goalPercent
      deadline
      closed
      totals {
        inScope
        participated
        participation
        goalReached
      }
    }
  }
`);

/// The ids of a campaign's structure tests, newest first.
export function useStructureTestIds(campaignId: string): string[] {
  const [{ data }] = useQuery({ query: TestIds, variables: { campaignId } });
  return (data?.structureTests ?? []).map((test) => test.id);
}

export function StructureTestList(props: { campaignId: string }) {
  const { t } = useI18n();
  const ids = useStructureTestIds(props.campaignId);
  if (ids.length === 0) return null;
  return (
    <section aria-label={t('tests.title')}>
      <h3>{t('tests.title')}</h3>
      <ul class="tests">
        {ids.map((id) => (
          <li key={id}>
            <TestProgress id={id} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function TestProgress(props: { id: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [{ data }] = useQuery({ query: TestProgressDoc, variables: { id: props.id } });
  const test = data?.structureTest;
  if (!test) return null;
  return (
    <p>
      <strong>{test.name}</strong>
      {': '}
      {t('tests.progress', {
        share: i18n.percent(test.totals.participation),
        count: i18n.number(test.totals.participated),
        total: i18n.number(test.totals.inScope),
        goal: test.goalPercent,
        day: i18n.date(test.deadline),
      })}
      {' · '}
      <span class={test.totals.goalReached ? undefined : 'warn'}>
        {test.totals.goalReached ? t('tests.reached') : t('tests.below')}
      </span>
    </p>
  );
}

/// Names of a campaign's tests for the wall chart's picker.
export function StructureTestOption(props: { id: string }) {
  const [{ data }] = useQuery({ query: TestProgressDoc, variables: { id: props.id } });
  return <option value={props.id}>{data?.structureTest?.name ?? props.id}</option>;
}
