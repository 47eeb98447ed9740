// The wall chart: units as nested rows with their figures, each opening to its people (name, level chip,
// organizer). Live: changes other people make arrive over the `wallChartChanges` subscription and are
// marked for a moment. "As of" shows the chart as it stood at the end of a past day, with a banner and a
// way back. A print view lays every unit out for paper.
import { Component } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useQuery, useSubscription } from '@urql/preact';
import { graphql } from '../gql';
import type { WallChartQuery } from '../gql/graphql';
import { useI18n, type I18n } from '../i18n';
import { useSession } from '../session';
import { useMembers } from '../members';
import { navigate } from '../router';
import { LevelChip, Link, Loading, PageTitle, type ScaleLevel } from '../components/ui';
import { rememberUnitNames } from './unitNames';
import { StructureTestOption, TestProgressDoc, useStructureTestIds } from './structureTests';
import { ResponseSelect, useFieldResponses } from './fieldResponses';

const WallChartDoc = graphql(`
  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID, $responseIds: [ID!]) {
    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId, responseIds: $responseIds) {
      asOf
      campaign {
        id
        name
        scale {
          level
          label
          colour
        }
      }
      units {
        id
        parentId
        depth
        name
        kind
        retired
        figures {
          ...Figures
        }
        people {
          ...Cell
        }
      }
      unplaced {
        ...Cell
      }
      totals {
        ...Figures
      }
    }
  }
  fragment Figures on UnitFigures {
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
    structureTest {
      inScope
      participated
      participation
      goalReached
    }
  }
  fragment Cell on PersonCell {
    personId
    name
    level
    organizerId
    followUp
    lastContact
  }
`);

const WallChartChanges = graphql(`
  subscription WallChartChanges($campaignId: ID!) {
    wallChartChanges(campaignId: $campaignId, announce: true) {
      kind
      personId
      unitId
      cell {
        ...Cell
      }
      unitIds
      responseIds
      figures {
        ...Figures
      }
    }
  }
`);

type Chart = NonNullable<WallChartQuery['wallChart']>;
type Cell = Chart['unplaced'][number];
type Figures = Chart['totals'];

interface Filters {
  levels: number[];
  unassessed: boolean;
  uncovered: boolean;
  mine: boolean;
  followUp: boolean;
  /// Only the people this member organizes ('' for anyone).
  organizerId: string;
  /// Only the people with this field response ('' for anyone): the server narrows the chart.
  responseId: string;
}
const NO_FILTERS: Filters = { levels: [], unassessed: false, uncovered: false, mine: false, followUp: false, organizerId: '', responseId: '' };
const filtering = (f: Filters) =>
  f.levels.length > 0 || f.unassessed || f.uncovered || f.mine || f.followUp || f.organizerId !== '' || f.responseId !== '';

function matches(cell: Cell, f: Filters, me: string): boolean {
  if (f.levels.length > 0 || f.unassessed) {
    const byLevel = cell.level != null && f.levels.includes(cell.level);
    const byNone = f.unassessed && cell.level == null;
    if (!byLevel && !byNone) return false;
  }
  if (f.uncovered && cell.organizerId != null) return false;
  if (f.mine && cell.organizerId !== me) return false;
  if (f.followUp && !cell.followUp) return false;
  if (f.organizerId && cell.organizerId !== f.organizerId) return false;
  return true;
}

/// What the live changes said of a person since the chart loaded: their cell now, the units they are in now
/// (null: on no chart of today, such as a person removed from the campaign) and the field responses they
/// have now. They take the chart's place for that person, so someone who joins a unit, gains the response a
/// chart is narrowed to or loses it moves on the chart without a reload.
interface LivePerson {
  cell: Cell;
  unitIds: string[] | null;
  responseIds: string[];
  /// The order the change arrived in (see `LISTENING`).
  seq: number;
}

/// Whether a live person belongs on the chart narrowed to `responseId` (the server narrows the loaded chart
/// the same way); the other filters are the screen's own (`matches`).
function onChart(entry: LivePerson, responseId: string): boolean {
  return entry.unitIds != null && (responseId === '' || entry.responseIds.includes(responseId));
}

