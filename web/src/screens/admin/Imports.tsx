// Importing people from a spreadsheet (CSV) into a campaign, for leads: choose the file, check what each
// column holds (the mapping is kept for the campaign's next imports), preview what every row would do
// (new person, update, no change, or an error with its line and column) before anything is written, import
// with progress, and undo an import from the list of past ones. The server does the work (uploadImport,
// mapImport, previewImport, commitImport, undoImport; docs/api.md) and stays the authority.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useClient, useQuery } from '@urql/preact';
import type { CombinedError } from '@urql/core';
import { graphql } from '../../gql';
import type { ImportAction, ImportState, ImportSummaryFragment } from '../../gql/graphql';
import { errorCode } from '../../api';
import { addCatalogs, useI18n as useAppI18n, type I18n as AppI18n, type Key as AppKey } from '../../i18n';
import importsEn from '../../i18n/imports.en.json';
import importsEs from '../../i18n/imports.es.json';
import { useSession } from '../../session';
import { useMembers } from '../../members';
import { ErrorSummary, Link, Loading, PageTitle } from '../../components/ui';
import { useFieldResponses } from '../fieldResponses';
import { AdminNav, StatusLine } from './common';

// This screen's texts come with its code (the first screen does not carry them).
addCatalogs({ en: importsEn, es: importsEs });
type Key = AppKey | keyof typeof importsEn;
type I18n = Omit<AppI18n, 't'> & { t: (key: Key, vars?: Record<string, string | number>) => string };
const useI18n = (): I18n => useAppI18n() as I18n;

const ImportsDoc = graphql(`
  query Imports($campaignId: ID!) {
    imports(campaignId: $campaignId) {
      ...ImportSummary
    }
  }
  fragment ImportSummary on Import {
    id
    fileName
    createdById
    createdAt
    state
    counts {
      rows
      created
      updated
      unchanged
      errors
    }
  }
`);

const UploadDoc = graphql(`
  mutation UploadImport($input: UploadImportInput!) {
    uploadImport(input: $input) {
      import {
        ...ImportSummary
        defaultRegion
      }
      encoding
      delimiter
      columns {
        column
        target
        overwrite
      }
    }
  }
`);

const MapDoc = graphql(`
  mutation MapImport($input: MapImportInput!) {
    mapImport(input: $input) {
      import {
        id
      }
      columns {
        column
        target
        overwrite
      }
    }
  }
`);

const PreviewDoc = graphql(`
  mutation PreviewImport($input: PreviewImportInput!) {
    previewImport(input: $input) {
      totals {
        rows
        create
        update
        unchanged
        error
      }
      rows {
        line
        action
        personId
        matchedBy
        changes
        errors {
          line
          column
          message
        }
      }
    }
  }
`);

const CommitDoc = graphql(`
  mutation CommitImport($input: CommitImportInput!) {
    commitImport(input: $input) {
      import {
        ...ImportSummary
      }
      totals {
        rows
        create
        update
        unchanged
        error
      }
    }
  }
`);

const ProgressDoc = graphql(`
  query ImportProgress($id: ID!) {
    import(id: $id) {
      id
      state
      progress {
        rowsDone
        rowsTotal
      }
    }
  }
`);

const UndoDoc = graphql(`
  mutation UndoImport($input: UndoImportInput!) {
    undoImport(input: $input) {
      import {
        ...ImportSummary
      }
      people
      laterChanges {
        personId
        aspect
        changedAt
        overwritten
      }
      refused {
        personId
        reason
      }
    }
  }
`);

const UploadLimitDoc = graphql(`
  query ImportUploadLimit {
    importUploadLimit
  }
`);

/// The server's upload limit in the binary units it is counted in (64 MiB, 512 KiB, 1.5 MiB), written with
/// `number` (the reader's language) and rounded down, so the screen never promises more than the server takes.
function sizeText(bytes: number, number: (value: number) => string): string {
  const kib = 1024;
  const mib = kib * kib;
  const down = (value: number) => number(Math.floor(value * 10) / 10);
  if (bytes >= mib) return `${down(bytes / mib)} MiB`;
  if (bytes >= kib) return `${down(bytes / kib)} KiB`;
  return `${number(bytes)} bytes`;
}

