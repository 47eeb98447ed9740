// A campaign's field responses (sections → fields → responses, from `Campaign.fieldSections`) as one
// picker, grouped by section and field: the people list and the wall chart filter by a response, and the
// people list adds one to everyone selected.
import { useQuery } from '@urql/preact';
import { graphql } from '../gql';
import { useI18n } from '../i18n';

const FieldResponsesDoc = graphql(`
  query FieldResponses($campaignId: ID!) {
    campaign(id: $campaignId) {
      id
      fieldSections {
        id
        name
        fields {
          id
          name
          kind
          responses {
            id
            name
            retired
          }
        }
      }
    }
  }
`);

export interface ResponseChoice {
  responseId: string;
  fieldId: string;
  name: string;
  retired: boolean;
}

export interface ResponseGroup {
  fieldId: string;
  /// "Section · Field", as the picker's group heading.
  label: string;
  choices: ResponseChoice[];
}

/// The campaign's fields that hold responses, as groups of choices, and a lookup by response id.
export function useFieldResponses(campaignId: string | null): { groups: ResponseGroup[]; byId: Map<string, ResponseChoice> } {
  const [{ data }] = useQuery({ query: FieldResponsesDoc, variables: { campaignId: campaignId ?? '' }, pause: !campaignId });
  const groups: ResponseGroup[] = [];
  const byId = new Map<string, ResponseChoice>();
  for (const section of data?.campaign?.fieldSections ?? []) {
    for (const field of section.fields) {
      if (field.responses.length === 0) continue;
      const choices = field.responses.map((response) => ({
        responseId: response.id,
        fieldId: field.id,
        name: response.name,
        retired: response.retired,
      }));
      for (const choice of choices) byId.set(choice.responseId, choice);
      groups.push({ fieldId: field.id, label: `${section.name} · ${field.name}`, choices });
    }
  }
  return { groups, byId };
}

/// A `<select>` of the responses, grouped by field; retired ones only where `withRetired` (a filter still
/// finds the people who have them; nobody can be given one).
export function ResponseSelect(props: {
  id: string;
  value: string;
  groups: ResponseGroup[];
  empty: string;
  withRetired: boolean;
  onChange: (responseId: string) => void;
  describedBy?: string;
}) {
  const { t } = useI18n();
  return (
    <select id={props.id} value={props.value} aria-describedby={props.describedBy} onChange={(event) => props.onChange(event.currentTarget.value)}>
      <option value="">{props.empty}</option>
      {props.groups.map((group) => {
        const choices = group.choices.filter((choice) => props.withRetired || !choice.retired);
        if (choices.length === 0) return null;
        return (
          <optgroup key={group.label} label={group.label}>
            {choices.map((choice) => (
              <option key={choice.responseId} value={choice.responseId}>
                {choice.retired ? t('fields.retiredResponse', { name: choice.name }) : choice.name}
              </option>
            ))}
          </optgroup>
        );
      })}
    </select>
  );
}