/// The key of the pseudo-unit of the people in no unit.
const UNPLACED = 'unplaced';

function placedIn(entry: LivePerson): string[] {
  return entry.unitIds == null ? [] : entry.unitIds.length > 0 ? entry.unitIds : [UNPLACED];
}

/// The people of one unit as the chart loaded them, with what the live changes said since: each person's
/// newest cell, without those who left the unit (or the narrowed chart), with those who joined it, placed by
/// name among the others (who keep the server's order).
function peopleNow(key: string, loaded: Cell[], live: Map<string, LivePerson>, joined: Cell[] | undefined, responseId: string): Cell[] {
  if (live.size === 0) return loaded;
  const here = new Set<string>();
  const people: Cell[] = [];
  for (const cell of loaded) {
    here.add(cell.personId);
    const entry = live.get(cell.personId);
    if (!entry) people.push(cell);
    else if (onChart(entry, responseId) && placedIn(entry).includes(key)) people.push(entry.cell);
  }
  for (const cell of joined ?? []) {
    if (here.has(cell.personId)) continue;
    const name = cell.name ?? '';
    const at = people.findIndex((other) => (other.name ?? '').localeCompare(name) > 0);
    people.splice(at < 0 ? people.length : at, 0, cell);
  }
  return people;
}

/// Whether the chart as loaded has the person on it.
function loadedWith(chart: Chart | null, personId: string): boolean {
  if (!chart) return false;
  return chart.unplaced.some((cell) => cell.personId === personId) || chart.units.some((unit) => unit.people.some((cell) => cell.personId === personId));
}

function findFigures(chart: Chart | null | undefined, key: string): Figures | undefined {
  if (!chart) return undefined;
  if (key === 'totals') return chart.totals;
  return chart.units.find((unit) => unit.id === key)?.figures;
}

/// How long a change made elsewhere stays marked.
const HIGHLIGHT_MS = 4000;

/// The end of a calendar day in the browser's time zone, as the instant `asOf` takes.
export function endOfDay(day: string): string {
  return new Date(`${day}T23:59:59.999`).toISOString();
}

