// People: search a campaign's people by name (the server searches), filter (level, unassessed, covered or
// not, organizer, unit, follow-up) and sort them, with pages that load as the list scrolls. Several people can
// be selected and given an organizer or a level at once, or exported to CSV by those granted export. Each
// change sends the version of the person the list showed and its own idempotency key; people someone else
// changed first are listed and can be changed again on their new version.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { Client } from '@urql/core';
import { graphql } from '../gql';
import type { PeopleFilter, PeopleSort } from '../gql/graphql';
import { errorCode, idempotencyKey } from '../api';
import { useI18n, type Key } from '../i18n';
import { canAssess, canWrite, currentCampaign, isLead, useSession } from '../session';
import { assignable, useMembers } from '../members';
import { LevelChip, Link, Loading, PageTitle, type ScaleLevel } from '../components/ui';
import { AssessDoc } from '../mutations';
import { downloadCsv, selectRows } from '../csv';
import { ResponseSelect, useFieldResponses, type ResponseChoice, type ResponseGroup } from './fieldResponses';

const PeopleDoc = graphql(`
  query People($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort, $after: String) {
    people(campaignId: $campaignId, filter: $filter, sort: $sort, first: 50, after: $after) {
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
          version
        }
      }
    }
  }
`);

const PeopleSetupDoc = graphql(`
  query PeopleSetup($campaignId: ID!) {
    campaign(id: $campaignId) {
      id
      scale {
        level
        label
        colour
      }
    }
    wallChart(campaignId: $campaignId) {
      units {
        id
        name
        depth
        retired
      }
    }
  }
`);

const AssignOrganizerDoc = graphql(`
  mutation AssignOrganizer($input: AssignOrganizerInput!, $expectedVersion: Int, $idempotencyKey: String) {
    assignOrganizer(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
    }
  }
`);

const AddResponseDoc = graphql(`
  mutation AddPersonFieldResponse($input: AddPersonFieldResponseInput!, $expectedVersion: Int, $idempotencyKey: String) {
    addPersonFieldResponse(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      replayed
    }
  }
`);

const ExportDoc = graphql(`
  query ExportPeople($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort) {
    exportPeople(campaignId: $campaignId, filter: $filter, sort: $sort) {
      rows
      csv
    }
  }
`);

export interface Filters {
  levels: number[];
  unassessed: boolean;
  coverage: '' | 'uncovered' | 'covered';
  organizerId: string;
  unitId: string;
  followUp: boolean;
  /// People with this field response ('' for any).
  responseId: string;
}

export const NO_FILTERS: Filters = { levels: [], unassessed: false, coverage: '', organizerId: '', unitId: '', followUp: false, responseId: '' };

const SORTS: PeopleSort[] = ['FAMILY_NAME_ASC', 'FAMILY_NAME_DESC', 'NAME_ASC', 'NAME_DESC', 'LEVEL_ASC', 'LEVEL_DESC', 'RECENTLY_CHANGED'];

/// The API's filter for what the person picked.
export function toFilter(f: Filters, search: string): PeopleFilter {
  return {
    nameSearch: search || null,
    levels: f.levels,
    unassessed: f.unassessed,
    uncovered: f.coverage === '' ? null : f.coverage === 'uncovered',
    organizerId: f.organizerId || null,
    unitId: f.unitId || null,
    followUp: f.followUp ? true : null,
    responsesAny: f.responseId ? [f.responseId] : [],
  };
}

const activeFilters = (f: Filters) =>
  f.levels.length +
  (f.unassessed ? 1 : 0) +
  (f.coverage ? 1 : 0) +
  (f.organizerId ? 1 : 0) +
  (f.unitId ? 1 : 0) +
  (f.followUp ? 1 : 0) +
  (f.responseId ? 1 : 0);

interface Picked {
  name: string;
  version: number;
}

