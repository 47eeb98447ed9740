/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.AssessDocument,
    "\n  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.LogOneOnOneDocument,
    "\n  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.AddNoteDocument,
    "\n  query CampaignTotals($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      campaign {\n        id\n        name\n        goal\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      totals {\n        people\n        assessed\n        uncovered\n        shareOnesAndTwos\n        majority\n        supermajority\n        perLevel {\n          level\n          count\n        }\n      }\n    }\n  }\n": typeof types.CampaignTotalsDocument,
    "\n  query People($campaignId: ID!, $search: String, $after: String) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n        }\n      }\n    }\n  }\n": typeof types.PeopleDocument,
    "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    unitIds\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n": typeof types.PersonDocument,
    "\n  query CampaignScale($id: ID!) {\n    campaign(id: $id) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n  }\n": typeof types.CampaignScaleDocument,
    "\n  query PersonNotes($personId: ID!) {\n    personNotes(personId: $personId) {\n      id\n      kind\n      text\n      erased\n      writtenById\n      at\n    }\n  }\n": typeof types.PersonNotesDocument,
    "\n  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.FlagFollowUpDocument,
    "\n  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.ClearFollowUpDocument,
    "\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          title\n          due\n          status\n          subjectIds\n        }\n      }\n    }\n  }\n": typeof types.MyTasksDocument,
    "\n  query TaskSubject($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n": typeof types.TaskSubjectDocument,
    "\n  subscription MyTaskChanges {\n    myTaskChanges {\n      taskId\n      stillMine\n    }\n  }\n": typeof types.MyTaskChangesDocument,
    "\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.CompleteTaskDocument,
    "\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.ReopenTaskDocument,
    "\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n  }\n": typeof types.WallChartDocument,
    "\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      figures {\n        ...Figures\n      }\n    }\n  }\n": typeof types.WallChartChangesDocument,
    "\n  query StructureTestIds($campaignId: ID!) {\n    activity(campaignId: $campaignId, filter: { kinds: [\"StructureTestCreated\"] }, first: 20) {\n      edges {\n        node {\n          structureTestId\n        }\n      }\n    }\n  }\n": typeof types.StructureTestIdsDocument,
    "\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n": typeof types.StructureTestProgressDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n": types.MeDocument,
    "\n  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.AssessDocument,
    "\n  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.LogOneOnOneDocument,
    "\n  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.AddNoteDocument,
    "\n  query CampaignTotals($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      campaign {\n        id\n        name\n        goal\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      totals {\n        people\n        assessed\n        uncovered\n        shareOnesAndTwos\n        majority\n        supermajority\n        perLevel {\n          level\n          count\n        }\n      }\n    }\n  }\n": types.CampaignTotalsDocument,
    "\n  query People($campaignId: ID!, $search: String, $after: String) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n        }\n      }\n    }\n  }\n": types.PeopleDocument,
    "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    unitIds\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n": types.PersonDocument,
    "\n  query CampaignScale($id: ID!) {\n    campaign(id: $id) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n  }\n": types.CampaignScaleDocument,
    "\n  query PersonNotes($personId: ID!) {\n    personNotes(personId: $personId) {\n      id\n      kind\n      text\n      erased\n      writtenById\n      at\n    }\n  }\n": types.PersonNotesDocument,
    "\n  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.FlagFollowUpDocument,
    "\n  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.ClearFollowUpDocument,
    "\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          title\n          due\n          status\n          subjectIds\n        }\n      }\n    }\n  }\n": types.MyTasksDocument,
    "\n  query TaskSubject($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n": types.TaskSubjectDocument,
    "\n  subscription MyTaskChanges {\n    myTaskChanges {\n      taskId\n      stillMine\n    }\n  }\n": types.MyTaskChangesDocument,
    "\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.CompleteTaskDocument,
    "\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.ReopenTaskDocument,
    "\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n  }\n": types.WallChartDocument,
    "\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      figures {\n        ...Figures\n      }\n    }\n  }\n": types.WallChartChangesDocument,
    "\n  query StructureTestIds($campaignId: ID!) {\n    activity(campaignId: $campaignId, filter: { kinds: [\"StructureTestCreated\"] }, first: 20) {\n      edges {\n        node {\n          structureTestId\n        }\n      }\n    }\n  }\n": types.StructureTestIdsDocument,
    "\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n": types.StructureTestProgressDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignTotals($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      campaign {\n        id\n        name\n        goal\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      totals {\n        people\n        assessed\n        uncovered\n        shareOnesAndTwos\n        majority\n        supermajority\n        perLevel {\n          level\n          count\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignTotals($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      campaign {\n        id\n        name\n        goal\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      totals {\n        people\n        assessed\n        uncovered\n        shareOnesAndTwos\n        majority\n        supermajority\n        perLevel {\n          level\n          count\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query People($campaignId: ID!, $search: String, $after: String) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query People($campaignId: ID!, $search: String, $after: String) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    unitIds\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n"): (typeof documents)["\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    unitIds\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignScale($id: ID!) {\n    campaign(id: $id) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignScale($id: ID!) {\n    campaign(id: $id) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PersonNotes($personId: ID!) {\n    personNotes(personId: $personId) {\n      id\n      kind\n      text\n      erased\n      writtenById\n      at\n    }\n  }\n"): (typeof documents)["\n  query PersonNotes($personId: ID!) {\n    personNotes(personId: $personId) {\n      id\n      kind\n      text\n      erased\n      writtenById\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          title\n          due\n          status\n          subjectIds\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          title\n          due\n          status\n          subjectIds\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskSubject($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query TaskSubject($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyTaskChanges {\n    myTaskChanges {\n      taskId\n      stillMine\n    }\n  }\n"): (typeof documents)["\n  subscription MyTaskChanges {\n    myTaskChanges {\n      taskId\n      stillMine\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n  }\n"): (typeof documents)["\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      figures {\n        ...Figures\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      figures {\n        ...Figures\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StructureTestIds($campaignId: ID!) {\n    activity(campaignId: $campaignId, filter: { kinds: [\"StructureTestCreated\"] }, first: 20) {\n      edges {\n        node {\n          structureTestId\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StructureTestIds($campaignId: ID!) {\n    activity(campaignId: $campaignId, filter: { kinds: [\"StructureTestCreated\"] }, first: 20) {\n      edges {\n        node {\n          structureTestId\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n"): (typeof documents)["\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;