/// What the preview lists (the totals count every row).
const PREVIEW_ROWS = 200;

const TARGETS = ['given_name', 'family_name', 'email', 'phone', 'unit', 'level', 'organizer', 'language', 'responses', 'id', 'external_id:action_builder', 'ignore'];

interface Column {
  column: string;
  target: string | null | undefined;
  overwrite: boolean;
}

type Totals = { rows: number; create: number; update: number; unchanged: number; error: number };
type Plan = NonNullable<Awaited<ReturnType<typeof previewOf>>>;

type Step =
  | { name: 'file' }
  | { name: 'map'; importId: string; fileName: string; columns: Column[]; encoding: string; delimiter: string; region: string }
  | { name: 'preview'; importId: string; fileName: string; plan: Plan; onlyErrors: boolean }
  | { name: 'committing'; importId: string; fileName: string; done: number; total: number }
  | { name: 'done'; importId: string; fileName: string; totals: Totals };

async function previewOf(client: ReturnType<typeof useClient>, importId: string, onlyErrors: boolean) {
  const result = await client
    .mutation(PreviewDoc, { input: { importId, first: PREVIEW_ROWS, actions: onlyErrors ? (['ERROR'] as ImportAction[]) : null } })
    .toPromise();
  return result.data ? result.data.previewImport : null;
}

/// The sentence for a refused call: a VALIDATION message names the column or field it is about.
function problem(i18n: I18n, error: CombinedError): string {
  const code = errorCode(error);
  if (code === 'NETWORK') return i18n.t('error.network');
  if (code === 'FORBIDDEN') return i18n.t('error.forbidden');
  if (code === 'VALIDATION' || code === 'NOT_FOUND' || code === 'CONFLICT') {
    return i18n.t('error.validation', { message: error.graphQLErrors[0]?.message ?? '' });
  }
  return i18n.t('error.generic');
}