export function People(props: { campaignId: string | null }) {
  const { t, plural } = useI18n();
  const session = useSession();
  const campaignId = props.campaignId ?? currentCampaign(session, { name: 'people', campaignId: null });
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [sort, setSort] = useState<PeopleSort>('FAMILY_NAME_ASC');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  // Bumped after a bulk change, so every page is read again.
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState<Map<string, Picked>>(new Map());
  const [{ data: setup }] = useQuery({ query: PeopleSetupDoc, variables: { campaignId: campaignId ?? '' }, pause: !campaignId });
  const scale = setup?.campaign?.scale ?? [];
  const units = (setup?.wallChart?.units ?? []).filter((unit) => !unit.retired);
  const responses = useFieldResponses(campaignId);
  const restart = () => {
    setPages([null]);
    setSelected(new Map());
  };
  const filter = toFilter(filters, search);
  const toggle = (id: string, picked: Picked | null) => {
    const next = new Map(selected);
    if (picked) next.set(id, picked);
    else next.delete(id);
    setSelected(next);
  };

  if (!campaignId) {
    return (
      <section>
        <PageTitle>{t('people.title')}</PageTitle>
        <p>{t('home.noCampaigns')}</p>
      </section>
    );
  }
  return (
    <section class="people-screen">
      <PageTitle>{t('people.title')}</PageTitle>
      <form
        role="search"
        class="search"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch(typed.trim());
          restart();
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
      <div class="toolbar">
        <FilterPanel
          filters={filters}
          scale={scale}
          units={units}
          responses={responses.groups}
          setFilters={(next) => {
            setFilters(next);
            restart();
          }}
        />
        <div class="field">
          <label for="people-sort">{t('people.sort')}</label>
          <select
            id="people-sort"
            value={sort}
            onChange={(event) => {
              setSort(event.currentTarget.value as PeopleSort);
              restart();
            }}
          >
            {SORTS.map((value) => (
              <option key={value} value={value}>
                {t(`people.sort.${value}` as Key)}
              </option>
            ))}
          </select>
        </div>
        {session.canExport && <ExportButton campaignId={campaignId} filter={filter} sort={sort} only={null} />}
        {isLead(session) && (
          <p>
            <Link href={`/admin/campaigns/${campaignId}/import`}>{t('imports.open')}</Link>
          </p>
        )}
      </div>
      {selected.size > 0 && (
        <BulkBar
          campaignId={campaignId}
          scale={scale}
          responses={responses}
          selected={selected}
          filter={filter}
          sort={sort}
          clear={() => setSelected(new Map())}
          changed={(versions) => {
            setSelected((current) => {
              const next = new Map(current);
              for (const [id, version] of versions) {
                const picked = next.get(id);
                if (picked) next.set(id, { ...picked, version });
              }
              return next;
            });
            setGeneration((current) => current + 1);
            setPages([null]);
          }}
        />
      )}
      {pages.map((after, index) => (
        <PeoplePage
          key={`${generation}/${JSON.stringify(filter)}/${sort}/${after ?? ''}`}
          campaignId={campaignId}
          filter={filter}
          sort={sort}
          after={after}
          last={index === pages.length - 1}
          onMore={(cursor) => setPages([...pages, cursor])}
          count={(total) => plural('people.found', total)}
          scale={scale}
          selectable={canWrite(session) || !!session.canExport}
          selected={selected}
          toggle={toggle}
        />
      ))}
    </section>
  );
}