export function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function WallChart(props: { campaignId: string; asOf: string | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const [testId, setTestId] = useState<string | null>(null);
  const testIds = useStructureTestIds(props.campaignId);
  const [{ data: testData }] = useQuery({ query: TestProgressDoc, variables: { id: testId ?? '' }, pause: !testId });
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const variables = useMemo(
    () => ({
      campaignId: props.campaignId,
      asOf: props.asOf ? endOfDay(props.asOf) : null,
      structureTestId: testId,
      responseIds: filters.responseId ? [filters.responseId] : [],
    }),
    [props.campaignId, props.asOf, testId, filters.responseId],
  );
  const [{ data, fetching, error, operation }, reload] = useQuery({ query: WallChartDoc, variables, requestPolicy: 'network-only' });
  // The chart on screen was loaded for other variables (a filter just changed, and the query that answers it
  // has not started yet): busy too, so nobody reads the old chart as the narrowed one.
  const loadedForOthers = data?.wallChart != null && operation != null && JSON.stringify(operation.variables) !== JSON.stringify(variables);
  const [live, setLive] = useState<Map<string, LivePerson>>(new Map());
  const [figures, setFigures] = useState<Map<string, Figures & { seq: number }>>(new Map());
  const [marked, setMarked] = useState<Set<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [printView, setPrintView] = useState(false);
  const [unitPerPage, setUnitPerPage] = useState(false);
  // Whether the chart on the page was loaded after the subscription started listening: from then on every
  // change made elsewhere shows (`data-live` on the section says so, for tools that measure it).
  const [listening, setListening] = useState(false);
  const timers = useRef<number[]>([]);
  // Live changes are numbered as they arrive; `LISTENING` (also after a lost connection) notes the number
  // so that the chart loaded after it replaces what arrived before it.
  const seq = useRef(0);
  const resetBefore = useRef<number | null>(null);
  const filtersNow = useRef(filters);
  filtersNow.current = filters;
  // While another filter's chart loads, the one on screen stays (with its toolbar and open units).
  const shown = useRef<Chart | null>(null);

  useEffect(() => () => timers.current.forEach((timer) => clearTimeout(timer)), []);

  const mark = (id: string) => {
    setMarked((current) => new Set(current).add(id));
    timers.current.push(
      window.setTimeout(() => {
        setMarked((current) => {
          const next = new Set(current);
          next.delete(id);
          return next;
        });
      }, HIGHLIGHT_MS),
    );
  };

  // Live changes only for today's chart: a past day does not change.
  useSubscription(
    { query: WallChartChanges, variables: { campaignId: props.campaignId }, pause: props.asOf != null },
    (_previous: unknown, event) => {
      const change = event.wallChartChanges;
      seq.current += 1;
      const at = seq.current;
      // Listening from now on: reload once, so a change made while the chart loaded is not missed.
      if (change.kind === 'LISTENING') {
        resetBefore.current = at;
        setListening(false);
        reload({ requestPolicy: 'network-only' });
      } else if ((change.kind === 'PERSON_CELL' || change.kind === 'PERSON_RESPONSES') && change.personId && change.cell) {
        const cell = change.cell;
        const entry: LivePerson = { cell, unitIds: change.unitIds ?? null, responseIds: change.responseIds ?? [], seq: at };
        const responseId = filtersNow.current.responseId;
        const before = live.get(cell.personId);
        setLive((current) => new Map(current).set(cell.personId, entry));
        if (change.kind === 'PERSON_CELL') {
          mark(cell.personId);
          setAnnouncement(t('wallChart.changed', { name: cell.name ?? t('person.hidden') }));
        } else if (responseId !== '') {
          // New responses change nothing on the cell: they matter to a chart narrowed to one of them, where
          // the person comes or goes (marked, with their units).
          const was = before ? onChart(before, responseId) : loadedWith(shown.current, cell.personId);
          const now = onChart(entry, responseId);
          if (was !== now) {
            mark(cell.personId);
            for (const unit of placedIn(entry)) mark(`unit:${unit}`);
            setAnnouncement(t(now ? 'wallChart.joinedFilter' : 'wallChart.leftFilter', { name: cell.name ?? t('person.hidden') }));
          }
        }
      } else if (change.kind === 'UNIT_FIGURES' && change.figures) {
        const key = change.unitId ?? 'totals';
        const figures = change.figures;
        // The subscription knows no chosen structure test: keep the test's figures the chart had.
        setFigures((current) => {
          const before = current.get(key) ?? findFigures(data?.wallChart, key);
          return new Map(current).set(key, { ...figures, structureTest: figures.structureTest ?? before?.structureTest ?? null, seq: at });
        });
        mark(`unit:${key}`);
      }
      return event;
    },
  );

  // The chart loaded after `LISTENING` holds every change that arrived before it: those are dropped.
  useEffect(() => {
    const before = resetBefore.current;
    if (before == null || !data?.wallChart || fetching) return;
    resetBefore.current = null;
    setListening(true);
    const newer = <T extends { seq: number }>(current: Map<string, T>) => {
      if (![...current.values()].some((entry) => entry.seq <= before)) return current;
      return new Map([...current].filter(([, entry]) => entry.seq > before));
    };
    setLive(newer);
    setFigures(newer);
  }, [data?.wallChart, fetching]);

  if (data?.wallChart) shown.current = data.wallChart;
  else if (!fetching) shown.current = null;
  const chart = data?.wallChart ?? shown.current;
  useEffect(() => {
    if (chart) rememberUnitNames(chart.units);
  }, [chart]);

  if (!chart) {
    if (fetching) return <Loading />;
    return (
      <section>
        <PageTitle>{t('wallChart.title')}</PageTitle>
        <p role="alert">{error ? t('error.network') : t('wallChart.notFound')}</p>
      </section>
    );
  }
  const scale = chart.campaign.scale;
  const goal = testId && testData?.structureTest?.id === testId ? testData.structureTest.goalPercent : null;
  const figuresOf = (key: string, original: Figures) => figures.get(key) ?? original;
  const active = filtering(filters);
  const units = chart.units.filter((unit) => !unit.retired);
  // Who joined which unit live (placed by a change since the chart loaded).
  const joined = new Map<string, Cell[]>();
  for (const entry of live.values()) {
    if (!onChart(entry, filters.responseId)) continue;
    for (const key of placedIn(entry)) joined.set(key, [...(joined.get(key) ?? []), entry.cell]);
  }
  // A unit's people are worked out only when it is open (a chart of 10,000 people has most units closed).
  const shownPeople = (key: string, loaded: Cell[]) =>
    peopleNow(key, loaded, live, joined.get(key), filters.responseId).filter((cell) => matches(cell, filters, session.userId));
  const showPeople = (id: string) => printView || open.has(id) || active;
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section class={`wall-chart${printView ? ' print-view' : ''}${unitPerPage ? ' unit-per-page' : ''}`} aria-busy={fetching || loadedForOthers} data-live={listening && props.asOf == null ? 'listening' : undefined}>
      <PageTitle>{t('wallChart.heading', { campaign: chart.campaign.name })}</PageTitle>
      <p class="print-stamp">
        {props.asOf
          ? t('wallChart.printStampAsOf', { printed: i18n.date(today()), day: i18n.date(props.asOf) })
          : t('wallChart.printStamp', { printed: i18n.date(today()) })}
      </p>
      {props.asOf && (
        <div class="banner" role="region" aria-label={t('wallChart.asOfLabel')}>
          <p>
            <strong>{t('wallChart.asOfBanner', { day: i18n.date(props.asOf) })}</strong>
          </p>
          <Link class="button secondary" href={`/campaigns/${props.campaignId}`}>
            {t('wallChart.backToToday')}
          </Link>
        </div>
      )}
      <div class="visually-hidden" aria-live="polite">
        {announcement}
      </div>
      <Toolbar
        campaignId={props.campaignId}
        asOf={props.asOf}
        scale={scale}
        filters={filters}
        setFilters={setFilters}
        printView={printView}
        setPrintView={setPrintView}
        unitPerPage={unitPerPage}
        setUnitPerPage={setUnitPerPage}
        testIds={testIds}
        testId={testId}
        setTestId={setTestId}
      />
      <div class={`unit totals${marked.has('unit:totals') ? ' changed' : ''}`}>
        <h2 class="unit-name">{t('wallChart.totals')}</h2>
        <FigureLine figures={figuresOf('totals', chart.totals)} scale={scale} i18n={i18n} goal={goal} />
      </div>
      <ol class="units">
        {units.map((unit) => {
          const expanded = showPeople(unit.id);
          return (
            <li
              key={unit.id}
              class={`unit depth-${Math.min(unit.depth, 4)}${marked.has(`unit:${unit.id}`) ? ' changed' : ''}`}
              data-unit-id={unit.id}
            >
              <h2 class="unit-name">
                <button
                  type="button"
                  class="unit-toggle"
                  aria-expanded={expanded}
                  aria-controls={`people-${unit.id}`}
                  onClick={() => toggle(unit.id)}
                >
                  <span>{unit.name}</span>
                  <span class="unit-kind">{unit.kind}</span>
                </button>
              </h2>
              <FigureLine figures={figuresOf(unit.id, unit.figures)} scale={scale} i18n={i18n} goal={goal} />
              <div id={`people-${unit.id}`} hidden={!expanded}>
                {expanded && (
                  <PeopleRows cells={shownPeople(unit.id, unit.people)} scale={scale} marked={marked} me={session.userId} emptyText={active ? t('wallChart.noMatch') : t('wallChart.noPeople')} />
                )}
              </div>
            </li>
          );
        })}
        {(chart.unplaced.length > 0 || joined.has(UNPLACED)) && (
          <li class="unit depth-0" data-unit-id="unplaced">
            <h2 class="unit-name">
              <button
                type="button"
                class="unit-toggle"
                aria-expanded={showPeople('unplaced')}
                aria-controls="people-unplaced"
                onClick={() => toggle('unplaced')}
              >
                <span>{t('wallChart.unplaced')}</span>
              </button>
            </h2>
            <div id="people-unplaced" hidden={!showPeople('unplaced')}>
              {showPeople('unplaced') && (
                <PeopleRows
                  cells={shownPeople(UNPLACED, chart.unplaced)}
                  scale={scale}
                  marked={marked}
                  me={session.userId}
                  emptyText={t('wallChart.noMatch')}
                />
              )}
            </div>
          </li>
        )}
      </ol>
    </section>
  );
}

