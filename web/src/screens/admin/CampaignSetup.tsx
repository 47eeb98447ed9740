// A campaign's set-up (leads and admins; the server refuses everyone else): the unit tree (add, rename,
// move, retire), the custom fields (sections → fields → responses), and the assessment scale's labels and
// colours. Every change carries an idempotency key, so a double tap stores once.
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { CombinedError } from '@urql/core';
import { useMutation, useQuery } from '@urql/preact';
import { graphql } from '../../gql';
import { useI18n, type Key } from '../../i18n';
import { ErrorSummary, LevelChip, Link, Loading, PageTitle } from '../../components/ui';
import { AdminNav, StatusLine, refusal, useChange } from './common';

const SetupDoc = graphql(`
  query CampaignSetup($campaignId: ID!) {
    campaign(id: $campaignId) {
      id
      name
      scale {
        level
        label
        colour
      }
      fieldSections {
        id
        name
        fields {
          id
          name
          kind
          allowsMultiple
          responses {
            id
            name
            retired
          }
        }
      }
    }
    wallChart(campaignId: $campaignId) {
      units {
        id
        parentId
        depth
        name
        kind
        retired
      }
    }
  }
`);

const AddUnitDoc = graphql(`
  mutation SetupAddUnit($input: AddUnitInput!, $idempotencyKey: String) {
    addUnit(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RenameUnitDoc = graphql(`
  mutation SetupRenameUnit($input: RenameUnitInput!, $idempotencyKey: String) {
    renameUnit(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const MoveUnitDoc = graphql(`
  mutation SetupMoveUnit($input: MoveUnitInput!, $idempotencyKey: String) {
    moveUnit(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RetireUnitDoc = graphql(`
  mutation SetupRetireUnit($input: RetireUnitInput!, $idempotencyKey: String) {
    retireUnit(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const AddSectionDoc = graphql(`
  mutation SetupAddFieldSection($input: AddFieldSectionInput!, $idempotencyKey: String) {
    addFieldSection(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RenameSectionDoc = graphql(`
  mutation SetupRenameFieldSection($input: RenameFieldSectionInput!, $idempotencyKey: String) {
    renameFieldSection(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const AddFieldDoc = graphql(`
  mutation SetupAddField($input: AddFieldInput!, $idempotencyKey: String) {
    addField(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RenameFieldDoc = graphql(`
  mutation SetupRenameField($input: RenameFieldInput!, $idempotencyKey: String) {
    renameField(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const AddResponseDoc = graphql(`
  mutation SetupAddFieldResponse($input: AddFieldResponseInput!, $idempotencyKey: String) {
    addFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RenameResponseDoc = graphql(`
  mutation SetupRenameFieldResponse($input: RenameFieldResponseInput!, $idempotencyKey: String) {
    renameFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RetireResponseDoc = graphql(`
  mutation SetupRetireFieldResponse($input: RetireFieldResponseInput!, $idempotencyKey: String) {
    retireFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const RelabelDoc = graphql(`
  mutation SetupRelabelLevel($input: RelabelAssessmentLevelInput!, $idempotencyKey: String) {
    relabelAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);
const AddLevelDoc = graphql(`
  mutation SetupAddLevel($input: AddAssessmentLevelInput!, $idempotencyKey: String) {
    addAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {
      id
      version
    }
  }
`);

const FIELD_TYPES = ['STANDARD', 'NUMBER', 'DATE', 'TEXT', 'ADDRESS', 'SHIFT'] as const;
type FieldTypeName = (typeof FIELD_TYPES)[number];

/// A name with a "Rename" button that opens a one-field form in place.
function Renamable(props: {
  id: string;
  name: string;
  label: string;
  buttonLabel: string;
  busy: boolean;
  onSave: (name: string) => Promise<boolean>;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(props.name);
  if (!editing) {
    return (
      <button
        type="button"
        class="button secondary"
        onClick={() => {
          setValue(props.name);
          setEditing(true);
        }}
      >
        {props.buttonLabel}
      </button>
    );
  }
  return (
    <form
      class="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await props.onSave(value.trim())) setEditing(false);
      }}
    >
      <div class="field">
        <label for={`rename-${props.id}`}>{props.label}</label>
        <input id={`rename-${props.id}`} value={value} autoFocus onInput={(e) => setValue(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit" class="button primary" disabled={props.busy}>
          {t('admin.setup.save')}
        </button>
        <button type="button" class="button secondary" onClick={() => setEditing(false)}>
          {t('admin.setup.cancel')}
        </button>
      </div>
    </form>
  );
}

export function CampaignSetup(props: { campaignId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const campaignId = props.campaignId;
  const [{ data, error, fetching }, refetch] = useQuery({ query: SetupDoc, variables: { campaignId } });
  const change = useChange();
  const [, addUnit] = useMutation(AddUnitDoc);
  const [, renameUnit] = useMutation(RenameUnitDoc);
  const [, moveUnit] = useMutation(MoveUnitDoc);
  const [, retireUnit] = useMutation(RetireUnitDoc);
  const [, addSection] = useMutation(AddSectionDoc);
  const [, renameSection] = useMutation(RenameSectionDoc);
  const [, addField] = useMutation(AddFieldDoc);
  const [, renameField] = useMutation(RenameFieldDoc);
  const [, addResponse] = useMutation(AddResponseDoc);
  const [, renameResponse] = useMutation(RenameResponseDoc);
  const [, retireResponse] = useMutation(RetireResponseDoc);
  const [, relabel] = useMutation(RelabelDoc);
  const [, addLevel] = useMutation(AddLevelDoc);

  const [unitName, setUnitName] = useState('');
  const [unitKind, setUnitKind] = useState('');
  const [unitParent, setUnitParent] = useState('');
  const [moving, setMoving] = useState<{ unitId: string; parentId: string } | null>(null);
  const [retiring, setRetiring] = useState<string | null>(null);
  const [sectionName, setSectionName] = useState('');
  const [newField, setNewField] = useState<Record<string, { name: string; type: FieldTypeName; multiple: boolean }>>({});
  const [newResponse, setNewResponse] = useState<Record<string, string>>({});
  const [levels, setLevels] = useState<Record<number, { label: string; colour: string }>>({});
  const [newLevel, setNewLevel] = useState({ label: '', colour: '#767676' });

  if (fetching && !data) return <Loading />;
  if (error && !data) return <p role="alert">{refusal(i18n, error)}</p>;
  if (!data?.campaign) {
    return (
      <section>
        <PageTitle>{t('admin.setup.notFound')}</PageTitle>
        <AdminNav current="setup" />
      </section>
    );
  }
  const campaign = data.campaign;
  const units = data.wallChart?.units ?? [];
  const active = units.filter((unit) => !unit.retired);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const done = async (send: (key: string) => Promise<{ error?: CombinedError }>, message: string) => {
    const ok = await change.run(send, message);
    if (ok) reload();
    return ok;
  };
  /// The unit and everything below it: it cannot be moved under any of them.
  const within = (unitId: string): Set<string> => {
    const inside = new Set([unitId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const unit of units) {
        if (unit.parentId && inside.has(unit.parentId) && !inside.has(unit.id)) {
          inside.add(unit.id);
          grew = true;
        }
      }
    }
    return inside;
  };
  const indent = (depth: number) => `${'— '.repeat(depth)}`;
  const fieldDraft = (sectionId: string) => newField[sectionId] ?? { name: '', type: 'STANDARD' as FieldTypeName, multiple: false };

  return (
    <section class="setup">
      <PageTitle>{t('admin.setup.title', { name: campaign.name })}</PageTitle>
      <AdminNav current="setup" />
      <p>
        <Link href={`/admin/campaigns/${campaignId}/import`}>{t('imports.open')}</Link>
      </p>
      <ErrorSummary title={t('error.summaryTitle')} messages={change.outcome.errors} />
      <StatusLine text={change.outcome.status} />

      <h2 id="units-heading">{t('admin.setup.units')}</h2>
      {units.length === 0 ? (
        <p class="empty">{t('admin.setup.noUnits')}</p>
      ) : (
        <ul class="rows">
          {units.map((unit) => (
            <li key={unit.id} class={`row depth-${Math.min(unit.depth, 4)}`} data-unit-id={unit.id}>
              <p class="row-title">
                {unit.name} <span class="unit-kind">({unit.kind})</span>
                {unit.retired && <span class="tag">{t('admin.setup.retired')}</span>}
              </p>
              {!unit.retired && (
                <div class="row-actions">
                  <Renamable
                    id={unit.id}
                    name={unit.name}
                    label={t('admin.setup.unitNewName', { name: unit.name })}
                    buttonLabel={t('admin.setup.rename')}
                    busy={change.busy}
                    onSave={(name) => done((key) => renameUnit({ input: { campaignId, unitId: unit.id, name }, idempotencyKey: key }), t('admin.setup.unitRenamed'))}
                  />
                  {moving?.unitId === unit.id ? (
                    <form
                      class="inline-form"
                      onSubmit={async (event) => {
                        event.preventDefault();
                        const parentId = moving.parentId || null;
                        if (await done((key) => moveUnit({ input: { campaignId, unitId: unit.id, parentId }, idempotencyKey: key }), t('admin.setup.unitMoved'))) setMoving(null);
                      }}
                    >
                      <div class="field">
                        <label for={`move-${unit.id}`}>{t('admin.setup.moveUnder', { name: unit.name })}</label>
                        <select id={`move-${unit.id}`} value={moving.parentId} onChange={(e) => setMoving({ unitId: unit.id, parentId: e.currentTarget.value })}>
                          <option value="">{t('admin.setup.topLevel')}</option>
                          {active
                            .filter((other) => !within(unit.id).has(other.id))
                            .map((other) => (
                              <option key={other.id} value={other.id}>
                                {indent(other.depth) + other.name}
                              </option>
                            ))}
                        </select>
                      </div>
                      <div class="actions">
                        <button type="submit" class="button primary" disabled={change.busy}>
                          {t('admin.setup.move')}
                        </button>
                        <button type="button" class="button secondary" onClick={() => setMoving(null)}>
                          {t('admin.setup.cancel')}
                        </button>
                      </div>
                    </form>
                  ) : (
                    <button type="button" class="button secondary" onClick={() => setMoving({ unitId: unit.id, parentId: unit.parentId ?? '' })}>
                      {t('admin.setup.moveButton')}
                    </button>
                  )}
                  {retiring === unit.id ? (
                    <div class="confirm" role="group" aria-label={t('admin.setup.retireConfirm', { name: unit.name })}>
                      <p>{t('admin.setup.retireConfirm', { name: unit.name })}</p>
                      <div class="actions">
                        <button
                          type="button"
                          class="button primary"
                          disabled={change.busy}
                          onClick={async () => {
                            if (await done((key) => retireUnit({ input: { campaignId, unitId: unit.id }, idempotencyKey: key }), t('admin.setup.unitRetired'))) setRetiring(null);
                          }}
                        >
                          {t('admin.setup.retireYes')}
                        </button>
                        <button type="button" class="button secondary" onClick={() => setRetiring(null)}>
                          {t('admin.setup.cancel')}
                        </button>
                      </div>
                    </div>
                  ) : (
                    <button type="button" class="button secondary" onClick={() => setRetiring(unit.id)}>
                      {t('admin.setup.retire')}
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3 id="add-unit">{t('admin.setup.addUnit')}</h3>
      <form
        aria-labelledby="add-unit"
        onSubmit={async (event) => {
          event.preventDefault();
          const ok = await done(
            (key) => addUnit({ input: { campaignId, name: unitName.trim(), kind: unitKind.trim(), parentId: unitParent || null }, idempotencyKey: key }),
            t('admin.setup.unitAdded'),
          );
          if (ok) {
            setUnitName('');
          }
        }}
      >
        <div class={`field${change.outcome.field === 'input.name' ? ' has-error' : ''}`}>
          <label for="unit-name">{t('admin.setup.unitName')}</label>
          <input id="unit-name" value={unitName} onInput={(e) => setUnitName(e.currentTarget.value)} />
        </div>
        <div class={`field${change.outcome.field === 'input.kind' ? ' has-error' : ''}`}>
          <label for="unit-kind">{t('admin.setup.unitKind')}</label>
          <p class="hint" id="unit-kind-hint">
            {t('admin.setup.unitKindHint')}
          </p>
          <input id="unit-kind" aria-describedby="unit-kind-hint" value={unitKind} onInput={(e) => setUnitKind(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="unit-parent">{t('admin.setup.unitParent')}</label>
          <select id="unit-parent" value={unitParent} onChange={(e) => setUnitParent(e.currentTarget.value)}>
            <option value="">{t('admin.setup.topLevel')}</option>
            {active.map((unit) => (
              <option key={unit.id} value={unit.id}>
                {indent(unit.depth) + unit.name}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={change.busy}>
            {t('admin.setup.addUnitButton')}
          </button>
        </div>
      </form>

      <h2 id="fields-heading">{t('admin.setup.fields')}</h2>
      {(data.campaign?.fieldSections ?? []).length === 0 && <p class="empty">{t('admin.setup.noFields')}</p>}
      {(data.campaign?.fieldSections ?? []).map((section) => (
        <section key={section.id} class="card setup-section" aria-labelledby={`section-${section.id}`} data-section-id={section.id}>
          <h3 id={`section-${section.id}`}>{section.name}</h3>
          <Renamable
            id={section.id}
            name={section.name}
            label={t('admin.setup.sectionNewName', { name: section.name })}
            buttonLabel={t('admin.setup.renameSection')}
            busy={change.busy}
            onSave={(name) => done((key) => renameSection({ input: { campaignId, sectionId: section.id, name }, idempotencyKey: key }), t('admin.setup.sectionRenamed'))}
          />
          <ul class="rows">
            {section.fields.map((field) => (
              <li key={field.id} class="row" data-field-id={field.id}>
                <p class="row-title">
                  {field.name}{' '}
                  <span class="unit-kind">
                    ({t(`admin.setup.type.${field.kind}` as Key)}
                    {field.allowsMultiple ? `, ${t('admin.setup.multiple')}` : ''})
                  </span>
                </p>
                <Renamable
                  id={field.id}
                  name={field.name}
                  label={t('admin.setup.fieldNewName', { name: field.name })}
                  buttonLabel={t('admin.setup.renameField')}
                  busy={change.busy}
                  onSave={(name) => done((key) => renameField({ input: { campaignId, fieldId: field.id, name }, idempotencyKey: key }), t('admin.setup.fieldRenamed'))}
                />
                {(field.kind === 'STANDARD' || field.kind === 'SHIFT') && (
                  <>
                    <ul class="responses">
                      {field.responses.map((response) => (
                        <li key={response.id} class="row-split">
                          <span>
                            {response.name}
                            {response.retired && <span class="tag">{t('admin.setup.retired')}</span>}
                          </span>
                          {!response.retired && (
                            <span class="row-actions">
                              <Renamable
                                id={response.id}
                                name={response.name}
                                label={t('admin.setup.responseNewName', { name: response.name })}
                                buttonLabel={t('admin.setup.rename')}
                                busy={change.busy}
                                onSave={(name) =>
                                  done(
                                    (key) => renameResponse({ input: { campaignId, fieldId: field.id, responseId: response.id, name }, idempotencyKey: key }),
                                    t('admin.setup.responseRenamed'),
                                  )
                                }
                              />
                              <button
                                type="button"
                                class="button secondary"
                                aria-label={t('admin.setup.retireResponse', { name: response.name })}
                                disabled={change.busy}
                                onClick={() =>
                                  done(
                                    (key) => retireResponse({ input: { campaignId, fieldId: field.id, responseId: response.id }, idempotencyKey: key }),
                                    t('admin.setup.responseRetired'),
                                  )
                                }
                              >
                                {t('admin.setup.retire')}
                              </button>
                            </span>
                          )}
                        </li>
                      ))}
                    </ul>
                    <form
                      class="inline-form"
                      onSubmit={async (event) => {
                        event.preventDefault();
                        const name = (newResponse[field.id] ?? '').trim();
                        if (await done((key) => addResponse({ input: { campaignId, fieldId: field.id, name }, idempotencyKey: key }), t('admin.setup.responseAdded'))) {
                          setNewResponse({ ...newResponse, [field.id]: '' });
                        }
                      }}
                    >
                      <div class="field">
                        <label for={`response-${field.id}`}>{t('admin.setup.newResponse', { name: field.name })}</label>
                        <input
                          id={`response-${field.id}`}
                          value={newResponse[field.id] ?? ''}
                          onInput={(e) => setNewResponse({ ...newResponse, [field.id]: e.currentTarget.value })}
                        />
                      </div>
                      <div class="actions">
                        <button type="submit" class="button secondary" disabled={change.busy}>
                          {t('admin.setup.addResponse')}
                        </button>
                      </div>
                    </form>
                  </>
                )}
              </li>
            ))}
          </ul>
          <details class="add-field">
            <summary>{t('admin.setup.addFieldTo', { name: section.name })}</summary>
            <form
              onSubmit={async (event) => {
                event.preventDefault();
                const draft = fieldDraft(section.id);
                const ok = await done(
                  (key) =>
                    addField({
                      input: { campaignId, sectionId: section.id, name: draft.name.trim(), type: draft.type, allowsMultiple: draft.multiple },
                      idempotencyKey: key,
                    }),
                  t('admin.setup.fieldAdded'),
                );
                if (ok) setNewField({ ...newField, [section.id]: { name: '', type: draft.type, multiple: false } });
              }}
            >
              <div class="field">
                <label for={`field-name-${section.id}`}>{t('admin.setup.fieldName')}</label>
                <input
                  id={`field-name-${section.id}`}
                  value={fieldDraft(section.id).name}
                  onInput={(e) => setNewField({ ...newField, [section.id]: { ...fieldDraft(section.id), name: e.currentTarget.value } })}
                />
              </div>
              <div class="field">
                <label for={`field-type-${section.id}`}>{t('admin.setup.fieldType')}</label>
                <select
                  id={`field-type-${section.id}`}
                  value={fieldDraft(section.id).type}
                  onChange={(e) => setNewField({ ...newField, [section.id]: { ...fieldDraft(section.id), type: e.currentTarget.value as FieldTypeName } })}
                >
                  {FIELD_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`admin.setup.type.${type}` as Key)}
                    </option>
                  ))}
                </select>
              </div>
              <label class="check">
                <input
                  type="checkbox"
                  checked={fieldDraft(section.id).multiple}
                  onChange={(e) => setNewField({ ...newField, [section.id]: { ...fieldDraft(section.id), multiple: e.currentTarget.checked } })}
                />
                {t('admin.setup.allowsMultiple')}
              </label>
              <div class="actions">
                <button type="submit" class="button primary" disabled={change.busy}>
                  {t('admin.setup.addField')}
                </button>
              </div>
            </form>
          </details>
        </section>
      ))}
      <h3 id="add-section">{t('admin.setup.addSection')}</h3>
      <form
        aria-labelledby="add-section"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await done((key) => addSection({ input: { campaignId, name: sectionName.trim() }, idempotencyKey: key }), t('admin.setup.sectionAdded'))) setSectionName('');
        }}
      >
        <div class="field">
          <label for="section-name">{t('admin.setup.sectionName')}</label>
          <input id="section-name" value={sectionName} onInput={(e) => setSectionName(e.currentTarget.value)} />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={change.busy}>
            {t('admin.setup.addSectionButton')}
          </button>
        </div>
      </form>

      <h2 id="scale-heading">{t('admin.setup.scale')}</h2>
      <p>{t('admin.setup.scaleIntro')}</p>
      <ul class="rows">
        {campaign.scale.map((level) => {
          const draft = levels[level.level] ?? { label: level.label, colour: level.colour };
          return (
            <li key={level.level} class="row" data-level={level.level}>
              <LevelChip level={level.level} scale={campaign.scale} />
              <form
                class="inline-form"
                onSubmit={async (event) => {
                  event.preventDefault();
                  const ok = await done(
                    (key) => relabel({ input: { campaignId, level: level.level, label: draft.label.trim(), colour: draft.colour }, idempotencyKey: key }),
                    t('admin.setup.levelSaved', { level: level.level }),
                  );
                  if (ok) {
                    const rest = { ...levels };
                    delete rest[level.level];
                    setLevels(rest);
                  }
                }}
              >
                <div class="field">
                  <label for={`level-label-${level.level}`}>{t('admin.setup.levelLabel', { level: level.level })}</label>
                  <input
                    id={`level-label-${level.level}`}
                    value={draft.label}
                    onInput={(e) => setLevels({ ...levels, [level.level]: { ...draft, label: e.currentTarget.value } })}
                  />
                </div>
                <div class="field">
                  <label for={`level-colour-${level.level}`}>{t('admin.setup.levelColour', { level: level.level })}</label>
                  <input
                    id={`level-colour-${level.level}`}
                    type="color"
                    class="colour"
                    value={draft.colour}
                    onInput={(e) => setLevels({ ...levels, [level.level]: { ...draft, colour: e.currentTarget.value } })}
                  />
                </div>
                <div class="actions">
                  <button type="submit" class="button secondary" disabled={change.busy}>
                    {t('admin.setup.saveLevel', { level: level.level })}
                  </button>
                </div>
              </form>
            </li>
          );
        })}
      </ul>
      <h3 id="add-level">{t('admin.setup.addLevel')}</h3>
      <form
        aria-labelledby="add-level"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await done((key) => addLevel({ input: { campaignId, label: newLevel.label.trim(), colour: newLevel.colour }, idempotencyKey: key }), t('admin.setup.levelAdded'))) {
            setNewLevel({ label: '', colour: '#767676' });
          }
        }}
      >
        <div class="field">
          <label for="new-level-label">{t('admin.setup.newLevelLabel')}</label>
          <input id="new-level-label" value={newLevel.label} onInput={(e) => setNewLevel({ ...newLevel, label: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="new-level-colour">{t('admin.setup.newLevelColour')}</label>
          <input id="new-level-colour" type="color" class="colour" value={newLevel.colour} onInput={(e) => setNewLevel({ ...newLevel, colour: e.currentTarget.value })} />
        </div>
        <div class="actions">
          <button type="submit" class="button secondary" disabled={change.busy}>
            {t('admin.setup.addLevelButton')}
          </button>
        </div>
      </form>
    </section>
  );
}