function FilterPanel(props: {
  filters: Filters;
  scale: ScaleLevel[];
  units: { id: string; name: string; depth: number }[];
  responses: ResponseGroup[];
  setFilters: (f: Filters) => void;
}) {
  const { t, plural } = useI18n();
  const session = useSession();
  const { members } = useMembers();
  const f = props.filters;
  const count = activeFilters(f);
  const toggleLevel = (level: number) =>
    props.setFilters({ ...f, levels: f.levels.includes(level) ? f.levels.filter((l) => l !== level) : [...f.levels, level] });
  return (
    <details class="filters">
      <summary>{count === 0 ? t('people.filters') : plural('people.filtersOn', count)}</summary>
      <fieldset>
        <legend>{t('wallChart.filterLevels')}</legend>
        {props.scale.map((entry) => (
          <label key={entry.level} class="check">
            <input type="checkbox" checked={f.levels.includes(entry.level)} onChange={() => toggleLevel(entry.level)} />
            {entry.level} · {entry.label}
          </label>
        ))}
        <label class="check">
          <input type="checkbox" checked={f.unassessed} onChange={() => props.setFilters({ ...f, unassessed: !f.unassessed })} />
          {t('level.unassessed')}
        </label>
      </fieldset>
      <div class="field">
        <label for="filter-coverage">{t('people.filterCoverage')}</label>
        <select
          id="filter-coverage"
          value={f.coverage}
          onChange={(event) => props.setFilters({ ...f, coverage: event.currentTarget.value as Filters['coverage'] })}
        >
          <option value="">{t('people.coverageAny')}</option>
          <option value="uncovered">{t('people.coverageUncovered')}</option>
          <option value="covered">{t('people.coverageCovered')}</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-organizer">{t('people.filterOrganizer')}</label>
        <select id="filter-organizer" value={f.organizerId} onChange={(event) => props.setFilters({ ...f, organizerId: event.currentTarget.value })}>
          <option value="">{t('people.anyone')}</option>
          <option value={session.userId}>{t('people.me')}</option>
          {members
            .filter((member) => member.userId !== session.userId)
            .map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.email}
              </option>
            ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-unit">{t('people.filterUnit')}</label>
        <select id="filter-unit" value={f.unitId} onChange={(event) => props.setFilters({ ...f, unitId: event.currentTarget.value })}>
          <option value="">{t('people.anyUnit')}</option>
          {props.units.map((unit) => (
            <option key={unit.id} value={unit.id}>
              {'\u2003'.repeat(unit.depth)}
              {unit.name}
            </option>
          ))}
        </select>
      </div>
      {props.responses.length > 0 && (
        <div class="field">
          <label for="filter-response">{t('people.filterResponse')}</label>
          <ResponseSelect
            id="filter-response"
            value={f.responseId}
            groups={props.responses}
            empty={t('people.anyResponse')}
            withRetired={true}
            onChange={(responseId) => props.setFilters({ ...f, responseId })}
          />
        </div>
      )}
      <label class="check">
        <input type="checkbox" checked={f.followUp} onChange={() => props.setFilters({ ...f, followUp: !f.followUp })} />
        {t('wallChart.filterFollowUp')}
      </label>
      {count > 0 && (
        <button type="button" class="button secondary" onClick={() => props.setFilters(NO_FILTERS)}>
          {t('wallChart.clearFilters')}
        </button>
      )}
    </details>
  );
}

