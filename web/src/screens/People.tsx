// People: search a campaign's people by name (the server searches), a page at a time.
import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { graphql } from '../gql';
import { useI18n } from '../i18n';
import { currentCampaign, useSession } from '../session';
import { LevelChip, Link, Loading, PageTitle } from '../components/ui';

const PeopleDoc = graphql(`
  query People($campaignId: ID!, $search: String, $after: String) {
    campaign(id: $campaignId) {
      id
      scale {
        level
        label
        colour
      }
    }
    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 50, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          level
          organizerId
          followUp
        }
      }
    }
  }
`);

export function People(props: { campaignId: string | null }) {
  const { t, plural } = useI18n();
  const session = useSession();
  const campaignId = props.campaignId ?? currentCampaign(session, { name: 'people', campaignId: null });
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <section>
      <PageTitle>{t('people.title')}</PageTitle>
      <form
        role="search"
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch(typed.trim());
          setPages([null]);
        }}
      >
        <label for="people-search">{t('people.search')}</label>
        <div class="inline">
          <input id="people-search" type="search" value={typed} onInput={(event) => setTyped(event.currentTarget.value)} />
          <button type="submit" class="button primary">
            {t('people.searchButton')}
          </button>
        </div>
      </form>
      {campaignId ? (
        pages.map((after, index) => (
          <PeoplePage
            key={`${search}/${after ?? ''}`}
            campaignId={campaignId}
            search={search}
            after={after}
            last={index === pages.length - 1}
            onMore={(cursor) => setPages([...pages, cursor])}
            count={(total) => plural('people.found', total)}
          />
        ))
      ) : (
        <p>{t('home.noCampaigns')}</p>
      )}
    </section>
  );
}

function PeoplePage(props: {
  campaignId: string;
  search: string;
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
  count: (total: number) => string;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [{ data, fetching }] = useQuery({
    query: PeopleDoc,
    variables: { campaignId: props.campaignId, search: props.search || null, after: props.after },
  });
  if (!data) return fetching ? <Loading /> : null;
  const scale = data.campaign?.scale ?? [];
  return (
    <>
      {props.after == null && <p role="status">{props.count(data.people.totalCount)}</p>}
      <ul class="people">
        {data.people.edges.map(({ node }) => (
          <li key={node.id} class="person-row">
            <Link href={`/people/${node.id}`} class="person-link">
              <span class="person-name">{node.name ?? t('person.hidden')}</span>
              <LevelChip level={node.level} scale={scale} />
              <span class="person-meta">
                {node.organizerId == null
                  ? t('person.uncovered')
                  : node.organizerId === session.userId
                    ? t('person.organizerYou')
                    : t('person.organizerSomeone')}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {props.last && data.people.pageInfo.hasNextPage && data.people.pageInfo.endCursor && (
        <button type="button" class="button secondary" onClick={() => props.onMore(data.people.pageInfo.endCursor as string)}>
          {t('people.more')}
        </button>
      )}
    </>
  );
}
