// Campaign home: each campaign with its totals, how its people are spread over the levels, how many have
// an organizer, and the goal.
import { useQuery } from '@urql/preact';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { Link, Loading, PageTitle } from '../components/ui';
import { LevelBars } from './figures';
import { StructureTestList } from './structureTests';

const CampaignTotals = graphql(`
  query CampaignTotals($campaignId: ID!) {
    wallChart(campaignId: $campaignId) {
      campaign {
        id
        name
        goal
        scale {
          level
          label
          colour
        }
      }
      totals {
        people
        assessed
        uncovered
        shareOnesAndTwos
        majority
        supermajority
        perLevel {
          level
          count
        }
      }
    }
  }
`);

export function Home() {
  const { t } = useI18n();
  const session = useSession();
  return (
    <section>
      <PageTitle>{t('home.title')}</PageTitle>
      {session.campaigns.length === 0 ? (
        <p>{t('home.noCampaigns')}</p>
      ) : (
        <ul class="cards">
          {session.campaigns.map((campaign) => (
            <li key={campaign.id}>
              <CampaignCard campaignId={campaign.id} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CampaignCard(props: { campaignId: string }) {
  const i18n = useI18n();
  const { t, plural, percent } = i18n;
  const [{ data, fetching }] = useQuery({ query: CampaignTotals, variables: { campaignId: props.campaignId } });
  const chart = data?.wallChart;
  if (!chart) return fetching ? <Loading /> : null;
  const { totals, campaign } = chart;
  const covered = totals.people - totals.uncovered;
  return (
    <article class="card" aria-labelledby={`campaign-${campaign.id}`}>
      <h2 id={`campaign-${campaign.id}`}>{campaign.name}</h2>
      <dl class="figures">
        <div>
          <dt>{t('figures.people')}</dt>
          <dd>{plural('figures.peopleOfGoal', totals.people, { goal: i18n.number(campaign.goal) })}</dd>
        </div>
        <div>
          <dt>{t('figures.assessed')}</dt>
          <dd>{i18n.number(totals.assessed)}</dd>
        </div>
        <div>
          <dt>{t('figures.onesAndTwos')}</dt>
          <dd>
            {percent(totals.shareOnesAndTwos)}
            {totals.supermajority ? ` · ${t('figures.supermajority')}` : totals.majority ? ` · ${t('figures.majority')}` : ''}
          </dd>
        </div>
        <div>
          <dt>{t('figures.coverage')}</dt>
          <dd>{t('figures.coveredOf', { covered: i18n.number(covered), uncovered: i18n.number(totals.uncovered) })}</dd>
        </div>
      </dl>
      <LevelBars perLevel={totals.perLevel} people={totals.people} assessed={totals.assessed} scale={campaign.scale} />
      <StructureTestList campaignId={campaign.id} />
      <p class="actions">
        <Link class="button primary" href={`/campaigns/${campaign.id}`}>
          {t('home.openWallChart')}
        </Link>
        <Link class="button secondary" href={`/campaigns/${campaign.id}/tests`}>
          {t('home.openTests')}
        </Link>
      </p>
    </article>
  );
}