export function Imports(props: { campaignId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const client = useClient();
  const campaign = session.campaigns.find((entry) => entry.id === props.campaignId);
  const [step, setStep] = useState<Step>({ name: 'file' });
  const [errors, setErrors] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [listGeneration, setListGeneration] = useState(0);
  // The largest file the server takes (files go as a multipart upload, not in memory on either side).
  const [limitResult] = useQuery({ query: UploadLimitDoc });
  const uploadLimit = limitResult.data?.importUploadLimit;

  const fail = (error: CombinedError) => {
    setErrors([problem(i18n, error)]);
    setStatus('');
  };
  const again = () => {
    setStep({ name: 'file' });
    setErrors([]);
  };

  const preview = async (importId: string, fileName: string, onlyErrors: boolean) => {
    const plan = await previewOf(client, importId, onlyErrors);
    if (!plan) {
      setErrors([t('imports.previewFailed')]);
      return;
    }
    setErrors([]);
    setStep({ name: 'preview', importId, fileName, plan, onlyErrors });
    setStatus(t('imports.previewReady'));
  };

  if (!campaign) {
    return (
      <section>
        <PageTitle>{t('imports.title')}</PageTitle>
        <p role="alert">{t('wallChart.notFound')}</p>
      </section>
    );
  }
  return (
    <section class="imports">
      <PageTitle>{t('imports.heading', { campaign: campaign.name })}</PageTitle>
      <AdminNav current="hub" />
      <p>
        <Link href={`/admin/campaigns/${props.campaignId}`}>{t('admin.hub.setupOf', { name: campaign.name })}</Link>
      </p>
      <ErrorSummary title={t('error.summaryTitle')} messages={errors} />
      <StatusLine text={status} />
      {step.name === 'file' && (
        <ChooseFile
          busy={busy}
          limit={uploadLimit}
          upload={async (file, region) => {
            if (uploadLimit !== undefined && file.size > uploadLimit) {
              setErrors([t('imports.tooLarge', { limit: sizeText(uploadLimit, i18n.number) })]);
              return;
            }
            setBusy(true);
            setStatus(t('imports.uploading'));
            const result = await client
              .mutation(UploadDoc, {
                input: { campaignId: props.campaignId, fileName: file.name, file, defaultRegion: region || null },
              })
              .toPromise();
            setBusy(false);
            const uploaded = result.data?.uploadImport;
            if (!uploaded) return fail(result.error as CombinedError);
            setErrors([]);
            setStatus(t('imports.uploaded', { file: file.name }));
            setListGeneration((current) => current + 1);
            setStep({
              name: 'map',
              importId: uploaded.import.id,
              fileName: file.name,
              columns: uploaded.columns,
              encoding: uploaded.encoding,
              delimiter: uploaded.delimiter,
              region: uploaded.import.defaultRegion ?? region,
            });
          }}
        />
      )}
      {step.name === 'map' && (
        <MapColumns
          campaignId={props.campaignId}
          step={step}
          busy={busy}
          cancel={again}
          submit={async (columns, save) => {
            const unmapped = columns.filter((column) => !column.target);
            if (unmapped.length > 0) {
              setErrors(unmapped.map((column) => t('imports.columnUnmapped', { column: column.column })));
              return;
            }
            setBusy(true);
            setStatus(t('imports.previewing'));
            const mapped = await client
              .mutation(MapDoc, {
                input: {
                  importId: step.importId,
                  mapping: columns.map((column) => ({ column: column.column, target: column.target ?? 'ignore', overwrite: column.overwrite })),
                  defaultRegion: step.region || null,
                  saveForCampaign: save,
                },
              })
              .toPromise();
            if (!mapped.data) {
              setBusy(false);
              return fail(mapped.error as CombinedError);
            }
            await preview(step.importId, step.fileName, false);
            setBusy(false);
          }}
        />
      )}
      {step.name === 'preview' && (
        <Preview
          step={step}
          busy={busy}
          cancel={again}
          toggleErrors={(onlyErrors) => void preview(step.importId, step.fileName, onlyErrors)}
          commit={async (skipErrors) => {
            const total = step.plan.totals.rows - (skipErrors ? step.plan.totals.error : 0);
            setBusy(true);
            setErrors([]);
            setStatus(t('imports.committing'));
            setStep({ name: 'committing', importId: step.importId, fileName: step.fileName, done: 0, total });
            const result = await client.mutation(CommitDoc, { input: { importId: step.importId, skipErrors } }).toPromise();
            setBusy(false);
            setListGeneration((current) => current + 1);
            const committed = result.data?.commitImport;
            if (!committed) {
              setStep(step);
              return fail(result.error as CombinedError);
            }
            setStatus(t('imports.committed', { file: step.fileName }));
            setStep({ name: 'done', importId: step.importId, fileName: step.fileName, totals: committed.totals });
          }}
        />
      )}
      {step.name === 'committing' && (
        <Committing
          step={step}
          progress={(done, total) => setStep((current) => (current.name === 'committing' ? { ...current, done, total: total || current.total } : current))}
        />
      )}
      {step.name === 'done' && (
        <section aria-labelledby="import-done-heading" class="card">
          <h2 id="import-done-heading">{t('imports.doneHeading', { file: step.fileName })}</h2>
          <TotalsList totals={step.totals} />
          <p>
            <Link href={`/people?campaign=${props.campaignId}`}>{t('imports.seePeople')}</Link>
          </p>
          <button type="button" class="button secondary" onClick={again}>
            {t('imports.another')}
          </button>
        </section>
      )}
      <PastImports key={listGeneration} campaignId={props.campaignId} />
    </section>
  );
}

function ChooseFile(props: { busy: boolean; limit: number | undefined; upload: (file: File, region: string) => Promise<void> }) {
  const { t, number } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [region, setRegion] = useState('');
  return (
    <form
      class="card"
      onSubmit={(event) => {
        event.preventDefault();
        if (!file) return setMissing(true);
        setMissing(false);
        void props.upload(file, region.trim().toUpperCase());
      }}
    >
      <h2>{t('imports.fileHeading')}</h2>
      <div class={`field${missing ? ' has-error' : ''}`}>
        <label for="import-file">{t('imports.file')}</label>
        <p class="hint" id="import-file-hint">
          {props.limit === undefined ? t('imports.fileHintNoLimit') : t('imports.fileHint', { limit: sizeText(props.limit, number) })}
        </p>
        {missing && (
          <p class="field-error" id="import-file-error">
            {t('imports.pickFile')}
          </p>
        )}
        <input
          id="import-file"
          type="file"
          accept=".csv,.txt,.tsv,text/csv,text/plain"
          aria-describedby={missing ? 'import-file-hint import-file-error' : 'import-file-hint'}
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
      </div>
      <div class="field">
        <label for="import-region">{t('imports.region')}</label>
        <p class="hint" id="import-region-hint">
          {t('imports.regionHint')}
        </p>
        <input
          id="import-region"
          class="short"
          maxLength={2}
          autocomplete="off"
          aria-describedby="import-region-hint"
          value={region}
          onInput={(event) => setRegion(event.currentTarget.value)}
        />
      </div>
      <button type="submit" class="button primary" disabled={props.busy}>
        {t('imports.upload')}
      </button>
    </form>
  );
}

function targetLabel(t: I18n['t'], target: string, fields: Map<string, string>): string {
  if (target.startsWith('field:')) {
    const field = fields.get(target.slice('field:'.length));
    return t('imports.target.field', { field: field ?? target.slice('field:'.length) });
  }
  if (target.startsWith('external_id:') && target !== 'external_id:action_builder') {
    return t('imports.target.externalId', { system: target.slice('external_id:'.length) });
  }
  return t(`imports.target.${target}` as Key);
}

function MapColumns(props: {
  campaignId: string;
  step: Extract<Step, { name: 'map' }>;
  busy: boolean;
  cancel: () => void;
  submit: (columns: Column[], save: boolean) => Promise<void>;
}) {
  const { t } = useI18n();
  const [columns, setColumns] = useState<Column[]>(props.step.columns);
  const [save, setSave] = useState(true);
  const { groups } = useFieldResponses(props.campaignId);
  const fields = new Map<string, string>();
  for (const group of groups) fields.set(group.fieldId, group.label);
  const options = [...TARGETS, ...[...fields.keys()].map((id) => `field:${id}`)];
  const set = (index: number, change: Partial<Column>) => setColumns(columns.map((column, at) => (at === index ? { ...column, ...change } : column)));
  return (
    <form
      class="card"
      onSubmit={(event) => {
        event.preventDefault();
        void props.submit(columns, save);
      }}
    >
      <h2>{t('imports.mapHeading', { file: props.step.fileName })}</h2>
      <p class="hint">
        {t('imports.mapHint', {
          encoding: props.step.encoding,
          delimiter: t(props.step.delimiter === '\t' ? 'imports.tab' : props.step.delimiter === ';' ? 'imports.semicolon' : 'imports.comma'),
        })}
      </p>
      <ol class="mapping">
        {columns.map((column, index) => {
          const id = `map-${index}`;
          const choices = column.target && !options.includes(column.target) ? [column.target, ...options] : options;
          return (
            <li key={column.column} class="mapping-column">
              <div class={`field${column.target ? '' : ' has-error'}`}>
                <label for={id}>{t('imports.column', { column: column.column })}</label>
                {!column.target && (
                  <p class="field-error" id={`${id}-error`}>
                    {t('imports.chooseTarget')}
                  </p>
                )}
                <select
                  id={id}
                  value={column.target ?? ''}
                  aria-describedby={column.target ? undefined : `${id}-error`}
                  onChange={(event) => set(index, { target: event.currentTarget.value || null })}
                >
                  <option value="">{t('people.choose')}</option>
                  {choices.map((target) => (
                    <option key={target} value={target}>
                      {targetLabel(t, target, fields)}
                    </option>
                  ))}
                </select>
              </div>
              {column.target !== 'ignore' && (
                <label class="check">
                  <input type="checkbox" checked={column.overwrite} onChange={() => set(index, { overwrite: !column.overwrite })} />
                  {t('imports.overwrite')}
                </label>
              )}
            </li>
          );
        })}
      </ol>
      <label class="check">
        <input type="checkbox" checked={save} onChange={() => setSave(!save)} />
        {t('imports.saveMapping')}
      </label>
      <div class="actions">
        <button type="submit" class="button primary" disabled={props.busy}>
          {t('imports.preview')}
        </button>
        <button type="button" class="button secondary" onClick={props.cancel}>
          {t('imports.startOver')}
        </button>
      </div>
    </form>
  );
}

function TotalsList(props: { totals: Totals }) {
  const { plural } = useI18n();
  const totals = props.totals;
  return (
    <ul class="import-totals">
      <li>{plural('imports.totals.rows', totals.rows)}</li>
      <li>{plural('imports.totals.create', totals.create)}</li>
      <li>{plural('imports.totals.update', totals.update)}</li>
      <li>{plural('imports.totals.unchanged', totals.unchanged)}</li>
      <li class={totals.error > 0 ? 'warn' : undefined}>{plural('imports.totals.error', totals.error)}</li>
    </ul>
  );
}

function Preview(props: {
  step: Extract<Step, { name: 'preview' }>;
  busy: boolean;
  cancel: () => void;
  toggleErrors: (onlyErrors: boolean) => void;
  commit: (skipErrors: boolean) => Promise<void>;
}) {
  const { t, plural } = useI18n();
  const { plan } = props.step;
  const [skip, setSkip] = useState(false);
  const errors = plan.totals.error;
  const importing = plan.totals.rows - (skip ? errors : 0);
  return (
    <section class="card" aria-labelledby="import-preview-heading">
      <h2 id="import-preview-heading">{t('imports.previewHeading', { file: props.step.fileName })}</h2>
      <p>{t('imports.previewHint')}</p>
      <TotalsList totals={plan.totals} />
      {errors > 0 && (
        <label class="check">
          <input type="checkbox" checked={props.step.onlyErrors} onChange={() => props.toggleErrors(!props.step.onlyErrors)} />
          {t('imports.onlyErrors')}
        </label>
      )}
      <ol class="import-rows">
        {plan.rows.map((row) => (
          <li key={row.line} class={`import-row action-${row.action.toLowerCase()}`} data-line={row.line}>
            <p>
              <strong>{t('imports.line', { line: row.line })}</strong>
              {' · '}
              {t(`imports.action.${row.action}` as Key)}
              {row.matchedBy ? ` · ${t('imports.matchedBy', { column: row.matchedBy })}` : ''}
            </p>
            {row.changes.length > 0 && <p class="hint">{t('imports.changes', { columns: row.changes.join(', ') })}</p>}
            {row.errors.length > 0 && (
              <ul class="row-errors">
                {row.errors.map((error, index) => (
                  <li key={index}>
                    {error.column
                      ? t('imports.errorAt', { line: error.line, column: error.column, message: error.message })
                      : t('imports.errorAtLine', { line: error.line, message: error.message })}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {plan.rows.length < (props.step.onlyErrors ? errors : plan.totals.rows) && <p class="hint">{plural('imports.moreRows', plan.rows.length)}</p>}
      {errors > 0 && (
        <div>
          <p>{plural('imports.errorsBlock', errors)}</p>
          <label class="check">
            <input type="checkbox" checked={skip} onChange={() => setSkip(!skip)} />
            {t('imports.skipErrors')}
          </label>
        </div>
      )}
      <div class="actions">
        <button
          type="button"
          class="button primary"
          disabled={props.busy || (errors > 0 && !skip) || importing === 0}
          onClick={() => void props.commit(skip)}
        >
          {plural('imports.commit', importing)}
        </button>
        <button type="button" class="button secondary" onClick={props.cancel}>
          {t('imports.startOver')}
        </button>
      </div>
    </section>
  );
}

/// The commit's progress, read from `import(id) { progress }` while the commit runs.
function Committing(props: { step: Extract<Step, { name: 'committing' }>; progress: (done: number, total: number) => void }) {
  const { t, number } = useI18n();
  const client = useClient();
  const { importId } = props.step;
  const report = useRef(props.progress);
  report.current = props.progress;
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      while (!stopped) {
        const result = await client.query(ProgressDoc, { id: importId }, { requestPolicy: 'network-only' }).toPromise();
        const progress = result.data?.import?.progress;
        if (progress && !stopped) report.current(progress.rowsDone, progress.rowsTotal);
        const state: ImportState | undefined = result.data?.import?.state;
        if (state && state !== 'COMMITTING' && state !== 'PLANNED' && state !== 'UPLOADED') break;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
    };
    void read();
    return () => {
      stopped = true;
    };
  }, [importId]);
  const { done, total } = props.step;
  return (
    <section class="card" aria-labelledby="import-progress-heading">
      <h2 id="import-progress-heading">{t('imports.committingHeading', { file: props.step.fileName })}</h2>
      <progress id="import-progress" max={Math.max(total, 1)} value={done} aria-labelledby="import-progress-heading" />
      <p role="status">{t('imports.progress', { done: number(done), total: number(total) })}</p>
    </section>
  );
}

function PastImports(props: { campaignId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const client = useClient();
  const session = useSession();
  const { nameOf } = useMembers();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ImportsDoc, variables: { campaignId: props.campaignId }, requestPolicy: 'network-only' });
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ importId: string; text: string; later: { personId: string; aspect: string }[]; refused: number } | null>(null);
  const [problems, setProblems] = useState<string[]>([]);

  const undo = async (entry: ImportSummaryFragment, overwrite: boolean) => {
    setBusy(entry.id);
    const result = await client.mutation(UndoDoc, { input: { importId: entry.id, overwriteLaterChanges: overwrite } }).toPromise();
    setBusy(null);
    const undone = result.data?.undoImport;
    if (!undone) {
      setProblems([problem(i18n, result.error as CombinedError)]);
      return;
    }
    setProblems([]);
    setOutcome({
      importId: entry.id,
      text: i18n.plural('imports.undone', undone.people, { file: entry.fileName }),
      later: undone.laterChanges.filter((change) => !change.overwritten),
      refused: undone.refused.length,
    });
    refetch({ requestPolicy: 'network-only' });
  };

  const imports = data?.imports ?? [];
  return (
    <section aria-labelledby="past-imports-heading">
      <h2 id="past-imports-heading">{t('imports.pastHeading')}</h2>
      <ErrorSummary title={t('error.summaryTitle')} messages={problems} />
      <div role="status" class="status-line">
        {outcome?.text ?? ''}
      </div>
      {outcome && outcome.later.length > 0 && (
        <div class="conflict" role="region" aria-labelledby="later-heading">
          <h3 id="later-heading">{i18n.plural('imports.laterChanges', outcome.later.length)}</h3>
          <p>{t('imports.laterHint')}</p>
          <ul>
            {outcome.later.map((change, index) => (
              <li key={index}>
                <Link href={`/people/${change.personId}`}>{t('imports.laterChange', { aspect: change.aspect })}</Link>
              </li>
            ))}
          </ul>
          <button
            type="button"
            class="button secondary"
            disabled={busy != null}
            onClick={() => {
              const entry = imports.find((candidate) => candidate.id === outcome.importId);
              if (entry) void undo(entry, true);
            }}
          >
            {t('imports.undoLaterToo')}
          </button>
        </div>
      )}
      {!data ? (
        fetching ? <Loading /> : error ? <p role="alert">{t('error.network')}</p> : null
      ) : imports.length === 0 ? (
        <p class="empty">{t('imports.none')}</p>
      ) : (
        <ul class="cards import-list">
          {imports.map((entry) => {
            const undoable = entry.state === 'COMMITTED' || entry.state === 'FAILED' || entry.state === 'PARTLY_UNDONE';
            const when = i18n.dateTime(entry.createdAt);
            const by =
              entry.createdById === session.userId
                ? t('imports.byYou', { when })
                : t('imports.by', { who: nameOf(entry.createdById) ?? t('timeline.someone'), when });
            return (
              <li key={entry.id} class="card" data-import-id={entry.id}>
                <h3>{entry.fileName}</h3>
                <p>
                  {by}
                  {' · '}
                  <span class="import-state">{t(`imports.state.${entry.state}` as Key)}</span>
                </p>
                {entry.counts.rows > 0 && (
                  <p class="hint">
                    {t('imports.counts', {
                      rows: i18n.number(entry.counts.rows),
                      created: i18n.number(entry.counts.created),
                      updated: i18n.number(entry.counts.updated),
                      errors: i18n.number(entry.counts.errors),
                    })}
                  </p>
                )}
                {undoable && (
                  <button type="button" class="button secondary" disabled={busy != null} onClick={() => void undo(entry, false)}>
                    {t('imports.undo', { file: entry.fileName })}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