function FigureLine(props: { figures: Figures; scale: ScaleLevel[]; i18n: I18n; goal: number | null }) {
  const { figures: f, i18n } = props;
  const { t, plural, percent } = i18n;
  const standing = f.supermajority ? t('figures.supermajority') : f.majority ? t('figures.majority') : null;
  return (
    <ul class="figure-line">
      <li>{plural('figures.peopleCount', f.people)}</li>
      <li>{t('figures.assessedCount', { count: i18n.number(f.assessed) })}</li>
      <li>{t('figures.onesAndTwosShare', { share: percent(f.shareOnesAndTwos) })}</li>
      <li class={f.uncovered > 0 ? 'warn' : undefined}>{t('figures.uncoveredCount', { count: i18n.number(f.uncovered) })}</li>
      {standing && <li class="standing">{standing}</li>}
      {f.structureTest && props.goal != null && (
        <li class={f.structureTest.goalReached ? 'standing' : 'warn'}>
          {t('figures.testShare', { share: percent(f.structureTest.participation), goal: props.goal })}
          {f.structureTest.goalReached ? '' : ` · ${t('tests.below')}`}
        </li>
      )}
      <li class="per-level">
        <span class="visually-hidden">{t('figures.distribution')}: </span>
        {props.scale.map((entry) => (
          <span key={entry.level} class="per-level-item">
            {t('figures.levelCount', {
              level: entry.level,
              count: i18n.number(f.perLevel.find((row) => row.level === entry.level)?.count ?? 0),
            })}
          </span>
        ))}
      </li>
    </ul>
  );
}