function PeoplePage(props: {
  campaignId: string;
  filter: PeopleFilter;
  sort: PeopleSort;
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
  count: (total: number) => string;
  scale: ScaleLevel[];
  selectable: boolean;
  selected: Map<string, Picked>;
  toggle: (id: string, picked: Picked | null) => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const { nameOf } = useMembers();
  const [{ data, fetching, error }] = useQuery({
    query: PeopleDoc,
    variables: { campaignId: props.campaignId, filter: props.filter, sort: props.sort, after: props.after },
    requestPolicy: 'network-only',
  });
  const sentinel = useRef<HTMLDivElement>(null);
  const cursor = props.last && data?.people.pageInfo.hasNextPage ? data.people.pageInfo.endCursor : null;
  // The next page loads when the end of the list scrolls into view.
  useEffect(() => {
    const node = sentinel.current;
    if (!node || !cursor || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        observer.disconnect();
        props.onMore(cursor);
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [cursor]);
  if (!data) return fetching ? <Loading /> : error ? <p role="alert">{t('error.network')}</p> : null;
  return (
    <>
      {props.after == null && (
        <p role="status" class="people-count">
          {props.count(data.people.totalCount)}
        </p>
      )}
      <ul class="people">
        {data.people.edges.map(({ node }) => {
          const name = node.name ?? t('person.hidden');
          const organizer =
            node.organizerId == null
              ? t('person.uncovered')
              : node.organizerId === session.userId
                ? t('person.organizerYou')
                : t('people.organizedBy', { who: nameOf(node.organizerId) ?? t('timeline.someone') });
          return (
            <li key={node.id} class={`person-row${props.selectable ? ' selectable' : ''}`} data-person-id={node.id}>
              {props.selectable && (
                <label class="select-person">
                  <input
                    type="checkbox"
                    checked={props.selected.has(node.id)}
                    onChange={(event) => props.toggle(node.id, event.currentTarget.checked ? { name, version: node.version } : null)}
                  />
                  <span class="visually-hidden">{t('people.select', { name })}</span>
                </label>
              )}
              <Link href={`/people/${node.id}`} class="person-link">
                <span class="person-name">{name}</span>
                <LevelChip level={node.level} scale={props.scale} />
                <span class="person-meta">
                  {organizer}
                  {node.followUp ? ` · ${t('person.followUp')}` : ''}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
      {cursor && (
        <div ref={sentinel} class="more">
          <button type="button" class="button secondary" onClick={() => props.onMore(cursor)}>
            {t('people.more')}
          </button>
        </div>
      )}
    </>
  );
}

interface BulkOutcome {
  done: number;
  /// The version each changed person has now, so the selection can be changed again.
  versions: Map<string, number>;
  /// People someone else changed first: their name and the version they now have.
  conflicts: Map<string, Picked>;
  failed: string[];
}

/// Runs one change per person, one after the other, each with the version the list showed and its own key.
async function runBulk(
  client: Client,
  people: Map<string, Picked>,
  send: (client: Client, personId: string, version: number, key: string) => Promise<{ error?: import('@urql/core').CombinedError }>,
): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: 0, versions: new Map(), conflicts: new Map(), failed: [] };
  for (const [personId, picked] of people) {
    const result = await send(client, personId, picked.version, idempotencyKey());
    const code = errorCode(result.error);
    if (!result.error) {
      outcome.done += 1;
      const answer = Object.values((result as { data?: Record<string, { version?: number } | null> }).data ?? {})[0];
      if (typeof answer?.version === 'number') outcome.versions.set(personId, answer.version);
    }
    else if (code === 'CONFLICT') {
      const current = Number(result.error.graphQLErrors[0]?.extensions?.currentVersion);
      outcome.conflicts.set(personId, { name: picked.name, version: current });
    } else outcome.failed.push(picked.name);
  }
  return outcome;
}

function BulkBar(props: {
  campaignId: string;
  scale: ScaleLevel[];
  responses: { groups: ResponseGroup[]; byId: Map<string, ResponseChoice> };
  selected: Map<string, Picked>;
  filter: PeopleFilter;
  sort: PeopleSort;
  clear: () => void;
  changed: (versions: Map<string, number>) => void;
}) {
  const { t, plural } = useI18n();
  const session = useSession();
  const client = useClient();
  const { members } = useMembers();
  const [organizer, setOrganizer] = useState('');
  const [level, setLevel] = useState('');
  const [response, setResponse] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<{ what: string; outcome: BulkOutcome; again: (people: Map<string, Picked>) => void } | null>(null);
  const [missing, setMissing] = useState<'organizer' | 'level' | 'response' | null>(null);

  const run = async (what: string, send: Parameters<typeof runBulk>[2], people: Map<string, Picked>) => {
    setBusy(true);
    const outcome = await runBulk(client, people, send);
    setBusy(false);
    setReport({ what, outcome, again: (conflicted) => void run(what, send, conflicted) });
    props.changed(outcome.versions);
  };
  const assign = () => {
    if (!organizer) return setMissing('organizer');
    setMissing(null);
    const who = organizer;
    void run(
      t('people.bulkAssigned'),
      (c, personId, version, key) =>
        c.mutation(AssignOrganizerDoc, { input: { personId, organizerId: who }, expectedVersion: version, idempotencyKey: key }).toPromise(),
      props.selected,
    );
  };
  const assess = () => {
    if (!level) return setMissing('level');
    setMissing(null);
    const chosen = Number(level);
    void run(
      t('people.bulkAssessed', { level: chosen }),
      (c, personId, version, key) =>
        c.mutation(AssessDoc, { input: { personId, level: chosen }, expectedVersion: version, idempotencyKey: key }).toPromise(),
      props.selected,
    );
  };
  const addResponse = () => {
    const choice = props.responses.byId.get(response);
    if (!choice) return setMissing('response');
    setMissing(null);
    void run(
      t('people.bulkResponded', { response: choice.name }),
      (c, personId, version, key) =>
        c
          .mutation(AddResponseDoc, {
            input: { personId, fieldId: choice.fieldId, responseId: choice.responseId },
            expectedVersion: version,
            idempotencyKey: key,
          })
          .toPromise(),
      props.selected,
    );
  };

  return (
    <section class="bulk card" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading">{plural('people.selected', props.selected.size)}</h2>
      {isLead(session) && members.length > 0 && (
        <div class={`field${missing === 'organizer' ? ' has-error' : ''}`}>
          <label for="bulk-organizer">{t('people.bulkOrganizer')}</label>
          {missing === 'organizer' && (
            <p class="field-error" id="bulk-organizer-error">
              {t('people.pickOrganizer')}
            </p>
          )}
          <div class="inline">
            <select
              id="bulk-organizer"
              value={organizer}
              aria-describedby={missing === 'organizer' ? 'bulk-organizer-error' : undefined}
              onChange={(event) => setOrganizer(event.currentTarget.value)}
            >
              <option value="">{t('people.choose')}</option>
              {assignable(members).map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.email}
                </option>
              ))}
            </select>
            <button type="button" class="button primary" disabled={busy} onClick={assign}>
              {t('people.bulkAssign')}
            </button>
          </div>
        </div>
      )}
      {canAssess(session) && (
        <div class={`field${missing === 'level' ? ' has-error' : ''}`}>
          <label for="bulk-level">{t('people.bulkLevel')}</label>
          {missing === 'level' && (
            <p class="field-error" id="bulk-level-error">
              {t('people.pickLevel')}
            </p>
          )}
          <div class="inline">
            <select
              id="bulk-level"
              value={level}
              aria-describedby={missing === 'level' ? 'bulk-level-error' : undefined}
              onChange={(event) => setLevel(event.currentTarget.value)}
            >
              <option value="">{t('people.choose')}</option>
              {props.scale.map((entry) => (
                <option key={entry.level} value={String(entry.level)}>
                  {entry.level} · {entry.label}
                </option>
              ))}
            </select>
            <button type="button" class="button primary" disabled={busy} onClick={assess}>
              {t('people.bulkAssess')}
            </button>
          </div>
        </div>
      )}
      {canAssess(session) && props.responses.groups.length > 0 && (
        <div class={`field${missing === 'response' ? ' has-error' : ''}`}>
          <label for="bulk-response">{t('people.bulkResponse')}</label>
          {missing === 'response' && (
            <p class="field-error" id="bulk-response-error">
              {t('people.pickResponse')}
            </p>
          )}
          <div class="inline">
            <ResponseSelect
              id="bulk-response"
              value={response}
              groups={props.responses.groups}
              empty={t('people.choose')}
              withRetired={false}
              describedBy={missing === 'response' ? 'bulk-response-error' : undefined}
              onChange={setResponse}
            />
            <button type="button" class="button primary" disabled={busy} onClick={addResponse}>
              {t('people.bulkAddResponse')}
            </button>
          </div>
        </div>
      )}
      <div class="actions">
        {session.canExport && <ExportButton campaignId={props.campaignId} filter={props.filter} sort={props.sort} only={props.selected} />}
        <button type="button" class="button secondary" onClick={props.clear}>
          {t('people.clearSelection')}
        </button>
      </div>
      <div role="status" class="status-line">
        {busy ? t('people.bulkWorking') : ''}
        {report && !busy && (
          <>
            <p>{plural('people.bulkDone', report.outcome.done, { what: report.what })}</p>
            {report.outcome.failed.length > 0 && <p>{t('people.bulkFailed', { names: report.outcome.failed.join(', ') })}</p>}
          </>
        )}
      </div>
      {report && !busy && report.outcome.conflicts.size > 0 && (
        <div class="conflict" role="alert">
          <h3>{plural('people.bulkConflicts', report.outcome.conflicts.size)}</h3>
          <p>{t('people.bulkConflictsBody')}</p>
          <ul>
            {[...report.outcome.conflicts].map(([id, picked]) => (
              <li key={id}>
                <Link href={`/people/${id}`}>{picked.name}</Link>
              </li>
            ))}
          </ul>
          <button type="button" class="button primary" disabled={busy} onClick={() => report.again(report.outcome.conflicts)}>
            {t('conflict.applyAgain')}
          </button>
        </div>
      )}
    </section>
  );
}

/// Downloads the people (all that match, or only `only`) as CSV, from the server's export: only those
/// granted export see the button; the server checks the grant, logs the export, and escapes cells a
/// spreadsheet would run as a formula.
function ExportButton(props: { campaignId: string; filter: PeopleFilter; sort: PeopleSort; only: Map<string, Picked> | null }) {
  const { t, plural } = useI18n();
  const client = useClient();
  const [status, setStatus] = useState('');
  return (
    <div class="export">
      <button
        type="button"
        class="button secondary"
        onClick={async () => {
          setStatus(t('people.exporting'));
          const result = await client
            .query(ExportDoc, { campaignId: props.campaignId, filter: props.filter, sort: props.sort }, { requestPolicy: 'network-only' })
            .toPromise();
          const exported = result.data?.exportPeople;
          if (!exported) {
            setStatus(errorCode(result.error) === 'FORBIDDEN' ? t('error.forbidden') : t('error.generic'));
            return;
          }
          const { csv, rows } = props.only ? selectRows(exported.csv, new Set(props.only.keys())) : exported;
          downloadCsv(csv, 'people.csv');
          setStatus(plural('people.exported', rows));
        }}
      >
        {props.only ? t('people.exportSelected') : t('people.exportAll')}
      </button>
      <span role="status" class="status-line">
        {status}
      </span>
    </div>
  );
}
