// A person: name, units, level, follow-up flag, ways to reach them (hidden when they asked not to be
// contacted), and the timeline of every change. Actions: assess in one tap, log a 1:1 (today's date and the
// current level filled in), add a note, flag for follow-up, read the notes (each read is logged).
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import { graphql } from '../gql';
import { errorCode, errorField, idempotencyKey, rememberVersion, seenVersion } from '../api';
import { useI18n, type Key } from '../i18n';
import { canAssess, canWrite, useSession } from '../session';
import { ErrorSummary, LevelChip, Link, Loading, PageTitle, Sheet } from '../components/ui';
import { unitName } from './unitNames';
import { AddNoteDoc, AssessDoc, LogOneOnOneDoc } from '../mutations';
import { enqueue, type OutboxKind } from '../outbox';
import { today } from './WallChart';
import { useMembers } from '../members';
import { ConnectSheet, ContactSheet, DeactivateConnectionDoc, PersonName, UnitSheet, type Send } from './personEdits';

const PersonDoc = graphql(`
  query Person($id: ID!) {
    person(id: $id) {
      ...PersonDetail
    }
  }
  fragment PersonDetail on Person {
    id
    campaignId
    name
    status
    level
    organizerId
    followUp
    version
    unitIds
    units {
      id
      name
    }
    responses {
      fieldId
      responseId
    }
    connections {
      id
      targetKind
      targetId
      kind
      active
    }
    contactPoints {
      id
      kind
      label
      value
      doNotContact
    }
    history {
      position
      actorId
      at
      kind
      summary
    }
  }
`);

const ScaleDoc = graphql(`
  query CampaignScale($id: ID!) {
    campaign(id: $id) {
      id
      scale {
        level
        label
        colour
      }
    }
  }
`);

const NotesDoc = graphql(`
  query PersonNotes($personId: ID!) {
    personNotes(personId: $personId) {
      id
      kind
      text
      erased
      writtenById
      at
    }
  }
`);

