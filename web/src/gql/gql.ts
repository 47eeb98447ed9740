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
    "\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n      canExport\n      language\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation SetMyLanguage($language: String) {\n    setMyLanguage(language: $language) {\n      userId\n      language\n    }\n  }\n": typeof types.SetMyLanguageDocument,
    "\n  query Members {\n    members {\n      userId\n      email\n      role\n      disabled\n    }\n  }\n": typeof types.MembersDocument,
    "\n  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.AssessDocument,
    "\n  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.LogOneOnOneDocument,
    "\n  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.AddNoteDocument,
    "\n  query CampaignTotals($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      campaign {\n        id\n        name\n        goal\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      totals {\n        people\n        assessed\n        uncovered\n        shareOnesAndTwos\n        majority\n        supermajority\n        perLevel {\n          level\n          count\n        }\n      }\n    }\n  }\n": typeof types.CampaignTotalsDocument,
    "\n  query People($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort, $after: String) {\n    people(campaignId: $campaignId, filter: $filter, sort: $sort, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n          version\n        }\n      }\n    }\n  }\n": typeof types.PeopleDocument,
    "\n  query PeopleSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n": typeof types.PeopleSetupDocument,
    "\n  mutation AssignOrganizer($input: AssignOrganizerInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assignOrganizer(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": typeof types.AssignOrganizerDocument,
    "\n  mutation AddPersonFieldResponse($input: AddPersonFieldResponseInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addPersonFieldResponse(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": typeof types.AddPersonFieldResponseDocument,
    "\n  query ExportPeople($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort) {\n    exportPeople(campaignId: $campaignId, filter: $filter, sort: $sort) {\n      rows\n      csv\n    }\n  }\n": typeof types.ExportPeopleDocument,
    "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    version\n    unitIds\n    units {\n      id\n      name\n    }\n    responses {\n      fieldId\n      responseId\n    }\n    connections {\n      id\n      targetKind\n      targetId\n      kind\n      active\n    }\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n": typeof types.PersonDocument,
    "\n  query CampaignScale($id: ID!) {\n    campaign(id: $id) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n  }\n": typeof types.CampaignScaleDocument,
    "\n  query PersonNotes($personId: ID!) {\n    personNotes(personId: $personId) {\n      id\n      kind\n      text\n      erased\n      writtenById\n      at\n    }\n  }\n": typeof types.PersonNotesDocument,
    "\n  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.FlagFollowUpDocument,
    "\n  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.ClearFollowUpDocument,
    "\n  query TaskBoard($campaignId: ID!) {\n    tasks(filter: { campaignId: $campaignId }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...BoardTaskFields\n        }\n      }\n    }\n  }\n  fragment BoardTaskFields on Task {\n    id\n    campaignId\n    kind\n    title\n    assigneeId\n    due\n    status\n    version\n    subjectIds\n  }\n": typeof types.TaskBoardDocument,
    "\n  mutation AssignTask($input: AssignTaskInput!, $idempotencyKey: String) {\n    assignTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n      replayed\n    }\n  }\n": typeof types.AssignTaskDocument,
    "\n  mutation ReassignTask($input: ReassignTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reassignTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": typeof types.ReassignTaskDocument,
    "\n  mutation ChangeTaskDueDate($input: ChangeTaskDueDateInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    changeTaskDueDate(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": typeof types.ChangeTaskDueDateDocument,
    "\n  mutation BoardCompleteTask($input: CompleteTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    completeTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": typeof types.BoardCompleteTaskDocument,
    "\n  mutation BoardReopenTask($input: ReopenTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reopenTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": typeof types.BoardReopenTaskDocument,
    "\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...MyTaskFields\n        }\n      }\n    }\n  }\n  fragment MyTaskFields on Task {\n    id\n    kind\n    title\n    due\n    status\n    subjectIds\n    version\n  }\n": typeof types.MyTasksDocument,
    "\n  query TaskSubject($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n": typeof types.TaskSubjectDocument,
    "\n  subscription MyTaskChanges {\n    myTaskChanges {\n      taskId\n      stillMine\n    }\n  }\n": typeof types.MyTaskChangesDocument,
    "\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n": typeof types.CompleteTaskDocument,
    "\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n": typeof types.ReopenTaskDocument,
    "\n  query CampaignStructureTests($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n    }\n    structureTests(campaignId: $campaignId) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      scopeUnitIds\n      totals {\n        inScope\n        asked\n        committed\n        participated\n        declined\n        participation\n        goalReached\n      }\n      units {\n        unitId\n        name\n        depth\n        figures {\n          inScope\n          participated\n          participation\n          goalReached\n        }\n      }\n      people {\n        personId\n        name\n        step\n      }\n    }\n  }\n": typeof types.CampaignStructureTestsDocument,
    "\n  mutation CreateStructureTest($input: CreateStructureTestInput!, $idempotencyKey: String) {\n    createStructureTest(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": typeof types.CreateStructureTestDocument,
    "\n  mutation RecordStructureTestStep($input: RecordStructureTestStepInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    recordStructureTestStep(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": typeof types.RecordStructureTestStepDocument,
    "\n  query PersonVersion($id: ID!) {\n    person(id: $id) {\n      id\n      version\n    }\n  }\n": typeof types.PersonVersionDocument,
    "\n  query ParticipationCurve($id: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    structureTestParticipationCurve(structureTestId: $id, from: $from, to: $to) {\n      day\n      asked\n      committed\n      participated\n      declined\n    }\n  }\n": typeof types.ParticipationCurveDocument,
    "\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID, $responseIds: [ID!]) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId, responseIds: $responseIds) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n    lastContact\n  }\n": typeof types.WallChartDocument,
    "\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      unitIds\n      responseIds\n      figures {\n        ...Figures\n      }\n    }\n  }\n": typeof types.WallChartChangesDocument,
    "\n  query AccessLog($first: Int!, $offset: Int!) {\n    accessLog(first: $first, offset: $offset) {\n      at\n      userId\n      action\n      subjectId\n      detail\n    }\n    users {\n      id\n      email\n    }\n  }\n": typeof types.AccessLogDocument,
    "\n  query CampaignSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n      scale {\n        level\n        label\n        colour\n      }\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          allowsMultiple\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n": typeof types.CampaignSetupDocument,
    "\n  mutation SetupAddUnit($input: AddUnitInput!, $idempotencyKey: String) {\n    addUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupAddUnitDocument,
    "\n  mutation SetupRenameUnit($input: RenameUnitInput!, $idempotencyKey: String) {\n    renameUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRenameUnitDocument,
    "\n  mutation SetupMoveUnit($input: MoveUnitInput!, $idempotencyKey: String) {\n    moveUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupMoveUnitDocument,
    "\n  mutation SetupRetireUnit($input: RetireUnitInput!, $idempotencyKey: String) {\n    retireUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRetireUnitDocument,
    "\n  mutation SetupAddFieldSection($input: AddFieldSectionInput!, $idempotencyKey: String) {\n    addFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupAddFieldSectionDocument,
    "\n  mutation SetupRenameFieldSection($input: RenameFieldSectionInput!, $idempotencyKey: String) {\n    renameFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRenameFieldSectionDocument,
    "\n  mutation SetupAddField($input: AddFieldInput!, $idempotencyKey: String) {\n    addField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupAddFieldDocument,
    "\n  mutation SetupRenameField($input: RenameFieldInput!, $idempotencyKey: String) {\n    renameField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRenameFieldDocument,
    "\n  mutation SetupAddFieldResponse($input: AddFieldResponseInput!, $idempotencyKey: String) {\n    addFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupAddFieldResponseDocument,
    "\n  mutation SetupRenameFieldResponse($input: RenameFieldResponseInput!, $idempotencyKey: String) {\n    renameFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRenameFieldResponseDocument,
    "\n  mutation SetupRetireFieldResponse($input: RetireFieldResponseInput!, $idempotencyKey: String) {\n    retireFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRetireFieldResponseDocument,
    "\n  mutation SetupRelabelLevel($input: RelabelAssessmentLevelInput!, $idempotencyKey: String) {\n    relabelAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupRelabelLevelDocument,
    "\n  mutation SetupAddLevel($input: AddAssessmentLevelInput!, $idempotencyKey: String) {\n    addAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": typeof types.SetupAddLevelDocument,
    "\n  query Imports($campaignId: ID!) {\n    imports(campaignId: $campaignId) {\n      ...ImportSummary\n    }\n  }\n  fragment ImportSummary on Import {\n    id\n    fileName\n    createdById\n    createdAt\n    state\n    counts {\n      rows\n      created\n      updated\n      unchanged\n      errors\n    }\n  }\n": typeof types.ImportsDocument,
    "\n  mutation UploadImport($input: UploadImportInput!) {\n    uploadImport(input: $input) {\n      import {\n        ...ImportSummary\n        defaultRegion\n      }\n      encoding\n      delimiter\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n": typeof types.UploadImportDocument,
    "\n  mutation MapImport($input: MapImportInput!) {\n    mapImport(input: $input) {\n      import {\n        id\n      }\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n": typeof types.MapImportDocument,
    "\n  mutation PreviewImport($input: PreviewImportInput!) {\n    previewImport(input: $input) {\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n      rows {\n        line\n        action\n        personId\n        matchedBy\n        changes\n        errors {\n          line\n          column\n          message\n        }\n      }\n    }\n  }\n": typeof types.PreviewImportDocument,
    "\n  mutation CommitImport($input: CommitImportInput!) {\n    commitImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n    }\n  }\n": typeof types.CommitImportDocument,
    "\n  query ImportProgress($id: ID!) {\n    import(id: $id) {\n      id\n      state\n      progress {\n        rowsDone\n        rowsTotal\n      }\n    }\n  }\n": typeof types.ImportProgressDocument,
    "\n  mutation UndoImport($input: UndoImportInput!) {\n    undoImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      people\n      laterChanges {\n        personId\n        aspect\n        changedAt\n        overwritten\n      }\n      refused {\n        personId\n        reason\n      }\n    }\n  }\n": typeof types.UndoImportDocument,
    "\n  query ImportUploadLimit {\n    importUploadLimit\n  }\n": typeof types.ImportUploadLimitDocument,
    "\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      role\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": typeof types.MyApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  mutation SetUserRole($input: SetUserRoleInput!) {\n    setUserRole(input: $input) {\n      id\n      role\n      personalData\n      canExport\n    }\n  }\n": typeof types.SetUserRoleDocument,
    "\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n": typeof types.DisableUserDocument,
    "\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n": typeof types.EnableUserDocument,
    "\n  mutation ResetUserPassword($userId: ID!) {\n    resetUserPassword(userId: $userId)\n  }\n": typeof types.ResetUserPasswordDocument,
    "\n  mutation SetUserCampaigns($input: SetUserCampaignsInput!) {\n    setUserCampaigns(input: $input) {\n      id\n      campaignIds\n    }\n  }\n": typeof types.SetUserCampaignsDocument,
    "\n  mutation AssignTurfUnit($input: TurfUnitInput!) {\n    assignTurfUnit(input: $input) {\n      id\n    }\n  }\n": typeof types.AssignTurfUnitDocument,
    "\n  mutation UnassignTurfUnit($input: TurfUnitInput!) {\n    unassignTurfUnit(input: $input) {\n      id\n    }\n  }\n": typeof types.UnassignTurfUnitDocument,
    "\n  query UnitTree($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n": typeof types.UnitTreeDocument,
    "\n  query AdminUsers {\n    users {\n      id\n      email\n      role\n      personalData\n      canExport\n      disabled\n      campaignIds\n      turfUnits {\n        campaignId\n        unitId\n      }\n    }\n  }\n": typeof types.AdminUsersDocument,
    "\n  query AdminInvitations {\n    invitations {\n      id\n      email\n      role\n      expiresAt\n      expired\n    }\n  }\n": typeof types.AdminInvitationsDocument,
    "\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      invitation {\n        id\n        email\n      }\n      path\n    }\n  }\n": typeof types.AddUserDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n    }\n  }\n": typeof types.RevokeInvitationDocument,
    "\n  query FieldResponses($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n  }\n": typeof types.FieldResponsesDocument,
    "\n  mutation AddContactPoint($input: AddContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.AddContactPointDocument,
    "\n  mutation RemoveContactPoint($input: RemoveContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    removeContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.RemoveContactPointDocument,
    "\n  mutation SetDoNotContact($input: SetDoNotContactInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    setDoNotContact(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.SetDoNotContactDocument,
    "\n  mutation JoinUnit($input: JoinUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    joinUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.JoinUnitDocument,
    "\n  mutation LeaveUnit($input: LeaveUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    leaveUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.LeaveUnitDocument,
    "\n  mutation Connect($input: ConnectInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    connect(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.ConnectDocument,
    "\n  mutation DeactivateConnection($input: DeactivateConnectionInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    deactivateConnection(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": typeof types.DeactivateConnectionDocument,
    "\n  query CampaignUnits($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n": typeof types.CampaignUnitsDocument,
    "\n  query FindPeople($campaignId: ID!, $search: String!) {\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 10) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.FindPeopleDocument,
    "\n  query PersonName($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n": typeof types.PersonNameDocument,
    "\n  query StructureTestIds($campaignId: ID!) {\n    structureTests(campaignId: $campaignId) {\n      id\n    }\n  }\n": typeof types.StructureTestIdsDocument,
    "\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n": typeof types.StructureTestProgressDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n      canExport\n      language\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n": types.MeDocument,
    "\n  mutation SetMyLanguage($language: String) {\n    setMyLanguage(language: $language) {\n      userId\n      language\n    }\n  }\n": types.SetMyLanguageDocument,
    "\n  query Members {\n    members {\n      userId\n      email\n      role\n      disabled\n    }\n  }\n": types.MembersDocument,
    "\n  mutation Assess($input: AssessPersonInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assessPerson(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.AssessDocument,
    "\n  mutation LogOneOnOne($input: LogOneOnOneInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    logOneOnOne(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.LogOneOnOneDocument,
    "\n  mutation AddNote($input: AddNoteInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addNote(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.AddNoteDocument,
    "\n  query CampaignTotals($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      campaign {\n        id\n        name\n        goal\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      totals {\n        people\n        assessed\n        uncovered\n        shareOnesAndTwos\n        majority\n        supermajority\n        perLevel {\n          level\n          count\n        }\n      }\n    }\n  }\n": types.CampaignTotalsDocument,
    "\n  query People($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort, $after: String) {\n    people(campaignId: $campaignId, filter: $filter, sort: $sort, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n          version\n        }\n      }\n    }\n  }\n": types.PeopleDocument,
    "\n  query PeopleSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n": types.PeopleSetupDocument,
    "\n  mutation AssignOrganizer($input: AssignOrganizerInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assignOrganizer(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": types.AssignOrganizerDocument,
    "\n  mutation AddPersonFieldResponse($input: AddPersonFieldResponseInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addPersonFieldResponse(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": types.AddPersonFieldResponseDocument,
    "\n  query ExportPeople($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort) {\n    exportPeople(campaignId: $campaignId, filter: $filter, sort: $sort) {\n      rows\n      csv\n    }\n  }\n": types.ExportPeopleDocument,
    "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    version\n    unitIds\n    units {\n      id\n      name\n    }\n    responses {\n      fieldId\n      responseId\n    }\n    connections {\n      id\n      targetKind\n      targetId\n      kind\n      active\n    }\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n": types.PersonDocument,
    "\n  query CampaignScale($id: ID!) {\n    campaign(id: $id) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n  }\n": types.CampaignScaleDocument,
    "\n  query PersonNotes($personId: ID!) {\n    personNotes(personId: $personId) {\n      id\n      kind\n      text\n      erased\n      writtenById\n      at\n    }\n  }\n": types.PersonNotesDocument,
    "\n  mutation FlagFollowUp($input: FlagFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    flagFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.FlagFollowUpDocument,
    "\n  mutation ClearFollowUp($input: ClearFollowUpInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    clearFollowUp(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.ClearFollowUpDocument,
    "\n  query TaskBoard($campaignId: ID!) {\n    tasks(filter: { campaignId: $campaignId }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...BoardTaskFields\n        }\n      }\n    }\n  }\n  fragment BoardTaskFields on Task {\n    id\n    campaignId\n    kind\n    title\n    assigneeId\n    due\n    status\n    version\n    subjectIds\n  }\n": types.TaskBoardDocument,
    "\n  mutation AssignTask($input: AssignTaskInput!, $idempotencyKey: String) {\n    assignTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n      replayed\n    }\n  }\n": types.AssignTaskDocument,
    "\n  mutation ReassignTask($input: ReassignTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reassignTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": types.ReassignTaskDocument,
    "\n  mutation ChangeTaskDueDate($input: ChangeTaskDueDateInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    changeTaskDueDate(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": types.ChangeTaskDueDateDocument,
    "\n  mutation BoardCompleteTask($input: CompleteTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    completeTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": types.BoardCompleteTaskDocument,
    "\n  mutation BoardReopenTask($input: ReopenTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reopenTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n": types.BoardReopenTaskDocument,
    "\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...MyTaskFields\n        }\n      }\n    }\n  }\n  fragment MyTaskFields on Task {\n    id\n    kind\n    title\n    due\n    status\n    subjectIds\n    version\n  }\n": types.MyTasksDocument,
    "\n  query TaskSubject($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n": types.TaskSubjectDocument,
    "\n  subscription MyTaskChanges {\n    myTaskChanges {\n      taskId\n      stillMine\n    }\n  }\n": types.MyTaskChangesDocument,
    "\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n": types.CompleteTaskDocument,
    "\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n": types.ReopenTaskDocument,
    "\n  query CampaignStructureTests($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n    }\n    structureTests(campaignId: $campaignId) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      scopeUnitIds\n      totals {\n        inScope\n        asked\n        committed\n        participated\n        declined\n        participation\n        goalReached\n      }\n      units {\n        unitId\n        name\n        depth\n        figures {\n          inScope\n          participated\n          participation\n          goalReached\n        }\n      }\n      people {\n        personId\n        name\n        step\n      }\n    }\n  }\n": types.CampaignStructureTestsDocument,
    "\n  mutation CreateStructureTest($input: CreateStructureTestInput!, $idempotencyKey: String) {\n    createStructureTest(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": types.CreateStructureTestDocument,
    "\n  mutation RecordStructureTestStep($input: RecordStructureTestStepInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    recordStructureTestStep(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n": types.RecordStructureTestStepDocument,
    "\n  query PersonVersion($id: ID!) {\n    person(id: $id) {\n      id\n      version\n    }\n  }\n": types.PersonVersionDocument,
    "\n  query ParticipationCurve($id: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    structureTestParticipationCurve(structureTestId: $id, from: $from, to: $to) {\n      day\n      asked\n      committed\n      participated\n      declined\n    }\n  }\n": types.ParticipationCurveDocument,
    "\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID, $responseIds: [ID!]) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId, responseIds: $responseIds) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n    lastContact\n  }\n": types.WallChartDocument,
    "\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      unitIds\n      responseIds\n      figures {\n        ...Figures\n      }\n    }\n  }\n": types.WallChartChangesDocument,
    "\n  query AccessLog($first: Int!, $offset: Int!) {\n    accessLog(first: $first, offset: $offset) {\n      at\n      userId\n      action\n      subjectId\n      detail\n    }\n    users {\n      id\n      email\n    }\n  }\n": types.AccessLogDocument,
    "\n  query CampaignSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n      scale {\n        level\n        label\n        colour\n      }\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          allowsMultiple\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n": types.CampaignSetupDocument,
    "\n  mutation SetupAddUnit($input: AddUnitInput!, $idempotencyKey: String) {\n    addUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupAddUnitDocument,
    "\n  mutation SetupRenameUnit($input: RenameUnitInput!, $idempotencyKey: String) {\n    renameUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRenameUnitDocument,
    "\n  mutation SetupMoveUnit($input: MoveUnitInput!, $idempotencyKey: String) {\n    moveUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupMoveUnitDocument,
    "\n  mutation SetupRetireUnit($input: RetireUnitInput!, $idempotencyKey: String) {\n    retireUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRetireUnitDocument,
    "\n  mutation SetupAddFieldSection($input: AddFieldSectionInput!, $idempotencyKey: String) {\n    addFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupAddFieldSectionDocument,
    "\n  mutation SetupRenameFieldSection($input: RenameFieldSectionInput!, $idempotencyKey: String) {\n    renameFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRenameFieldSectionDocument,
    "\n  mutation SetupAddField($input: AddFieldInput!, $idempotencyKey: String) {\n    addField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupAddFieldDocument,
    "\n  mutation SetupRenameField($input: RenameFieldInput!, $idempotencyKey: String) {\n    renameField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRenameFieldDocument,
    "\n  mutation SetupAddFieldResponse($input: AddFieldResponseInput!, $idempotencyKey: String) {\n    addFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupAddFieldResponseDocument,
    "\n  mutation SetupRenameFieldResponse($input: RenameFieldResponseInput!, $idempotencyKey: String) {\n    renameFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRenameFieldResponseDocument,
    "\n  mutation SetupRetireFieldResponse($input: RetireFieldResponseInput!, $idempotencyKey: String) {\n    retireFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRetireFieldResponseDocument,
    "\n  mutation SetupRelabelLevel($input: RelabelAssessmentLevelInput!, $idempotencyKey: String) {\n    relabelAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupRelabelLevelDocument,
    "\n  mutation SetupAddLevel($input: AddAssessmentLevelInput!, $idempotencyKey: String) {\n    addAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n": types.SetupAddLevelDocument,
    "\n  query Imports($campaignId: ID!) {\n    imports(campaignId: $campaignId) {\n      ...ImportSummary\n    }\n  }\n  fragment ImportSummary on Import {\n    id\n    fileName\n    createdById\n    createdAt\n    state\n    counts {\n      rows\n      created\n      updated\n      unchanged\n      errors\n    }\n  }\n": types.ImportsDocument,
    "\n  mutation UploadImport($input: UploadImportInput!) {\n    uploadImport(input: $input) {\n      import {\n        ...ImportSummary\n        defaultRegion\n      }\n      encoding\n      delimiter\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n": types.UploadImportDocument,
    "\n  mutation MapImport($input: MapImportInput!) {\n    mapImport(input: $input) {\n      import {\n        id\n      }\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n": types.MapImportDocument,
    "\n  mutation PreviewImport($input: PreviewImportInput!) {\n    previewImport(input: $input) {\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n      rows {\n        line\n        action\n        personId\n        matchedBy\n        changes\n        errors {\n          line\n          column\n          message\n        }\n      }\n    }\n  }\n": types.PreviewImportDocument,
    "\n  mutation CommitImport($input: CommitImportInput!) {\n    commitImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n    }\n  }\n": types.CommitImportDocument,
    "\n  query ImportProgress($id: ID!) {\n    import(id: $id) {\n      id\n      state\n      progress {\n        rowsDone\n        rowsTotal\n      }\n    }\n  }\n": types.ImportProgressDocument,
    "\n  mutation UndoImport($input: UndoImportInput!) {\n    undoImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      people\n      laterChanges {\n        personId\n        aspect\n        changedAt\n        overwritten\n      }\n      refused {\n        personId\n        reason\n      }\n    }\n  }\n": types.UndoImportDocument,
    "\n  query ImportUploadLimit {\n    importUploadLimit\n  }\n": types.ImportUploadLimitDocument,
    "\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      role\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n": types.MyApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  mutation SetUserRole($input: SetUserRoleInput!) {\n    setUserRole(input: $input) {\n      id\n      role\n      personalData\n      canExport\n    }\n  }\n": types.SetUserRoleDocument,
    "\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n": types.DisableUserDocument,
    "\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n": types.EnableUserDocument,
    "\n  mutation ResetUserPassword($userId: ID!) {\n    resetUserPassword(userId: $userId)\n  }\n": types.ResetUserPasswordDocument,
    "\n  mutation SetUserCampaigns($input: SetUserCampaignsInput!) {\n    setUserCampaigns(input: $input) {\n      id\n      campaignIds\n    }\n  }\n": types.SetUserCampaignsDocument,
    "\n  mutation AssignTurfUnit($input: TurfUnitInput!) {\n    assignTurfUnit(input: $input) {\n      id\n    }\n  }\n": types.AssignTurfUnitDocument,
    "\n  mutation UnassignTurfUnit($input: TurfUnitInput!) {\n    unassignTurfUnit(input: $input) {\n      id\n    }\n  }\n": types.UnassignTurfUnitDocument,
    "\n  query UnitTree($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n": types.UnitTreeDocument,
    "\n  query AdminUsers {\n    users {\n      id\n      email\n      role\n      personalData\n      canExport\n      disabled\n      campaignIds\n      turfUnits {\n        campaignId\n        unitId\n      }\n    }\n  }\n": types.AdminUsersDocument,
    "\n  query AdminInvitations {\n    invitations {\n      id\n      email\n      role\n      expiresAt\n      expired\n    }\n  }\n": types.AdminInvitationsDocument,
    "\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      invitation {\n        id\n        email\n      }\n      path\n    }\n  }\n": types.AddUserDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n    }\n  }\n": types.RevokeInvitationDocument,
    "\n  query FieldResponses($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n  }\n": types.FieldResponsesDocument,
    "\n  mutation AddContactPoint($input: AddContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.AddContactPointDocument,
    "\n  mutation RemoveContactPoint($input: RemoveContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    removeContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.RemoveContactPointDocument,
    "\n  mutation SetDoNotContact($input: SetDoNotContactInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    setDoNotContact(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.SetDoNotContactDocument,
    "\n  mutation JoinUnit($input: JoinUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    joinUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.JoinUnitDocument,
    "\n  mutation LeaveUnit($input: LeaveUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    leaveUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.LeaveUnitDocument,
    "\n  mutation Connect($input: ConnectInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    connect(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.ConnectDocument,
    "\n  mutation DeactivateConnection($input: DeactivateConnectionInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    deactivateConnection(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n": types.DeactivateConnectionDocument,
    "\n  query CampaignUnits($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n": types.CampaignUnitsDocument,
    "\n  query FindPeople($campaignId: ID!, $search: String!) {\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 10) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.FindPeopleDocument,
    "\n  query PersonName($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n": types.PersonNameDocument,
    "\n  query StructureTestIds($campaignId: ID!) {\n    structureTests(campaignId: $campaignId) {\n      id\n    }\n  }\n": types.StructureTestIdsDocument,
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
export function graphql(source: "\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n      canExport\n      language\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      userId\n      chapterId\n      role\n      canExport\n      language\n    }\n    campaigns {\n      id\n      name\n      archived\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetMyLanguage($language: String) {\n    setMyLanguage(language: $language) {\n      userId\n      language\n    }\n  }\n"): (typeof documents)["\n  mutation SetMyLanguage($language: String) {\n    setMyLanguage(language: $language) {\n      userId\n      language\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members {\n    members {\n      userId\n      email\n      role\n      disabled\n    }\n  }\n"): (typeof documents)["\n  query Members {\n    members {\n      userId\n      email\n      role\n      disabled\n    }\n  }\n"];
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
export function graphql(source: "\n  query People($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort, $after: String) {\n    people(campaignId: $campaignId, filter: $filter, sort: $sort, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n          version\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query People($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort, $after: String) {\n    people(campaignId: $campaignId, filter: $filter, sort: $sort, first: 50, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          level\n          organizerId\n          followUp\n          version\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PeopleSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n"): (typeof documents)["\n  query PeopleSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      scale {\n        level\n        label\n        colour\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignOrganizer($input: AssignOrganizerInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assignOrganizer(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"): (typeof documents)["\n  mutation AssignOrganizer($input: AssignOrganizerInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    assignOrganizer(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddPersonFieldResponse($input: AddPersonFieldResponseInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addPersonFieldResponse(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"): (typeof documents)["\n  mutation AddPersonFieldResponse($input: AddPersonFieldResponseInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addPersonFieldResponse(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportPeople($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort) {\n    exportPeople(campaignId: $campaignId, filter: $filter, sort: $sort) {\n      rows\n      csv\n    }\n  }\n"): (typeof documents)["\n  query ExportPeople($campaignId: ID!, $filter: PeopleFilter, $sort: PeopleSort) {\n    exportPeople(campaignId: $campaignId, filter: $filter, sort: $sort) {\n      rows\n      csv\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    version\n    unitIds\n    units {\n      id\n      name\n    }\n    responses {\n      fieldId\n      responseId\n    }\n    connections {\n      id\n      targetKind\n      targetId\n      kind\n      active\n    }\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n"): (typeof documents)["\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonDetail\n    }\n  }\n  fragment PersonDetail on Person {\n    id\n    campaignId\n    name\n    status\n    level\n    organizerId\n    followUp\n    version\n    unitIds\n    units {\n      id\n      name\n    }\n    responses {\n      fieldId\n      responseId\n    }\n    connections {\n      id\n      targetKind\n      targetId\n      kind\n      active\n    }\n    contactPoints {\n      id\n      kind\n      label\n      value\n      doNotContact\n    }\n    history {\n      position\n      actorId\n      at\n      kind\n      summary\n    }\n  }\n"];
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
export function graphql(source: "\n  query TaskBoard($campaignId: ID!) {\n    tasks(filter: { campaignId: $campaignId }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...BoardTaskFields\n        }\n      }\n    }\n  }\n  fragment BoardTaskFields on Task {\n    id\n    campaignId\n    kind\n    title\n    assigneeId\n    due\n    status\n    version\n    subjectIds\n  }\n"): (typeof documents)["\n  query TaskBoard($campaignId: ID!) {\n    tasks(filter: { campaignId: $campaignId }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...BoardTaskFields\n        }\n      }\n    }\n  }\n  fragment BoardTaskFields on Task {\n    id\n    campaignId\n    kind\n    title\n    assigneeId\n    due\n    status\n    version\n    subjectIds\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignTask($input: AssignTaskInput!, $idempotencyKey: String) {\n    assignTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n      replayed\n    }\n  }\n"): (typeof documents)["\n  mutation AssignTask($input: AssignTaskInput!, $idempotencyKey: String) {\n    assignTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n      replayed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReassignTask($input: ReassignTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reassignTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReassignTask($input: ReassignTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reassignTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeTaskDueDate($input: ChangeTaskDueDateInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    changeTaskDueDate(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeTaskDueDate($input: ChangeTaskDueDateInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    changeTaskDueDate(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BoardCompleteTask($input: CompleteTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    completeTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BoardCompleteTask($input: CompleteTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    completeTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BoardReopenTask($input: ReopenTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reopenTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BoardReopenTask($input: ReopenTaskInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    reopenTask(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...BoardTaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...MyTaskFields\n        }\n      }\n    }\n  }\n  fragment MyTaskFields on Task {\n    id\n    kind\n    title\n    due\n    status\n    subjectIds\n    version\n  }\n"): (typeof documents)["\n  query MyTasks($status: TaskStatus) {\n    myTasks(filter: { status: $status }, first: 100) {\n      totalCount\n      edges {\n        node {\n          ...MyTaskFields\n        }\n      }\n    }\n  }\n  fragment MyTaskFields on Task {\n    id\n    kind\n    title\n    due\n    status\n    subjectIds\n    version\n  }\n"];
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
export function graphql(source: "\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteTask($input: CompleteTaskInput!, $idempotencyKey: String) {\n    completeTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenTask($input: ReopenTaskInput!, $idempotencyKey: String) {\n    reopenTask(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      task {\n        ...MyTaskFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignStructureTests($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n    }\n    structureTests(campaignId: $campaignId) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      scopeUnitIds\n      totals {\n        inScope\n        asked\n        committed\n        participated\n        declined\n        participation\n        goalReached\n      }\n      units {\n        unitId\n        name\n        depth\n        figures {\n          inScope\n          participated\n          participation\n          goalReached\n        }\n      }\n      people {\n        personId\n        name\n        step\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignStructureTests($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n    }\n    structureTests(campaignId: $campaignId) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      scopeUnitIds\n      totals {\n        inScope\n        asked\n        committed\n        participated\n        declined\n        participation\n        goalReached\n      }\n      units {\n        unitId\n        name\n        depth\n        figures {\n          inScope\n          participated\n          participation\n          goalReached\n        }\n      }\n      people {\n        personId\n        name\n        step\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateStructureTest($input: CreateStructureTestInput!, $idempotencyKey: String) {\n    createStructureTest(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"): (typeof documents)["\n  mutation CreateStructureTest($input: CreateStructureTestInput!, $idempotencyKey: String) {\n    createStructureTest(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordStructureTestStep($input: RecordStructureTestStepInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    recordStructureTestStep(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"): (typeof documents)["\n  mutation RecordStructureTestStep($input: RecordStructureTestStepInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    recordStructureTestStep(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      replayed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PersonVersion($id: ID!) {\n    person(id: $id) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  query PersonVersion($id: ID!) {\n    person(id: $id) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ParticipationCurve($id: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    structureTestParticipationCurve(structureTestId: $id, from: $from, to: $to) {\n      day\n      asked\n      committed\n      participated\n      declined\n    }\n  }\n"): (typeof documents)["\n  query ParticipationCurve($id: ID!, $from: NaiveDate!, $to: NaiveDate!) {\n    structureTestParticipationCurve(structureTestId: $id, from: $from, to: $to) {\n      day\n      asked\n      committed\n      participated\n      declined\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID, $responseIds: [ID!]) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId, responseIds: $responseIds) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n    lastContact\n  }\n"): (typeof documents)["\n  query WallChart($campaignId: ID!, $asOf: DateTime, $structureTestId: ID, $responseIds: [ID!]) {\n    wallChart(campaignId: $campaignId, asOf: $asOf, structureTestId: $structureTestId, responseIds: $responseIds) {\n      asOf\n      campaign {\n        id\n        name\n        scale {\n          level\n          label\n          colour\n        }\n      }\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n        figures {\n          ...Figures\n        }\n        people {\n          ...Cell\n        }\n      }\n      unplaced {\n        ...Cell\n      }\n      totals {\n        ...Figures\n      }\n    }\n  }\n  fragment Figures on UnitFigures {\n    people\n    assessed\n    uncovered\n    shareOnesAndTwos\n    majority\n    supermajority\n    perLevel {\n      level\n      count\n    }\n    structureTest {\n      inScope\n      participated\n      participation\n      goalReached\n    }\n  }\n  fragment Cell on PersonCell {\n    personId\n    name\n    level\n    organizerId\n    followUp\n    lastContact\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      unitIds\n      responseIds\n      figures {\n        ...Figures\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription WallChartChanges($campaignId: ID!) {\n    wallChartChanges(campaignId: $campaignId, announce: true) {\n      kind\n      personId\n      unitId\n      cell {\n        ...Cell\n      }\n      unitIds\n      responseIds\n      figures {\n        ...Figures\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccessLog($first: Int!, $offset: Int!) {\n    accessLog(first: $first, offset: $offset) {\n      at\n      userId\n      action\n      subjectId\n      detail\n    }\n    users {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  query AccessLog($first: Int!, $offset: Int!) {\n    accessLog(first: $first, offset: $offset) {\n      at\n      userId\n      action\n      subjectId\n      detail\n    }\n    users {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n      scale {\n        level\n        label\n        colour\n      }\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          allowsMultiple\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignSetup($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      name\n      scale {\n        level\n        label\n        colour\n      }\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          allowsMultiple\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupAddUnit($input: AddUnitInput!, $idempotencyKey: String) {\n    addUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupAddUnit($input: AddUnitInput!, $idempotencyKey: String) {\n    addUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRenameUnit($input: RenameUnitInput!, $idempotencyKey: String) {\n    renameUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRenameUnit($input: RenameUnitInput!, $idempotencyKey: String) {\n    renameUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupMoveUnit($input: MoveUnitInput!, $idempotencyKey: String) {\n    moveUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupMoveUnit($input: MoveUnitInput!, $idempotencyKey: String) {\n    moveUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRetireUnit($input: RetireUnitInput!, $idempotencyKey: String) {\n    retireUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRetireUnit($input: RetireUnitInput!, $idempotencyKey: String) {\n    retireUnit(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupAddFieldSection($input: AddFieldSectionInput!, $idempotencyKey: String) {\n    addFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupAddFieldSection($input: AddFieldSectionInput!, $idempotencyKey: String) {\n    addFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRenameFieldSection($input: RenameFieldSectionInput!, $idempotencyKey: String) {\n    renameFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRenameFieldSection($input: RenameFieldSectionInput!, $idempotencyKey: String) {\n    renameFieldSection(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupAddField($input: AddFieldInput!, $idempotencyKey: String) {\n    addField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupAddField($input: AddFieldInput!, $idempotencyKey: String) {\n    addField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRenameField($input: RenameFieldInput!, $idempotencyKey: String) {\n    renameField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRenameField($input: RenameFieldInput!, $idempotencyKey: String) {\n    renameField(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupAddFieldResponse($input: AddFieldResponseInput!, $idempotencyKey: String) {\n    addFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupAddFieldResponse($input: AddFieldResponseInput!, $idempotencyKey: String) {\n    addFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRenameFieldResponse($input: RenameFieldResponseInput!, $idempotencyKey: String) {\n    renameFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRenameFieldResponse($input: RenameFieldResponseInput!, $idempotencyKey: String) {\n    renameFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRetireFieldResponse($input: RetireFieldResponseInput!, $idempotencyKey: String) {\n    retireFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRetireFieldResponse($input: RetireFieldResponseInput!, $idempotencyKey: String) {\n    retireFieldResponse(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupRelabelLevel($input: RelabelAssessmentLevelInput!, $idempotencyKey: String) {\n    relabelAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupRelabelLevel($input: RelabelAssessmentLevelInput!, $idempotencyKey: String) {\n    relabelAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupAddLevel($input: AddAssessmentLevelInput!, $idempotencyKey: String) {\n    addAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation SetupAddLevel($input: AddAssessmentLevelInput!, $idempotencyKey: String) {\n    addAssessmentLevel(input: $input, idempotencyKey: $idempotencyKey) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Imports($campaignId: ID!) {\n    imports(campaignId: $campaignId) {\n      ...ImportSummary\n    }\n  }\n  fragment ImportSummary on Import {\n    id\n    fileName\n    createdById\n    createdAt\n    state\n    counts {\n      rows\n      created\n      updated\n      unchanged\n      errors\n    }\n  }\n"): (typeof documents)["\n  query Imports($campaignId: ID!) {\n    imports(campaignId: $campaignId) {\n      ...ImportSummary\n    }\n  }\n  fragment ImportSummary on Import {\n    id\n    fileName\n    createdById\n    createdAt\n    state\n    counts {\n      rows\n      created\n      updated\n      unchanged\n      errors\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadImport($input: UploadImportInput!) {\n    uploadImport(input: $input) {\n      import {\n        ...ImportSummary\n        defaultRegion\n      }\n      encoding\n      delimiter\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UploadImport($input: UploadImportInput!) {\n    uploadImport(input: $input) {\n      import {\n        ...ImportSummary\n        defaultRegion\n      }\n      encoding\n      delimiter\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MapImport($input: MapImportInput!) {\n    mapImport(input: $input) {\n      import {\n        id\n      }\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MapImport($input: MapImportInput!) {\n    mapImport(input: $input) {\n      import {\n        id\n      }\n      columns {\n        column\n        target\n        overwrite\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewImport($input: PreviewImportInput!) {\n    previewImport(input: $input) {\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n      rows {\n        line\n        action\n        personId\n        matchedBy\n        changes\n        errors {\n          line\n          column\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewImport($input: PreviewImportInput!) {\n    previewImport(input: $input) {\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n      rows {\n        line\n        action\n        personId\n        matchedBy\n        changes\n        errors {\n          line\n          column\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CommitImport($input: CommitImportInput!) {\n    commitImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CommitImport($input: CommitImportInput!) {\n    commitImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      totals {\n        rows\n        create\n        update\n        unchanged\n        error\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportProgress($id: ID!) {\n    import(id: $id) {\n      id\n      state\n      progress {\n        rowsDone\n        rowsTotal\n      }\n    }\n  }\n"): (typeof documents)["\n  query ImportProgress($id: ID!) {\n    import(id: $id) {\n      id\n      state\n      progress {\n        rowsDone\n        rowsTotal\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UndoImport($input: UndoImportInput!) {\n    undoImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      people\n      laterChanges {\n        personId\n        aspect\n        changedAt\n        overwritten\n      }\n      refused {\n        personId\n        reason\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UndoImport($input: UndoImportInput!) {\n    undoImport(input: $input) {\n      import {\n        ...ImportSummary\n      }\n      people\n      laterChanges {\n        personId\n        aspect\n        changedAt\n        overwritten\n      }\n      refused {\n        personId\n        reason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportUploadLimit {\n    importUploadLimit\n  }\n"): (typeof documents)["\n  query ImportUploadLimit {\n    importUploadLimit\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      role\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  query MyApiTokens {\n    myApiTokens {\n      id\n      name\n      role\n      createdAt\n      lastUsedAt\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRole($input: SetUserRoleInput!) {\n    setUserRole(input: $input) {\n      id\n      role\n      personalData\n      canExport\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserRole($input: SetUserRoleInput!) {\n    setUserRole(input: $input) {\n      id\n      role\n      personalData\n      canExport\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n"): (typeof documents)["\n  mutation DisableUser($userId: ID!) {\n    disableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n"): (typeof documents)["\n  mutation EnableUser($userId: ID!) {\n    enableUser(userId: $userId) {\n      id\n      disabled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetUserPassword($userId: ID!) {\n    resetUserPassword(userId: $userId)\n  }\n"): (typeof documents)["\n  mutation ResetUserPassword($userId: ID!) {\n    resetUserPassword(userId: $userId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserCampaigns($input: SetUserCampaignsInput!) {\n    setUserCampaigns(input: $input) {\n      id\n      campaignIds\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserCampaigns($input: SetUserCampaignsInput!) {\n    setUserCampaigns(input: $input) {\n      id\n      campaignIds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignTurfUnit($input: TurfUnitInput!) {\n    assignTurfUnit(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation AssignTurfUnit($input: TurfUnitInput!) {\n    assignTurfUnit(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnassignTurfUnit($input: TurfUnitInput!) {\n    unassignTurfUnit(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation UnassignTurfUnit($input: TurfUnitInput!) {\n    unassignTurfUnit(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnitTree($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n"): (typeof documents)["\n  query UnitTree($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        parentId\n        depth\n        name\n        kind\n        retired\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminUsers {\n    users {\n      id\n      email\n      role\n      personalData\n      canExport\n      disabled\n      campaignIds\n      turfUnits {\n        campaignId\n        unitId\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminUsers {\n    users {\n      id\n      email\n      role\n      personalData\n      canExport\n      disabled\n      campaignIds\n      turfUnits {\n        campaignId\n        unitId\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminInvitations {\n    invitations {\n      id\n      email\n      role\n      expiresAt\n      expired\n    }\n  }\n"): (typeof documents)["\n  query AdminInvitations {\n    invitations {\n      id\n      email\n      role\n      expiresAt\n      expired\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      invitation {\n        id\n        email\n      }\n      path\n    }\n  }\n"): (typeof documents)["\n  mutation AddUser($input: AddUserInput!) {\n    addUser(input: $input) {\n      invitation {\n        id\n        email\n      }\n      path\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FieldResponses($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FieldResponses($campaignId: ID!) {\n    campaign(id: $campaignId) {\n      id\n      fieldSections {\n        id\n        name\n        fields {\n          id\n          name\n          kind\n          responses {\n            id\n            name\n            retired\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddContactPoint($input: AddContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddContactPoint($input: AddContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    addContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveContactPoint($input: RemoveContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    removeContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveContactPoint($input: RemoveContactPointInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    removeContactPoint(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetDoNotContact($input: SetDoNotContactInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    setDoNotContact(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetDoNotContact($input: SetDoNotContactInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    setDoNotContact(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinUnit($input: JoinUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    joinUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation JoinUnit($input: JoinUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    joinUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveUnit($input: LeaveUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    leaveUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LeaveUnit($input: LeaveUnitInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    leaveUnit(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Connect($input: ConnectInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    connect(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Connect($input: ConnectInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    connect(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateConnection($input: DeactivateConnectionInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    deactivateConnection(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeactivateConnection($input: DeactivateConnectionInput!, $expectedVersion: Int, $idempotencyKey: String) {\n    deactivateConnection(input: $input, expectedVersion: $expectedVersion, idempotencyKey: $idempotencyKey) {\n      id\n      version\n      person {\n        ...PersonDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignUnits($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n"): (typeof documents)["\n  query CampaignUnits($campaignId: ID!) {\n    wallChart(campaignId: $campaignId) {\n      units {\n        id\n        name\n        depth\n        retired\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FindPeople($campaignId: ID!, $search: String!) {\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 10) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FindPeople($campaignId: ID!, $search: String!) {\n    people(campaignId: $campaignId, filter: { nameSearch: $search }, first: 10) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PersonName($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query PersonName($id: ID!) {\n    person(id: $id) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StructureTestIds($campaignId: ID!) {\n    structureTests(campaignId: $campaignId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query StructureTestIds($campaignId: ID!) {\n    structureTests(campaignId: $campaignId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n"): (typeof documents)["\n  query StructureTestProgress($id: ID!) {\n    structureTest(id: $id) {\n      id\n      name\n      goalPercent\n      deadline\n      closed\n      totals {\n        inScope\n        participated\n        participation\n        goalReached\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;