function PeopleRows(props: { cells: Cell[]; scale: ScaleLevel[]; marked: Set<string>; me: string; emptyText: string }) {
  const i18n = useI18n();
  if (props.cells.length === 0) return <p class="empty">{props.emptyText}</p>;
  return (
    <ul class="people">
      {props.cells.map((cell) => (
        <PersonRow key={cell.personId} cell={cell} scale={props.scale} changed={props.marked.has(cell.personId)} me={props.me} i18n={i18n} />
      ))}
    </ul>
  );
}

interface PersonRowProps {
  cell: Cell;
  scale: ScaleLevel[];
  changed: boolean;
  me: string;
  i18n: I18n;
}

/// One person's row. A unit of a large chart has hundreds: a live change re-renders only the rows whose cell
/// or mark changed, not the whole unit.
class PersonRow extends Component<PersonRowProps> {
  shouldComponentUpdate(next: PersonRowProps): boolean {
    const now = this.props;
    return next.cell !== now.cell || next.changed !== now.changed || next.scale !== now.scale || next.me !== now.me || next.i18n !== now.i18n;
  }

  render() {
    const { cell, scale, changed, me, i18n } = this.props;
    const { t } = i18n;
    return (
      <li class={`person-row${changed ? ' changed' : ''}`} data-person-id={cell.personId}>
        <Link href={`/people/${cell.personId}`} class="person-link">
          <span class="person-name">{cell.name ?? t('person.hidden')}</span>
          <LevelChip level={cell.level} scale={scale} />
          <span class="person-meta">
            {cell.organizerId == null ? t('person.uncovered') : cell.organizerId === me ? t('person.organizerYou') : t('person.organizerSomeone')}
            {cell.followUp ? ` · ${t('person.followUp')}` : ''}
          </span>
          <LastContact at={cell.lastContact} />
        </Link>
      </li>
    );
  }
}

/// When the person was last contacted (their latest 1:1), short enough for a phone's row: "1:1 28 Nov".
function LastContact(props: { at: string | null | undefined }) {
  const i18n = useI18n();
  if (!props.at) return <span class="last-contact none">{i18n.t('wallChart.noContact')}</span>;
  return (
    <time class="last-contact" dateTime={props.at}>
      {i18n.t('wallChart.lastContact', { day: i18n.shortDate(props.at) })}
    </time>
  );
}