const FlagDoc = graphql(`
  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {
    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

const ClearFlagDoc = graphql(`
  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {
    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

/// The event kinds the timeline names in the person's language; others show the server's summary only.
const KIND_KEYS: Record<string, Key> = {
  PersonAddedToCampaign: 'timeline.PersonAddedToCampaign',
  PersonAssessed: 'timeline.PersonAssessed',
  OneOnOneLogged: 'timeline.OneOnOneLogged',
  NoteAdded: 'timeline.NoteAdded',
  FollowUpFlagged: 'timeline.FollowUpFlagged',
  FollowUpCleared: 'timeline.FollowUpCleared',
  OrganizerAssigned: 'timeline.OrganizerAssigned',
  OrganizerUnassigned: 'timeline.OrganizerUnassigned',
  PersonJoinedUnit: 'timeline.PersonJoinedUnit',
  PersonLeftUnit: 'timeline.PersonLeftUnit',
  StructureTestStepRecorded: 'timeline.StructureTestStepRecorded',
  ContactPointAdded: 'timeline.ContactPointAdded',
};

/// A phone number as a `tel:`/`sms:` link takes it: digits and a leading plus only.
const dialable = (value: string | null | undefined) => (value ?? '').replace(/[^\d+]/g, '');

const CONTACT_KEYS = { 'contact.home': 1, 'contact.work': 1, 'contact.mobile': 1, 'contact.other': 1 };

interface Pending {
  /// Sends the change again with the version the server now has (after a conflict).
  retry: (version: number) => void;
  current: number;
  /// What the person tried to do, in their words.
  mine: string;
  /// How many timeline entries the person had seen: the ones after are what changed meanwhile.
  seen: number;
}

export function Person(props: { personId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const client = useClient();
  const [{ data, fetching, error }, refetch] = useQuery({ query: PersonDoc, variables: { id: props.personId } });
  const person = data?.person;
  const [{ data: scaleData }] = useQuery({
    query: ScaleDoc,
    variables: { id: person?.campaignId ?? '' },
    pause: !person,
  });
  const scale = scaleData?.campaign?.scale ?? [];
  const [sheet, setSheet] = useState<'none' | 'oneOnOne' | 'note' | 'contact' | 'unit' | 'connect'>('none');
  const { nameOf } = useMembers();
  const [status, setStatus] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [conflict, setConflict] = useState<Pending | null>(null);
  const [showNotes, setShowNotes] = useState(false);

  /// Runs a change with the version last seen and a fresh idempotency key, and says how it went. The same
  /// key is reused when the person applies their change again after a conflict.
  const change = async (
    send: Send,
    done: string,
    offline?: { kind: OutboxKind; variables: (expectedVersion: number | null, key: string) => Record<string, unknown> },
  ): Promise<{ ok: boolean; field?: string }> => {
    const key = idempotencyKey();
    const seen = person?.history.length ?? 0;
    const attempt = async (version: number | null): Promise<{ ok: boolean; field?: string }> => {
      const result = await send(version, key);
      const code = errorCode(result.error);
      if (!result.error) {
        setErrors([]);
        setConflict(null);
        setStatus(done);
        return { ok: true };
      }
      if (code === 'CONFLICT') {
        const current = Number(result.error.graphQLErrors[0]?.extensions?.currentVersion);
        refetch({ requestPolicy: 'network-only' });
        setConflict({ current, mine: done, seen, retry: (v) => void attemptAgain(v) });
        return { ok: false };
      }
      if (code === 'NETWORK' && offline) {
        // No signal: keep the change on this phone and send it, with the same idempotency key, once online.
        enqueue({ kind: offline.kind, personId: props.personId, variables: offline.variables(version, key) });
        setErrors([]);
        setStatus(t('offline.queued'));
        return { ok: true };
      }
      const field = errorField(result.error);
      setErrors([
        code === 'NETWORK'
          ? t('error.network')
          : code === 'FORBIDDEN'
            ? t('error.forbidden')
            : code === 'VALIDATION'
              ? t('error.validation', { message: result.error.graphQLErrors[0]?.message ?? '' })
              : t('error.generic'),
      ]);
      return { ok: false, field };
    };
    const attemptAgain = async (version: number) => {
      rememberVersion(props.personId, version);
      const again = await attempt(version);
      if (again.ok) setSheet('none');
    };
    // The version the page shows (queries and mutation answers carry it); one remembered from a change
    // sent from the outbox is newer only if the page has not been read since.
    const shown = person?.version ?? null;
    const remembered = seenVersion(props.personId);
    return attempt(remembered != null && (shown == null || remembered > shown) ? remembered : shown);
  };

  const afterWrite = (result: { data?: { [key: string]: { version: number } | null | undefined } }, field: string) => {
    const version = result.data?.[field]?.version;
    if (typeof version === 'number') rememberVersion(props.personId, version);
  };

  if (!person || (!scaleData && person.campaignId)) {
    // The level's label comes from the campaign's scale: wait for it rather than show a bare number.
    if (fetching || person) return <Loading />;
    return (
      <section>
        <PageTitle>{t('person.title')}</PageTitle>
        <p role="alert">{error ? t('error.network') : t('person.notFound')}</p>
      </section>
    );
  }

  // The projection names labels in lower case (home, work, mobile, other); an unknown one is shown as is.
  const contactLabel = (label: string) => {
    const key = `contact.${label.toLowerCase()}`;
    return key in CONTACT_KEYS ? t(key as Key) : label;
  };
  const contactable = person.contactPoints.filter((point) => !point.doNotContact && point.value);
  const askedNotToBeContacted = person.contactPoints.some((point) => point.doNotContact);
  const writable = canWrite(session) && person.status === 'ACTIVE';
  const activeConnections = person.connections.filter((connection) => connection.active);
  const editProps = {
    client,
    personId: person.id,
    run: (send: Send, done: string) => change(send, done),
    errors,
    onClose: () => setSheet('none'),
  };

  const assess = (level: number) => {
    const variables = (expectedVersion: number | null, key: string) => ({
      input: { personId: person.id, level },
      expectedVersion,
      idempotencyKey: key,
    });
    return change(
      async (expectedVersion, key) => {
        const result = await client.mutation(AssessDoc, variables(expectedVersion, key)).toPromise();
        afterWrite(result as never, 'assessPerson');
        return result;
      },
      t('person.assessed', { level }),
      { kind: 'assess', variables },
    );
  };

  const toggleFollowUp = () =>
    change(async (expectedVersion, key) => {
      const result = person.followUp
        ? await client.mutation(ClearFlagDoc, { input: { personId: person.id }, expectedVersion, idempotencyKey: key }).toPromise()
        : await client.mutation(FlagDoc, { input: { personId: person.id }, expectedVersion, idempotencyKey: key }).toPromise();
      afterWrite(result as never, person.followUp ? 'clearFollowUp' : 'flagFollowUp');
      return result;
    }, person.followUp ? t('person.followUpCleared') : t('person.followUpFlagged'));

  const who = (actorId: string) =>
    actorId === session.userId ? t('timeline.you') : (nameOf(actorId) ?? t('timeline.someone'));
  const latest = person.history.length > 0 ? person.history[person.history.length - 1] : null;
  const conflictBox = conflict && (
    <div class="conflict" role="alert">
      <h2>{t('conflict.title')}</h2>
      <p>{t('conflict.body')}</p>
      <div class="conflict-compare">
        <div>
          <h3>{t('conflict.yours')}</h3>
          <p>{conflict.mine}</p>
        </div>
        <div>
          <h3>{t('conflict.now')}</h3>
          <LevelChip level={person.level} scale={scale} />
          {latest && (
            <p>
              {t('conflict.latest', {
                what: KIND_KEYS[latest.kind] ? t(KIND_KEYS[latest.kind]) : latest.kind,
                at: i18n.dateTime(latest.at),
              })}
            </p>
          )}
          {person.history.length > conflict.seen && (
            <>
              <h4>{t('conflict.changed')}</h4>
              <ul class="conflict-changes">
                {person.history.slice(conflict.seen).map((entry) => (
                  <li key={entry.position}>
                    {KIND_KEYS[entry.kind] ? t(KIND_KEYS[entry.kind]) : entry.kind}
                    {entry.summary ? `: ${entry.summary}` : ''}
                    {' · '}
                    {t('timeline.byAt', { who: who(entry.actorId), at: i18n.dateTime(entry.at) })}
                  </li>
                ))}
              </ul>
            </>
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
  );

  return (
    <section class="person">
      <PageTitle>{person.name ?? t('person.hidden')}</PageTitle>
      <div class="person-head">
        <LevelChip level={person.level} scale={scale} />
        {person.followUp && <span class="tag">{t('person.followUp')}</span>}
        {person.status !== 'ACTIVE' && <span class="tag">{t(`person.status.${person.status}` as Key)}</span>}
      </div>
      <p class="person-units">
        {person.unitIds.length === 0
          ? t('person.noUnit')
          : t('person.units', {
              units: person.unitIds.map((id) => person.units.find((unit) => unit.id === id)?.name ?? unitName(id) ?? t('person.unitUnnamed')).join(', '),
            })}
        {' · '}
        {person.organizerId == null
          ? t('person.uncovered')
          : person.organizerId === session.userId
            ? t('person.organizerYou')
            : nameOf(person.organizerId)
              ? t('people.organizedBy', { who: nameOf(person.organizerId) ?? '' })
              : t('person.organizerSomeone')}
      </p>
      <div role="status" class="status-line">
        {status}
      </div>
      {sheet === 'none' && <ErrorSummary title={t('error.summaryTitle')} messages={errors} />}
      {sheet === 'none' && conflictBox}

      {contactable.length > 0 ? (
        <ul class="contact-links" aria-label={t('person.contact')}>
          {contactable.map((point) =>
            point.kind === 'phone' ? (
              [
                <li key={`${point.id}-call`}>
                  <a class="button secondary" href={`tel:${dialable(point.value)}`}>
                    {t('person.call', { label: contactLabel(point.label), number: point.value ?? '' })}
                  </a>
                </li>,
                <li key={`${point.id}-text`}>
                  <a class="button secondary" href={`sms:${dialable(point.value)}`}>
                    {t('person.text', { label: contactLabel(point.label), number: point.value ?? '' })}
                  </a>
                </li>,
              ]
            ) : point.kind === 'email' ? (
              <li key={point.id}>
                <a class="button secondary" href={`mailto:${point.value}`}>
                  {t('person.email', { label: contactLabel(point.label), address: point.value ?? '' })}
                </a>
              </li>
            ) : null,
          )}
        </ul>
      ) : null}
      {askedNotToBeContacted && <p class="note">{t('person.doNotContact')}</p>}

      {writable && (
        <div class="person-actions">
          {canAssess(session) && (
            <fieldset class="assess">
              <legend>{t('person.assessPrompt')}</legend>
              <div class="assess-buttons">
                {scale.map((entry) => (
                  <button
                    type="button"
                    key={entry.level}
                    class={`button level-button chip-level-${Math.min(entry.level, 6)}`}
                    aria-pressed={person.level === entry.level}
                    onClick={() => void assess(entry.level)}
                  >
                    <span class="chip-number">{entry.level}</span> {entry.label}
                  </button>
                ))}
              </div>
            </fieldset>
          )}
          <div class="action-bar">
            <button type="button" class="button primary" onClick={() => setSheet('oneOnOne')}>
              {t('person.logOneOnOne')}
            </button>
            <button type="button" class="button secondary" onClick={() => setSheet('note')}>
              {t('person.addNote')}
            </button>
            <button type="button" class="button secondary" onClick={() => void toggleFollowUp()}>
              {person.followUp ? t('person.clearFollowUp') : t('person.flagFollowUp')}
            </button>
            <button type="button" class="button secondary" onClick={() => setSheet('contact')}>
              {t('person.editContact')}
            </button>
            <button type="button" class="button secondary" onClick={() => setSheet('unit')}>
              {t('person.moveUnit')}
            </button>
            <button type="button" class="button secondary" onClick={() => setSheet('connect')}>
              {t('person.connect')}
            </button>
          </div>
        </div>
      )}

      <section class="connections" aria-labelledby="connections-heading">
        <h2 id="connections-heading">{t('person.connections')}</h2>
        {activeConnections.length === 0 ? (
          <p>{t('person.noConnections')}</p>
        ) : (
          <ul>
            {activeConnections.map((connection) => (
              <li key={connection.id}>
                {connection.kind}
                {': '}
                {connection.targetKind === 'person' ? (
                  <Link href={`/people/${connection.targetId}`}>
                    <PersonName id={connection.targetId} />
                  </Link>
                ) : (
                  (person.units.find((unit) => unit.id === connection.targetId)?.name ?? unitName(connection.targetId) ?? t('person.unitUnnamed'))
                )}
                {writable && (
                  <button
                    type="button"
                    class="button link"
                    onClick={() =>
                      void change(
                        (expectedVersion, key) =>
                          client
                            .mutation(DeactivateConnectionDoc, {
                              input: { personId: person.id, connectionId: connection.id },
                              expectedVersion,
                              idempotencyKey: key,
                            })
                            .toPromise(),
                        t('person.connectionEnded'),
                      )
                    }
                  >
                    {t('person.endConnection', { kind: connection.kind })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <p>{i18n.plural('person.responses', person.responses.length)}</p>
      </section>

      <section class="notes" aria-labelledby="notes-heading">
        <h2 id="notes-heading">{t('person.notes')}</h2>
        {showNotes ? (
          <Notes personId={person.id} me={session.userId} />
        ) : (
          <button type="button" class="button secondary" onClick={() => setShowNotes(true)}>
            {t('person.showNotes')}
          </button>
        )}
      </section>

      <section class="timeline" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('person.timeline')}</h2>
        <ol>
          {[...person.history].reverse().map((entry) => (
            <li key={entry.position}>
              <p class="timeline-what">
                <strong>{KIND_KEYS[entry.kind] ? t(KIND_KEYS[entry.kind]) : entry.kind}</strong>
                {entry.summary ? <span class="timeline-summary"> {entry.summary}</span> : null}
              </p>
              <p class="timeline-who">
                {t('timeline.byAt', { who: who(entry.actorId), at: i18n.dateTime(entry.at) })}
              </p>
            </li>
          ))}
        </ol>
      </section>

      {sheet === 'oneOnOne' && (
        <OneOnOneSheet
          personId={person.id}
          errors={errors}
          conflict={conflictBox}
          level={person.level ?? null}
          scale={scale}
          canAssess={canAssess(session)}
          onClose={() => setSheet('none')}
          onSubmit={async (values) => {
            const variables = (expectedVersion: number | null, key: string) => ({
              input: {
                personId: person.id,
                heldAt: heldAt(values.day),
                assessment: values.level,
                nextStep: values.nextStep || null,
                notes: values.notes || null,
              },
              expectedVersion,
              idempotencyKey: key,
            });
            const outcome = await change(
              async (expectedVersion, key) => {
                const result = await client.mutation(LogOneOnOneDoc, variables(expectedVersion, key)).toPromise();
                afterWrite(result as never, 'logOneOnOne');
                return result;
              },
              t('oneOnOne.saved'),
              { kind: 'logOneOnOne', variables },
            );
            if (outcome.ok) setSheet('none');
            return outcome;
          }}
        />
      )}
      {sheet === 'contact' && (
        <ContactSheet {...editProps} conflict={conflictBox} points={person.contactPoints} labelOf={contactLabel} />
      )}
      {sheet === 'unit' && (
        <UnitSheet
          {...editProps}
          conflict={conflictBox}
          campaignId={person.campaignId}
          current={person.unitIds}
          onDone={() => setSheet('none')}
        />
      )}
      {sheet === 'connect' && (
        <ConnectSheet {...editProps} conflict={conflictBox} campaignId={person.campaignId} onDone={() => setSheet('none')} />
      )}
      {sheet === 'note' && (
        <NoteSheet
          personId={person.id}
          errors={errors}
          conflict={conflictBox}
          onClose={() => setSheet('none')}
          onSubmit={async (text) => {
            const variables = (expectedVersion: number | null, key: string) => ({
              input: { personId: person.id, text },
              expectedVersion,
              idempotencyKey: key,
            });
            const outcome = await change(
              async (expectedVersion, key) => {
                const result = await client.mutation(AddNoteDoc, variables(expectedVersion, key)).toPromise();
                afterWrite(result as never, 'addNote');
                return result;
              },
              t('note.saved'),
              { kind: 'addNote', variables },
            );
            if (outcome.ok) setSheet('none');
            return outcome;
          }}
        />
      )}
    </section>
  );
}

function Notes(props: { personId: string; me: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [{ data, fetching }] = useQuery({ query: NotesDoc, variables: { personId: props.personId }, requestPolicy: 'network-only' });
  if (fetching && !data) return <Loading />;
  const notes = data?.personNotes ?? [];
  if (notes.length === 0) return <p>{t('person.noNotes')}</p>;
  return (
    <ol class="note-list">
      {notes.map((note, index) => (
        <li key={`${note.id ?? 'n'}-${note.kind}-${index}`}>
          <p class="note-kind">{t(`noteKind.${note.kind}` as Key)}</p>
          <p>{note.erased ? t('person.erased') : (note.text ?? t('person.hidden'))}</p>
          <p class="timeline-who">
            {t('timeline.byAt', {
              who: note.writtenById === props.me ? t('timeline.you') : t('timeline.someone'),
              at: i18n.dateTime(note.at),
            })}
          </p>
        </li>
      ))}
    </ol>
  );
}

/// When a 1:1 on `day` was held: now for today (a conversation cannot be in the future), else noon.
function heldAt(day: string): string {
  if (day === today()) return new Date().toISOString();
  return new Date(`${day}T12:00:00`).toISOString();
}

/// A form's unsent input, kept in this tab's storage so a reload or a lost page does not lose it; removed
/// once the change is saved, and with everything else at sign-out.
function useDraft<T>(key: string, initial: () => T): [T, (next: T) => void, () => void] {
  const storageKey = `groundwork.draft.${key}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const kept = sessionStorage.getItem(storageKey);
      if (kept) return { ...initial(), ...(JSON.parse(kept) as Partial<T>) };
    } catch {
      /* no storage or a damaged draft: start empty */
    }
    return initial();
  });
  const update = (next: T) => {
    setValue(next);
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(next));
    } catch {
      /* not kept */
    }
  };
  const discard = () => {
    try {
      sessionStorage.removeItem(storageKey);
    } catch {
      /* nothing kept */
    }
  };
  return [value, update, discard];
}

interface OneOnOneValues {
  day: string;
  level: number | null;
  nextStep: string;
  notes: string;
}

function OneOnOneSheet(props: {
  personId: string;
  errors: string[];
  conflict: ComponentChildren;
  level: number | null;
  scale: { level: number; label: string; colour: string }[];
  canAssess: boolean;
  onClose: () => void;
  onSubmit: (values: OneOnOneValues) => Promise<{ ok: boolean; field?: string }>;
}) {
  const { t } = useI18n();
  const [values, setValues, discardDraft] = useDraft<OneOnOneValues>(`oneOnOne.${props.personId}`, () => ({
    day: today(),
    level: props.level,
    nextStep: '',
    notes: '',
  }));
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const maxDay = useMemo(today, []);
  return (
    <Sheet title={t('oneOnOne.title')} onClose={props.onClose} initialFocus="#one-on-one-next-step">
      <ErrorSummary title={t('error.summaryTitle')} messages={props.errors} />
      {props.conflict}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!/^\d{4}-\d{2}-\d{2}$/.test(values.day)) {
            setFieldError(t('oneOnOne.dayMissing'));
            return;
          }
          setBusy(true);
          const outcome = await props.onSubmit(values);
          if (outcome.ok) discardDraft();
          setBusy(false);
          if (!outcome.ok && outcome.field?.includes('heldAt')) setFieldError(t('oneOnOne.dayInvalid'));
        }}
      >
        <div class={`field${fieldError ? ' has-error' : ''}`}>
          <label for="one-on-one-day">{t('oneOnOne.day')}</label>
          {fieldError && (
            <p class="field-error" id="one-on-one-day-error">
              {fieldError}
            </p>
          )}
          <input
            id="one-on-one-day"
            type="date"
            max={maxDay}
            value={values.day}
            aria-describedby={fieldError ? 'one-on-one-day-error' : undefined}
            onInput={(event) => setValues({ ...values, day: event.currentTarget.value })}
          />
        </div>
        {props.canAssess && (
          <div class="field">
            <label for="one-on-one-level">{t('oneOnOne.level')}</label>
            <select
              id="one-on-one-level"
              value={values.level == null ? '' : String(values.level)}
              onChange={(event) => {
                const raw = event.currentTarget.value;
                setValues({ ...values, level: raw === '' ? null : Number(raw) });
              }}
            >
              <option value="">{t('oneOnOne.levelUnchanged')}</option>
              {props.scale.map((entry) => (
                <option key={entry.level} value={String(entry.level)}>
                  {entry.level} · {entry.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="one-on-one-notes">{t('oneOnOne.notes')}</label>
          <p class="hint" id="one-on-one-notes-hint">
            {t('oneOnOne.notesHint')}
          </p>
          <textarea
            id="one-on-one-notes"
            rows={4}
            aria-describedby="one-on-one-notes-hint"
            value={values.notes}
            onInput={(event) => setValues({ ...values, notes: event.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="one-on-one-next-step">{t('oneOnOne.nextStep')}</label>
          <textarea
            id="one-on-one-next-step"
            rows={2}
            value={values.nextStep}
            onInput={(event) => setValues({ ...values, nextStep: event.currentTarget.value })}
          />
        </div>
        <div class="actions sticky">
          <button type="submit" class="button primary" disabled={busy}>
            {t('oneOnOne.save')}
          </button>
        </div>
      </form>
    </Sheet>
  );
}

function NoteSheet(props: {
  personId: string;
  errors: string[];
  conflict: ComponentChildren;
  onClose: () => void;
  onSubmit: (text: string) => Promise<{ ok: boolean }>;
}) {
  const { t } = useI18n();
  const [draft, setDraft, discardDraft] = useDraft<{ text: string }>(`note.${props.personId}`, () => ({ text: '' }));
  const text = draft.text;
  const setText = (next: string) => setDraft({ text: next });
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <Sheet title={t('note.title')} onClose={props.onClose} initialFocus="#note-text">
      <ErrorSummary title={t('error.summaryTitle')} messages={props.errors} />
      {props.conflict}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!text.trim()) {
            setMissing(true);
            return;
          }
          setBusy(true);
          const outcome = await props.onSubmit(text.trim());
          if (outcome.ok) discardDraft();
          setBusy(false);
        }}
      >
        <div class={`field${missing ? ' has-error' : ''}`}>
          <label for="note-text">{t('note.text')}</label>
          {missing && (
            <p class="field-error" id="note-text-error">
              {t('note.missing')}
            </p>
          )}
          <textarea
            id="note-text"
            rows={5}
            value={text}
            aria-describedby={missing ? 'note-text-error' : undefined}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        </div>
        <div class="actions sticky">
          <button type="submit" class="button primary" disabled={busy}>
            {t('note.save')}
          </button>
        </div>
      </form>
    </Sheet>
  );
}
