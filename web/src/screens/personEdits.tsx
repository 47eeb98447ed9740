// The person page's editing sheets: ways to reach them (add, remove, "asked not to be contacted"), the unit
// they are in (move), and connections to other people (connect, end a connection). Each change goes through
// the page's `run`, which sends the version the person saw and an idempotency key and shows a conflict.
import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import type { Client, CombinedError } from '@urql/core';
import { graphql } from '../gql';
import type { ContactLabel } from '../gql/graphql';
import { useI18n, type Key } from '../i18n';
import { ErrorSummary, Sheet } from '../components/ui';
import type { ComponentChildren } from 'preact';

export type Send = (expectedVersion: number | null, key: string) => Promise<{ error?: CombinedError; data?: unknown }>;
export type Run = (send: Send, done: string) => Promise<{ ok: boolean; field?: string }>;

export const AddContactPointDoc = graphql(`
  mutation AddContactPoint($input: AddContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {
    addContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

export const RemoveContactPointDoc = graphql(`
  mutation RemoveContactPoint($input: RemoveContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {
    removeContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

export const SetDoNotContactDoc = graphql(`
  mutation SetDoNotContact($input: SetDoNotContactInput!, $expectedVersion: Int, $idempotencyKey: String) {
    setDoNotContact(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

export const JoinUnitDoc = graphql(`
  mutation JoinUnit($input: JoinUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {
    joinUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

export const LeaveUnitDoc = graphql(`
  mutation LeaveUnit($input: LeaveUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {
    leaveUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

export const ConnectDoc = graphql(`
  mutation Connect($input: ConnectInput!, $expectedVersion: Int, $idempotencyKey: String) {
    connect(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

export const DeactivateConnectionDoc = graphql(`
  mutation DeactivateConnection($input: DeactivateConnectionInput!, $expectedVersion: Int, $idempotencyKey: String) {
    deactivateConnection(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {
      id
      version
      person {
        ...PersonDetail
      }
    }
  }
`);

const UnitsDoc = graphql(`
  query CampaignUnits($campaignId: ID!) {
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

const FindPeopleDoc = graphql(`
  query FindPeople($campaignId: ID!, $search: String!) {
    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 10) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const PersonNameDoc = graphql(`
  query PersonName($id: ID!) {
    person(id: $id) {
      id
      name
    }
  }
`);

/// The units of a campaign (not retired), in tree order, with their names.
export function useUnits(campaignId: string): { id: string; name: string; depth: number }[] {
  const [{ data }] = useQuery({ query: UnitsDoc, variables: { campaignId } });
  return (data?.wallChart?.units ?? []).filter((unit) => !unit.retired);
}

/// A person's name by id (for connections).
export function PersonName(props: { id: string }) {
  const { t } = useI18n();
  const [{ data }] = useQuery({ query: PersonNameDoc, variables: { id: props.id } });
  return <>{data?.person?.name ?? t('person.hidden')}</>;
}

const LABELS: ContactLabel[] = ['MOBILE', 'HOME', 'WORK', 'OTHER'];

/// The version a mutation's answer carries (the first field of `data`).
export const versionOf = (result: { data?: unknown }): number | null => {
  const answer = Object.values((result.data ?? {}) as Record<string, { version?: number } | null>)[0];
  return typeof answer?.version === 'number' ? answer.version : null;
};

export function ContactSheet(props: {
  client: Client;
  personId: string;
  points: { id: string; kind: string; label: string; value?: string | null; doNotContact: boolean }[];
  labelOf: (label: string) => string;
  run: Run;
  errors: string[];
  conflict: ComponentChildren;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { client, personId } = props;
  const [kind, setKind] = useState<'phone' | 'email'>('phone');
  const [label, setLabel] = useState<ContactLabel>('MOBILE');
  const [value, setValue] = useState('');
  const [dnc, setDnc] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Sheet title={t('contact.title')} onClose={props.onClose} initialFocus="h2">
      <ErrorSummary title={t('error.summaryTitle')} messages={props.errors} />
      {props.conflict}
      {props.points.length > 0 && (
        <ul class="contact-edit">
          {props.points.map((point) => (
            <li key={point.id} class="card">
              <p>
                <strong>{point.value ?? t('person.hidden')}</strong> ({props.labelOf(point.label)})
              </p>
              <label class="check">
                <input
                  type="checkbox"
                  checked={point.doNotContact}
                  onChange={(event) => {
                    const on = event.currentTarget.checked;
                    void props.run(
                      (expectedVersion, key) =>
                        client
                          .mutation(SetDoNotContactDoc, {
                            input: { personId, contactPointId: point.id, doNotContact: on },
                            expectedVersion,
                            idempotencyKey: key,
                          })
                          .toPromise(),
                      on ? t('contact.dncOn') : t('contact.dncOff'),
                    );
                  }}
                />
                {t('contact.dnc', { value: point.value ?? t('person.hidden') })}
              </label>
              <button
                type="button"
                class="button secondary"
                onClick={() =>
                  void props.run(
                    (expectedVersion, key) =>
                      client
                        .mutation(RemoveContactPointDoc, { input: { personId, contactPointId: point.id }, expectedVersion, idempotencyKey: key })
                        .toPromise(),
                    t('contact.removed'),
                  )
                }
              >
                {t('contact.remove', { value: point.value ?? t('person.hidden') })}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!value.trim()) {
            setFieldError(kind === 'phone' ? t('contact.phoneMissing') : t('contact.emailMissing'));
            return;
          }
          setFieldError(null);
          setBusy(true);
          const input = {
            personId,
            label,
            doNotContact: dnc,
            ...(kind === 'phone' ? { phone: value.trim() } : { email: value.trim() }),
          };
          const outcome = await props.run(
            (expectedVersion, key) => client.mutation(AddContactPointDoc, { input, expectedVersion, idempotencyKey: key }).toPromise(),
            t('contact.added'),
          );
          setBusy(false);
          if (outcome.ok) setValue('');
          else if (outcome.field === 'input.phone' || outcome.field === 'input.email') {
            setFieldError(kind === 'phone' ? t('contact.phoneInvalid') : t('contact.emailInvalid'));
          }
        }}
      >
        <h3>{t('contact.add')}</h3>
        <fieldset>
          <legend>{t('contact.kind')}</legend>
          <label class="check">
            <input type="radio" name="contact-kind" checked={kind === 'phone'} onChange={() => setKind('phone')} />
            {t('contact.phone')}
          </label>
          <label class="check">
            <input type="radio" name="contact-kind" checked={kind === 'email'} onChange={() => setKind('email')} />
            {t('contact.email')}
          </label>
        </fieldset>
        <div class={`field${fieldError ? ' has-error' : ''}`}>
          <label for="contact-value">{kind === 'phone' ? t('contact.phoneLabel') : t('contact.emailLabel')}</label>
          {fieldError && (
            <p class="field-error" id="contact-value-error">
              {fieldError}
            </p>
          )}
          <input
            id="contact-value"
            type={kind === 'phone' ? 'tel' : 'email'}
            autocomplete="off"
            value={value}
            aria-describedby={fieldError ? 'contact-value-error' : undefined}
            onInput={(event) => setValue(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="contact-label">{t('contact.label')}</label>
          <select id="contact-label" value={label} onChange={(event) => setLabel(event.currentTarget.value as ContactLabel)}>
            {LABELS.map((entry) => (
              <option key={entry} value={entry}>
                {t(`contact.${entry.toLowerCase()}` as Key)}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" checked={dnc} onChange={() => setDnc(!dnc)} />
          {t('contact.dncNew')}
        </label>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {t('contact.save')}
          </button>
        </div>
      </form>
    </Sheet>
  );
}

export function UnitSheet(props: {
  client: Client;
  personId: string;
  campaignId: string;
  current: string[];
  run: Run;
  errors: string[];
  conflict: ComponentChildren;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const units = useUnits(props.campaignId);
  const [target, setTarget] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const { client, personId } = props;
  return (
    <Sheet title={t('unit.title')} onClose={props.onClose} initialFocus="#unit-target">
      <ErrorSummary title={t('error.summaryTitle')} messages={props.errors} />
      {props.conflict}
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!target) {
            setMissing(true);
            return;
          }
          setMissing(false);
          setBusy(true);
          const name = units.find((unit) => unit.id === target)?.name ?? '';
          // Join the new unit first, then leave the old ones: each step sends the version the last one
          // answered, with a key derived from the move's own, so sending the move twice stores it once.
          const outcome = await props.run(async (expectedVersion, key) => {
            let version = expectedVersion;
            if (!props.current.includes(target)) {
              const joined = await client
                .mutation(JoinUnitDoc, { input: { personId, unitId: target }, expectedVersion: version, idempotencyKey: `${key}:join` })
                .toPromise();
              if (joined.error) return joined;
              version = versionOf(joined);
            }
            let last: { error?: CombinedError; data?: unknown } = { data: {} };
            for (const unitId of props.current.filter((id) => id !== target)) {
              last = await client
                .mutation(LeaveUnitDoc, { input: { personId, unitId }, expectedVersion: version, idempotencyKey: `${key}:leave:${unitId}` })
                .toPromise();
              if (last.error) return last;
              version = versionOf(last);
            }
            return last;
          }, t('unit.moved', { unit: name }));
          setBusy(false);
          if (outcome.ok) props.onDone();
        }}
      >
        <div class={`field${missing ? ' has-error' : ''}`}>
          <label for="unit-target">{t('unit.to')}</label>
          {missing && (
            <p class="field-error" id="unit-target-error">
              {t('unit.missing')}
            </p>
          )}
          <select
            id="unit-target"
            value={target}
            aria-describedby={missing ? 'unit-target-error' : undefined}
            onChange={(event) => setTarget(event.currentTarget.value)}
          >
            <option value="">{t('people.choose')}</option>
            {units.map((unit) => (
              <option key={unit.id} value={unit.id}>
                {'\u2003'.repeat(unit.depth)}
                {unit.name}
                {props.current.includes(unit.id) ? ` (${t('unit.now')})` : ''}
              </option>
            ))}
          </select>
        </div>
        <div class="actions sticky">
          <button type="submit" class="button primary" disabled={busy}>
            {t('unit.save')}
          </button>
        </div>
      </form>
    </Sheet>
  );
}

export function ConnectSheet(props: {
  client: Client;
  personId: string;
  campaignId: string;
  run: Run;
  errors: string[];
  conflict: ComponentChildren;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [target, setTarget] = useState<{ id: string; name: string } | null>(null);
  const [kind, setKind] = useState(() => t('connect.coworker'));
  const [problem, setProblem] = useState<'target' | 'kind' | null>(null);
  const [busy, setBusy] = useState(false);
  const [{ data, fetching }] = useQuery({
    query: FindPeopleDoc,
    variables: { campaignId: props.campaignId, search },
    pause: search === '',
  });
  const found = (data?.people.edges ?? []).map((edge) => edge.node).filter((node) => node.id !== props.personId);
  return (
    <Sheet title={t('connect.title')} onClose={props.onClose} initialFocus="#connect-search">
      <ErrorSummary title={t('error.summaryTitle')} messages={props.errors} />
      {props.conflict}
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setSearch(typed.trim());
        }}
      >
        <label for="connect-search">{t('connect.search')}</label>
        <div class="inline">
          <input id="connect-search" type="search" value={typed} onInput={(event) => setTyped(event.currentTarget.value)} />
          <button type="submit" class="button secondary">
            {t('people.searchButton')}
          </button>
        </div>
      </form>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!target) return setProblem('target');
          if (!kind.trim()) return setProblem('kind');
          setProblem(null);
          setBusy(true);
          const chosen = target;
          const outcome = await props.run(
            (expectedVersion, key) =>
              props.client
                .mutation(ConnectDoc, {
                  input: { personId: props.personId, targetPersonId: chosen.id, kind: kind.trim() },
                  expectedVersion,
                  idempotencyKey: key,
                })
                .toPromise(),
            t('connect.done', { name: chosen.name }),
          );
          setBusy(false);
          if (outcome.ok) props.onDone();
          else if (outcome.field === 'input.kind') setProblem('kind');
        }}
      >
        <fieldset class={problem === 'target' ? 'has-error' : undefined} aria-describedby={problem === 'target' ? 'connect-target-error' : undefined}>
          <legend>{t('connect.who')}</legend>
          {problem === 'target' && (
            <p class="field-error" id="connect-target-error">
              {t('connect.pickSomeone')}
            </p>
          )}
          {search && fetching && !data && <p>{t('status.loading')}</p>}
          {search && data && found.length === 0 && <p>{t('connect.noneFound')}</p>}
          {found.map((node) => (
            <label key={node.id} class="check">
              <input
                type="radio"
                name="connect-target"
                checked={target?.id === node.id}
                onChange={() => setTarget({ id: node.id, name: node.name ?? t('person.hidden') })}
              />
              {node.name ?? t('person.hidden')}
            </label>
          ))}
        </fieldset>
        <div class={`field${problem === 'kind' ? ' has-error' : ''}`}>
          <label for="connect-kind">{t('connect.kind')}</label>
          {problem === 'kind' && (
            <p class="field-error" id="connect-kind-error">
              {t('connect.kindMissing')}
            </p>
          )}
          <input
            id="connect-kind"
            value={kind}
            aria-describedby={problem === 'kind' ? 'connect-kind-error' : undefined}
            onInput={(event) => setKind(event.currentTarget.value)}
          />
        </div>
        <div class="actions sticky">
          <button type="submit" class="button primary" disabled={busy}>
            {t('connect.save')}
          </button>
        </div>
      </form>
    </Sheet>
  );
}