function Toolbar(props: {
  campaignId: string;
  asOf: string | null;
  scale: ScaleLevel[];
  filters: Filters;
  setFilters: (f: Filters) => void;
  printView: boolean;
  setPrintView: (on: boolean) => void;
  unitPerPage: boolean;
  setUnitPerPage: (on: boolean) => void;
  testIds: string[];
  testId: string | null;
  setTestId: (id: string | null) => void;
}) {
  const { t } = useI18n();
  const { members } = useMembers();
  const responses = useFieldResponses(props.campaignId);
  const [day, setDay] = useState(props.asOf ?? '');
  const f = props.filters;
  const toggleLevel = (level: number) =>
    props.setFilters({
      ...f,
      levels: f.levels.includes(level) ? f.levels.filter((l) => l !== level) : [...f.levels, level],
    });
  return (
    <div class="toolbar">
      <details class="filters">
        <summary>{t('wallChart.filters')}</summary>
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
        <fieldset>
          <legend>{t('wallChart.filterOthers')}</legend>
          <label class="check">
            <input type="checkbox" checked={f.uncovered} onChange={() => props.setFilters({ ...f, uncovered: !f.uncovered })} />
            {t('wallChart.filterUncovered')}
          </label>
          <label class="check">
            <input type="checkbox" checked={f.mine} onChange={() => props.setFilters({ ...f, mine: !f.mine })} />
            {t('wallChart.filterMine')}
          </label>
          <label class="check">
            <input type="checkbox" checked={f.followUp} onChange={() => props.setFilters({ ...f, followUp: !f.followUp })} />
            {t('wallChart.filterFollowUp')}
          </label>
        </fieldset>
        {members.length > 0 && (
          <div class="field">
            <label for="chart-organizer">{t('people.filterOrganizer')}</label>
            <select id="chart-organizer" value={f.organizerId} onChange={(event) => props.setFilters({ ...f, organizerId: event.currentTarget.value })}>
              <option value="">{t('people.anyone')}</option>
              {members.map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.email}
                </option>
              ))}
            </select>
          </div>
        )}
        {responses.groups.length > 0 && (
          <div class="field">
            <label for="chart-response">{t('people.filterResponse')}</label>
            <ResponseSelect
              id="chart-response"
              value={f.responseId}
              groups={responses.groups}
              empty={t('people.anyResponse')}
              withRetired={true}
              onChange={(responseId) => props.setFilters({ ...f, responseId })}
            />
          </div>
        )}
        {filtering(f) && (
          <button type="button" class="button secondary" onClick={() => props.setFilters(NO_FILTERS)}>
            {t('wallChart.clearFilters')}
          </button>
        )}
      </details>
      {props.testIds.length > 0 && (
        <div class="field">
          <label for="structure-test">{t('tests.pick')}</label>
          <select
            id="structure-test"
            value={props.testId ?? ''}
            onChange={(event) => props.setTestId(event.currentTarget.value || null)}
          >
            <option value="">{t('tests.none')}</option>
            {props.testIds.map((id) => (
              <StructureTestOption key={id} id={id} />
            ))}
          </select>
        </div>
      )}
      <form
        class="as-of"
        onSubmit={(event) => {
          event.preventDefault();
          if (/^\d{4}-\d{2}-\d{2}$/.test(day)) navigate(`/campaigns/${props.campaignId}?asOf=${day}`);
        }}
      >
        <label for="as-of-day">{t('wallChart.asOfPick')}</label>
        <div class="inline">
          <input id="as-of-day" type="date" max={today()} value={day} onInput={(event) => setDay(event.currentTarget.value)} />
          <button type="submit" class="button secondary">
            {t('wallChart.asOfShow')}
          </button>
        </div>
      </form>
      <div class="print-controls">
        <button type="button" class="button secondary" aria-pressed={props.printView} onClick={() => props.setPrintView(!props.printView)}>
          {props.printView ? t('wallChart.printViewOff') : t('wallChart.printView')}
        </button>
        {props.printView && (
          <>
            <label class="check">
              <input type="checkbox" checked={props.unitPerPage} onChange={() => props.setUnitPerPage(!props.unitPerPage)} />
              {t('wallChart.unitPerPage')}
            </label>
            <button type="button" class="button primary" onClick={() => window.print()}>
              {t('wallChart.print')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
