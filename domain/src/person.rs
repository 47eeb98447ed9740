//! The person aggregate: a person in a campaign, with contact points, units, field responses, assessments,
//! connections, organizer, notes, one-on-ones and structure-test steps.
//!
//! One-on-ones and structure-test steps live on the person's stream on purpose: two organizers working on
//! different people never conflict. Every personal value is wrapped in [`Sensitive`], in events and in state,
//! and may read back as erased once the person is forgotten.

use crate::campaign::CampaignFacts;
use crate::context::{Context, References};
use crate::ids::{
    CampaignId, ChapterId, ConnectionId, ContactPointId, ConversationId, FieldId, NoteId, PersonId,
    ResponseId, StructureTestId, UnitId, UserId,
};
use crate::schema::{StoredAggregate, UpcastError};
use crate::sensitive::Sensitive;
use crate::structure_test::StructureTestFacts;
use crate::values::{
    AssessmentLevel, ConnectionKind, ContactKind, ContactLabel, ContactValue, EntityRef,
    ExternalIdValue, ExternalSystem, FieldType, FieldValue, LanguageTag, NoteText, PersonName,
    StepKind,
};
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A person decides against the facts the application layer loads for the command.
pub type PersonContext = Context<PersonFacts>;

/// Facts from other aggregates that a person's commands need.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    /// The person's campaign (for add-to-campaign: the campaign named in the command). Always required.
    pub campaign: CampaignFacts,
    /// The structure test named by a record-step command, if it exists (from [`crate::structure_test::StructureTest::facts`]).
    pub structure_test: Option<StructureTestFacts>,
    /// The duplicate named by a merge command, if it exists (from [`Person::duplicate_facts`]).
    pub duplicate: Option<DuplicateFacts>,
    /// The members and people the command names, as found in the chapter.
    pub references: References,
}

impl PersonFacts {
    /// Facts for commands that need only the campaign.
    pub fn new(campaign: CampaignFacts) -> Self {
        Self {
            campaign,
            structure_test: None,
            duplicate: None,
            references: References::default(),
        }
    }

    pub fn with_references(self, references: References) -> Self {
        Self { references, ..self }
    }

    pub fn with_structure_test(self, structure_test: StructureTestFacts) -> Self {
        Self {
            structure_test: Some(structure_test),
            ..self
        }
    }

    pub fn with_duplicate(self, duplicate: DuplicateFacts) -> Self {
        Self {
            duplicate: Some(duplicate),
            ..self
        }
    }
}

/// What a surviving person absorbs from a duplicate when the two are merged. Built by [`Person::duplicate_facts`].
/// Holds personal data: it travels from the duplicate's stream to the survivor's, never elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateFacts {
    pub person_id: PersonId,
    pub campaign_id: CampaignId,
    pub chapter: ChapterId,
    pub status: PersonStatus,
    pub contact_points: Vec<ContactPoint>,
    pub units: BTreeSet<UnitId>,
    pub field_responses: Vec<FieldResponseRef>,
    pub field_values: Vec<FieldValueEntry>,
    /// Active connections only.
    pub connections: Vec<Connection>,
}

/// Where a person stands in the campaign. A forgotten person may also have been removed or merged before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonStatus {
    Active,
    Removed,
    MergedInto(PersonId),
    Forgotten,
}

/// A contact point of a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPoint {
    pub contact_point_id: ContactPointId,
    pub kind: ContactKind,
    pub label: ContactLabel,
    pub value: Sensitive<ContactValue>,
    pub do_not_contact: bool,
}

/// A response picked for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FieldResponseRef {
    pub field_id: FieldId,
    pub response_id: ResponseId,
}

/// The value of a non-standard field for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValueEntry {
    pub field_id: FieldId,
    pub value: Sensitive<FieldValue>,
}

/// A connection from this person to another entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub connection_id: ConnectionId,
    pub target: EntityRef,
    pub kind: ConnectionKind,
}

/// A one-on-one conversation as logged by an organizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOnOne {
    pub conversation_id: ConversationId,
    pub organizer: UserId,
    pub held_at: DateTime<Utc>,
    /// The issues raised, as responses of standard or shift fields.
    pub issues: Vec<FieldResponseRef>,
    pub notes: Option<NoteText>,
    /// The assessment the organizer gives after the conversation, dated `held_at`: it becomes the person's
    /// current level unless a level with a later date of record is current (ADR 12).
    pub assessment: Option<AssessmentLevel>,
    pub next_step: Option<NoteText>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PersonCommand {
    AddToCampaign {
        person_id: PersonId,
        campaign_id: CampaignId,
        name: PersonName,
        preferred_language: Option<LanguageTag>,
    },
    ChangeName {
        name: PersonName,
    },
    AddContactPoint {
        contact_point_id: ContactPointId,
        label: ContactLabel,
        value: ContactValue,
        do_not_contact: bool,
    },
    SetDoNotContact {
        contact_point_id: ContactPointId,
        do_not_contact: bool,
    },
    RemoveContactPoint {
        contact_point_id: ContactPointId,
    },
    SetPreferredLanguage {
        language: Option<LanguageTag>,
    },
    JoinUnit {
        unit_id: UnitId,
    },
    LeaveUnit {
        unit_id: UnitId,
    },
    /// Picks a response. On a field that allows one response, a different earlier response is removed first
    /// (two events: removed, then added), so the history shows both.
    AddFieldResponse {
        field_id: FieldId,
        response_id: ResponseId,
    },
    RemoveFieldResponse {
        field_id: FieldId,
        response_id: ResponseId,
    },
    /// Sets the value of a number, date, text or address field, replacing any earlier value.
    SetFieldValue {
        field_id: FieldId,
        value: FieldValue,
    },
    ClearFieldValue {
        field_id: FieldId,
    },
    Assess {
        level: AssessmentLevel,
        note: Option<NoteText>,
    },
    /// Back to unassessed. Recorded as a `PersonAssessed` event with no level.
    ClearAssessment,
    Connect {
        connection_id: ConnectionId,
        target: EntityRef,
        kind: ConnectionKind,
    },
    /// Connections are deactivated, never deleted.
    DeactivateConnection {
        connection_id: ConnectionId,
    },
    AssignOrganizer {
        organizer: UserId,
    },
    UnassignOrganizer,
    FlagFollowUp,
    ClearFollowUp,
    AddNote {
        note_id: NoteId,
        text: NoteText,
    },
    LogOneOnOne(OneOnOne),
    RecordStructureTestStep {
        test_id: StructureTestId,
        step: StepKind,
    },
    /// Survivor side of a merge: absorbs what [`PersonFacts::duplicate`] holds.
    MergeDuplicate {
        duplicate: PersonId,
    },
    /// Duplicate side of a merge, after the survivor absorbed it: every later command is rejected.
    MarkMergedInto {
        survivor: PersonId,
    },
    RemoveFromCampaign,
    /// Records (or, with no value, clears) the person's id in an external system.
    SetExternalId {
        system: ExternalSystem,
        value: Option<ExternalIdValue>,
    },
    /// Erases the person for good. The store destroys the person's key; this event records that it happened.
    Forget,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PersonEvent {
    PersonAddedToCampaign {
        person_id: PersonId,
        campaign_id: CampaignId,
        chapter: ChapterId,
        name: Sensitive<PersonName>,
        preferred_language: Option<LanguageTag>,
    },
    PersonRenamed {
        name: Sensitive<PersonName>,
    },
    ContactPointAdded(ContactPoint),
    ContactPointDoNotContactChanged {
        contact_point_id: ContactPointId,
        do_not_contact: bool,
    },
    ContactPointRemoved {
        contact_point_id: ContactPointId,
    },
    PreferredLanguageSet {
        language: Option<LanguageTag>,
    },
    PersonJoinedUnit {
        unit_id: UnitId,
    },
    PersonLeftUnit {
        unit_id: UnitId,
    },
    PersonFieldResponseAdded(FieldResponseRef),
    PersonFieldResponseRemoved(FieldResponseRef),
    PersonFieldValueSet(FieldValueEntry),
    PersonFieldValueCleared {
        field_id: FieldId,
    },
    /// Schema version 3. `level: None` means the person is back to unassessed. Versions 1 and 2 are upcast
    /// by [`upcast_person_assessed_v1`] and [`upcast_person_assessed_v2`].
    PersonAssessed {
        level: Option<AssessmentLevel>,
        /// The person's current level when this assessment was recorded: the level it replaces, or, when it
        /// does not become current, the level that stays. Always `None` on events upcast from version 1,
        /// which did not record it: read the previous assessment event instead.
        previous_level: Option<AssessmentLevel>,
        note: Option<Sensitive<NoteText>>,
        assessed_by: UserId,
        /// The assessment's date of record: when it was given, or when the one-on-one it came from was held.
        at: DateTime<Utc>,
        /// Whether `level` became the person's current level. The current level is the one with the latest
        /// date of record, ties going to the later event, so an assessment dated before the current level's
        /// date (a one-on-one logged late) is kept in the history without replacing it (ADR 12). Always true
        /// on events upcast from versions 1 and 2, which every assessment replaced.
        becomes_current: bool,
    },
    ConnectionMade(Connection),
    ConnectionDeactivated {
        connection_id: ConnectionId,
    },
    OrganizerAssigned {
        organizer: UserId,
        previous_organizer: Option<UserId>,
    },
    OrganizerUnassigned {
        previous_organizer: UserId,
    },
    FollowUpFlagged,
    FollowUpCleared,
    NoteAdded {
        note_id: NoteId,
        text: Sensitive<NoteText>,
        written_by: UserId,
    },
    /// When an assessment is given, a `PersonAssessed` event follows (by the organizer, at `held_at`).
    OneOnOneLogged {
        conversation_id: ConversationId,
        organizer: UserId,
        held_at: DateTime<Utc>,
        issues: Vec<FieldResponseRef>,
        notes: Option<Sensitive<NoteText>>,
        assessment: Option<AssessmentLevel>,
        next_step: Option<Sensitive<NoteText>>,
        logged_by: UserId,
    },
    StructureTestStepRecorded {
        test_id: StructureTestId,
        step: StepKind,
        previous_step: Option<StepKind>,
        recorded_by: UserId,
    },
    /// What the survivor absorbed from the duplicate (only what it did not have already).
    DuplicateMerged {
        duplicate: PersonId,
        contact_points: Vec<ContactPoint>,
        units: Vec<UnitId>,
        field_responses: Vec<FieldResponseRef>,
        field_values: Vec<FieldValueEntry>,
        connections: Vec<Connection>,
    },
    PersonMergedInto {
        survivor: PersonId,
    },
    PersonRemovedFromCampaign,
    /// Carries no personal data.
    PersonForgotten,
    /// The person's id in an external system was set, replaced or (no value) cleared.
    PersonExternalIdSet {
        system: ExternalSystem,
        value: Option<Sensitive<ExternalIdValue>>,
    },
}

/// The event type name of assessments, whose schema is at version 3.
pub const PERSON_ASSESSED: &str = "PersonAssessed";

impl DomainEvent for PersonEvent {
    fn event_type(&self) -> String {
        match self {
            Self::PersonAddedToCampaign { .. } => "PersonAddedToCampaign",
            Self::PersonRenamed { .. } => "PersonRenamed",
            Self::ContactPointAdded(_) => "ContactPointAdded",
            Self::ContactPointDoNotContactChanged { .. } => "ContactPointDoNotContactChanged",
            Self::ContactPointRemoved { .. } => "ContactPointRemoved",
            Self::PreferredLanguageSet { .. } => "PreferredLanguageSet",
            Self::PersonJoinedUnit { .. } => "PersonJoinedUnit",
            Self::PersonLeftUnit { .. } => "PersonLeftUnit",
            Self::PersonFieldResponseAdded(_) => "PersonFieldResponseAdded",
            Self::PersonFieldResponseRemoved(_) => "PersonFieldResponseRemoved",
            Self::PersonFieldValueSet(_) => "PersonFieldValueSet",
            Self::PersonFieldValueCleared { .. } => "PersonFieldValueCleared",
            Self::PersonAssessed { .. } => PERSON_ASSESSED,
            Self::ConnectionMade(_) => "ConnectionMade",
            Self::ConnectionDeactivated { .. } => "ConnectionDeactivated",
            Self::OrganizerAssigned { .. } => "OrganizerAssigned",
            Self::OrganizerUnassigned { .. } => "OrganizerUnassigned",
            Self::FollowUpFlagged => "FollowUpFlagged",
            Self::FollowUpCleared => "FollowUpCleared",
            Self::NoteAdded { .. } => "NoteAdded",
            Self::OneOnOneLogged { .. } => "OneOnOneLogged",
            Self::StructureTestStepRecorded { .. } => "StructureTestStepRecorded",
            Self::DuplicateMerged { .. } => "DuplicateMerged",
            Self::PersonMergedInto { .. } => "PersonMergedInto",
            Self::PersonRemovedFromCampaign => "PersonRemovedFromCampaign",
            Self::PersonForgotten => "PersonForgotten",
            Self::PersonExternalIdSet { .. } => "PersonExternalIdSet",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        Person::event_schema_version(&self.event_type()).to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    #[error("the person is already in a campaign")]
    AlreadyExists,
    #[error("the person was not found")]
    NotFound,
    #[error("the person was removed from the campaign")]
    Removed,
    #[error("the person was merged into {survivor}")]
    Merged { survivor: PersonId },
    #[error("the person was forgotten")]
    Forgotten,
    #[error("the person has already been forgotten")]
    AlreadyForgotten,
    #[error("the campaign was not found")]
    CampaignNotFound,
    #[error("the campaign is archived")]
    CampaignArchived,
    #[error("the contact point already exists")]
    ContactPointAlreadyExists,
    #[error("the contact point was not found")]
    ContactPointNotFound,
    #[error("the do-not-contact flag already has this value")]
    DoNotContactUnchanged,
    #[error("the unit is not a unit of the campaign")]
    UnitNotFound,
    #[error("the unit is retired")]
    UnitRetired,
    #[error("the person is already in this unit")]
    AlreadyInUnit,
    #[error("the person is not in this unit")]
    NotInUnit,
    #[error("the field is not a field of the campaign")]
    FieldNotFound,
    #[error("a {0:?} field has no responses to pick from")]
    FieldTakesNoResponses(FieldType),
    #[error("a {0:?} field is answered by picking responses, not with a value")]
    FieldTakesResponses(FieldType),
    #[error("the value does not fit a {expected:?} field")]
    FieldValueMismatch { expected: FieldType },
    #[error("the person has no value for this field")]
    NoFieldValue,
    #[error("the response is not an active response of the field")]
    ResponseNotFound,
    #[error("the person already has this response")]
    ResponseAlreadyRecorded,
    #[error("the person does not have this response")]
    ResponseNotRecorded,
    #[error("level {0} is not on the campaign's scale")]
    LevelNotOnScale(AssessmentLevel),
    /// A 1:1's assessment that is not on the scale (the same rule as `LevelNotOnScale`, another input).
    #[error("level {0} is not on the campaign's scale")]
    AssessmentNotOnScale(AssessmentLevel),
    #[error("the person is not assessed")]
    NotAssessed,
    #[error("the connection already exists")]
    ConnectionAlreadyExists,
    #[error("the connection was not found")]
    ConnectionNotFound,
    #[error("the connection is already inactive")]
    ConnectionAlreadyInactive,
    #[error("a person cannot be connected to themselves")]
    CannotConnectToSelf,
    #[error("the person is already assigned to this organizer")]
    AlreadyAssignedTo(UserId),
    #[error("the person has no organizer")]
    NoOrganizer,
    #[error("{0} is not a member of the chapter")]
    OrganizerNotMember(UserId),
    #[error("person {0} is not in the campaign")]
    ConnectionTargetNotFound(PersonId),
    #[error("the person is already flagged for follow-up")]
    AlreadyFlaggedForFollowUp,
    #[error("the person is not flagged for follow-up")]
    NotFlaggedForFollowUp,
    #[error("the note already exists")]
    NoteAlreadyExists,
    #[error("the conversation was already logged")]
    ConversationAlreadyLogged,
    #[error("a conversation cannot be logged before it was held")]
    ConversationInFuture,
    #[error("the structure test was not found")]
    StructureTestNotFound,
    #[error("the structure test is closed")]
    StructureTestClosed,
    #[error("the person is not in the structure test's units")]
    NotInStructureTestScope,
    #[error("the person's step is already {0:?}")]
    StepAlreadyRecorded(StepKind),
    #[error("a person cannot go from {from:?} to {to:?}")]
    StepNotAllowed {
        from: Option<StepKind>,
        to: StepKind,
    },
    #[error("a person cannot be merged with themselves")]
    CannotMergeWithSelf,
    #[error("the duplicate was not found")]
    DuplicateNotFound,
    #[error("the duplicate is in another campaign")]
    DuplicateInAnotherCampaign,
    #[error("the duplicate was removed, merged or forgotten")]
    DuplicateNotActive,
    #[error("the person already has this id in this system")]
    ExternalIdUnchanged,
}

impl crate::rejection::Rejection for PersonError {
    fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::NotFound
                | Self::CampaignNotFound
                | Self::ContactPointNotFound
                | Self::UnitNotFound
                | Self::FieldNotFound
                | Self::ResponseNotFound
                | Self::ConnectionNotFound
                | Self::StructureTestNotFound
                | Self::DuplicateNotFound
        )
    }

    /// The whole mapping from a refusal to the input field to blame, as the mutations name their inputs.
    fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::AlreadyExists => "id",
            Self::CampaignNotFound | Self::CampaignArchived => "campaignId",
            Self::ContactPointAlreadyExists => "id",
            Self::ContactPointNotFound => "contactPointId",
            Self::DoNotContactUnchanged => "doNotContact",
            Self::UnitNotFound | Self::UnitRetired | Self::AlreadyInUnit | Self::NotInUnit => {
                "unitId"
            }
            Self::FieldNotFound
            | Self::FieldTakesNoResponses(_)
            | Self::FieldTakesResponses(_)
            | Self::NoFieldValue => "fieldId",
            Self::FieldValueMismatch { .. } => "value",
            Self::ResponseNotFound | Self::ResponseAlreadyRecorded | Self::ResponseNotRecorded => {
                "responseId"
            }
            Self::LevelNotOnScale(_) => "level",
            Self::AssessmentNotOnScale(_) => "assessment",
            Self::ConnectionAlreadyExists => "id",
            Self::ConnectionNotFound | Self::ConnectionAlreadyInactive => "connectionId",
            Self::CannotConnectToSelf | Self::ConnectionTargetNotFound(_) => "targetPersonId",
            Self::AlreadyAssignedTo(_) | Self::OrganizerNotMember(_) => "organizerId",
            Self::NoteAlreadyExists | Self::ConversationAlreadyLogged => "id",
            Self::ConversationInFuture => "heldAt",
            Self::StructureTestNotFound | Self::StructureTestClosed => "structureTestId",
            Self::StepAlreadyRecorded(_) | Self::StepNotAllowed { .. } => "step",
            Self::CannotMergeWithSelf
            | Self::DuplicateNotFound
            | Self::DuplicateInAnotherCampaign
            | Self::DuplicateNotActive => "duplicateId",
            Self::ExternalIdUnchanged => "externalId",
            // The person as a whole is to blame (or their state), not one input value.
            Self::NotFound
            | Self::Removed
            | Self::Merged { .. }
            | Self::Forgotten
            | Self::AlreadyForgotten
            | Self::NotAssessed
            | Self::NoOrganizer
            | Self::AlreadyFlaggedForFollowUp
            | Self::NotFlaggedForFollowUp
            | Self::NotInStructureTestScope => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ConnectionState {
    target: EntityRef,
    kind: ConnectionKind,
    active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PersonState {
    id: PersonId,
    campaign_id: CampaignId,
    chapter: ChapterId,
    name: Sensitive<PersonName>,
    // A preferred language is needed to reach people in their language and reveals little on its own, so it
    // is kept readable; a person's name, contact values, field values and notes are all `Sensitive`.
    preferred_language: Option<LanguageTag>,
    contact_points: BTreeMap<ContactPointId, ContactPoint>,
    units: BTreeSet<UnitId>,
    field_responses: BTreeSet<FieldResponseRef>,
    field_values: BTreeMap<FieldId, Sensitive<FieldValue>>,
    assessment: Option<AssessmentLevel>,
    /// The date of record of `assessment` (also of its clearing); `None` until the first assessment.
    assessment_at: Option<DateTime<Utc>>,
    connections: BTreeMap<ConnectionId, ConnectionState>,
    organizer: Option<UserId>,
    follow_up: bool,
    notes: BTreeSet<NoteId>,
    conversations: BTreeSet<ConversationId>,
    steps: BTreeMap<StructureTestId, StepKind>,
    removed: bool,
    merged_into: Option<PersonId>,
    forgotten: bool,
    /// The person's ids in other systems (snapshot format 3).
    #[serde(default)]
    external_ids: BTreeMap<ExternalSystem, Sensitive<ExternalIdValue>>,
}

impl PersonState {
    /// Whether an assessment dated `at` becomes the current level: its date of record is not before the
    /// current level's. Equal dates go to the later assessment, the one being decided now.
    fn takes_over_at(&self, at: DateTime<Utc>) -> bool {
        self.assessment_at.is_none_or(|current| at >= current)
    }

    fn status(&self) -> PersonStatus {
        match (self.forgotten, self.merged_into, self.removed) {
            (true, _, _) => PersonStatus::Forgotten,
            (false, Some(survivor), _) => PersonStatus::MergedInto(survivor),
            (false, None, true) => PersonStatus::Removed,
            (false, None, false) => PersonStatus::Active,
        }
    }

    fn has_single_response_conflict(
        &self,
        campaign: &CampaignFacts,
        response: FieldResponseRef,
    ) -> bool {
        let single = campaign
            .field(response.field_id)
            .is_some_and(|field| !field.allows_multiple);
        single
            && self
                .field_responses
                .iter()
                .any(|existing| existing.field_id == response.field_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Person {
    state: Option<PersonState>,
}

impl Person {
    pub fn id(&self) -> Option<PersonId> {
        self.state.as_ref().map(|state| state.id)
    }

    pub fn status(&self) -> Option<PersonStatus> {
        self.state.as_ref().map(PersonState::status)
    }

    /// The chapter the person's campaign belongs to.
    pub fn chapter(&self) -> Option<ChapterId> {
        self.state.as_ref().map(|state| state.chapter)
    }

    /// The campaign the person belongs to.
    pub fn campaign(&self) -> Option<CampaignId> {
        self.state.as_ref().map(|state| state.campaign_id)
    }

    pub fn name(&self) -> Option<&Sensitive<PersonName>> {
        self.state.as_ref().map(|state| &state.name)
    }

    pub fn assessment(&self) -> Option<AssessmentLevel> {
        self.state.as_ref().and_then(|state| state.assessment)
    }

    /// The date of record of the current level (or of its clearing): when the assessment was given, or
    /// when the one-on-one it came from was held. `None` for a person never assessed.
    pub fn assessment_at(&self) -> Option<DateTime<Utc>> {
        self.state.as_ref().and_then(|state| state.assessment_at)
    }

    pub fn preferred_language(&self) -> Option<&LanguageTag> {
        self.state
            .as_ref()
            .and_then(|state| state.preferred_language.as_ref())
    }

    pub fn contact_point(&self, contact_point: ContactPointId) -> Option<&ContactPoint> {
        self.state
            .as_ref()
            .and_then(|state| state.contact_points.get(&contact_point))
    }

    /// A connection of the person (active or not): its target and kind.
    pub fn connection(&self, connection: ConnectionId) -> Option<(EntityRef, &ConnectionKind)> {
        self.state
            .as_ref()
            .and_then(|state| state.connections.get(&connection))
            .map(|found| (found.target, &found.kind))
    }

    /// The values of the person's non-standard fields (number, date, text, address), by field.
    pub fn field_values(&self) -> Vec<(FieldId, &Sensitive<FieldValue>)> {
        self.state.as_ref().map_or_else(Vec::new, |state| {
            state
                .field_values
                .iter()
                .map(|(field, value)| (*field, value))
                .collect()
        })
    }

    pub fn units(&self) -> BTreeSet<UnitId> {
        self.state
            .as_ref()
            .map(|state| state.units.clone())
            .unwrap_or_default()
    }

    pub fn organizer(&self) -> Option<UserId> {
        self.state.as_ref().and_then(|state| state.organizer)
    }

    /// The person's contact points, in id order.
    pub fn contact_points(&self) -> impl Iterator<Item = &ContactPoint> {
        self.state
            .iter()
            .flat_map(|state| state.contact_points.values())
    }

    /// The responses picked for the person's fields.
    pub fn field_responses(&self) -> BTreeSet<FieldResponseRef> {
        self.state
            .as_ref()
            .map(|state| state.field_responses.clone())
            .unwrap_or_default()
    }

    /// The person's id in `system`, if known (erased once the person is forgotten).
    pub fn external_id(&self, system: &ExternalSystem) -> Option<&ExternalIdValue> {
        self.state
            .as_ref()
            .and_then(|state| state.external_ids.get(system))
            .and_then(|value| value.value())
    }

    /// The person's ids in other systems.
    pub fn external_ids(
        &self,
    ) -> impl Iterator<Item = (&ExternalSystem, &Sensitive<ExternalIdValue>)> {
        self.state
            .iter()
            .flat_map(|state| state.external_ids.iter())
    }

    pub fn step(&self, test_id: StructureTestId) -> Option<StepKind> {
        self.state
            .as_ref()
            .and_then(|state| state.steps.get(&test_id).copied())
    }

    /// What a survivor absorbs when this person is merged into it, or `None` if the person does not exist.
    pub fn duplicate_facts(&self) -> Option<DuplicateFacts> {
        let state = self.state.as_ref()?;
        Some(DuplicateFacts {
            person_id: state.id,
            campaign_id: state.campaign_id,
            chapter: state.chapter,
            status: state.status(),
            contact_points: state.contact_points.values().cloned().collect(),
            units: state.units.clone(),
            field_responses: state.field_responses.iter().copied().collect(),
            field_values: state
                .field_values
                .iter()
                .map(|(field_id, value)| FieldValueEntry {
                    field_id: *field_id,
                    value: value.clone(),
                })
                .collect(),
            connections: state
                .connections
                .iter()
                .filter(|(_, connection)| connection.active)
                .map(|(connection_id, connection)| Connection {
                    connection_id: *connection_id,
                    target: connection.target,
                    kind: connection.kind.clone(),
                })
                .collect(),
        })
    }

    /// Decides which events a command causes, without changing the person.
    pub fn decide(
        &self,
        command: PersonCommand,
        context: &PersonContext,
    ) -> Result<Vec<PersonEvent>, PersonError> {
        use PersonCommand as C;
        use PersonError as E;
        use PersonEvent as V;
        let campaign = &context.facts.campaign;
        let actor = &context.actor;

        if let C::AddToCampaign {
            person_id,
            campaign_id,
            name,
            preferred_language,
        } = command
        {
            if self.state.is_some() {
                return Err(E::AlreadyExists);
            }
            if campaign.campaign_id != campaign_id || campaign.chapter != actor.chapter {
                return Err(E::CampaignNotFound);
            }
            if campaign.archived {
                return Err(E::CampaignArchived);
            }
            return Ok(vec![V::PersonAddedToCampaign {
                person_id,
                campaign_id,
                chapter: campaign.chapter,
                name: Sensitive::new(name),
                preferred_language,
            }]);
        }

        let state = match &self.state {
            Some(state) if state.chapter == actor.chapter => state,
            _ => return Err(E::NotFound),
        };
        match (state.status(), &command) {
            (PersonStatus::Forgotten, C::Forget) => return Err(E::AlreadyForgotten),
            (_, C::Forget) => return Ok(vec![V::PersonForgotten]),
            (PersonStatus::Forgotten, _) => return Err(E::Forgotten),
            (PersonStatus::MergedInto(survivor), _) => return Err(E::Merged { survivor }),
            (PersonStatus::Removed, _) => return Err(E::Removed),
            (PersonStatus::Active, _) => {}
        }
        if campaign.campaign_id != state.campaign_id || campaign.chapter != state.chapter {
            return Err(E::CampaignNotFound);
        }
        if campaign.archived {
            return Err(E::CampaignArchived);
        }

        let event = match command {
            C::AddToCampaign { .. } => return Err(E::AlreadyExists),
            C::Forget => return Ok(vec![V::PersonForgotten]),
            C::ChangeName { name } => V::PersonRenamed {
                name: Sensitive::new(name),
            },
            C::AddContactPoint {
                contact_point_id,
                label,
                value,
                do_not_contact,
            } => {
                if state.contact_points.contains_key(&contact_point_id) {
                    return Err(E::ContactPointAlreadyExists);
                }
                V::ContactPointAdded(ContactPoint {
                    contact_point_id,
                    kind: value.kind(),
                    label,
                    value: Sensitive::new(value),
                    do_not_contact,
                })
            }
            C::SetDoNotContact {
                contact_point_id,
                do_not_contact,
            } => {
                let point = state
                    .contact_points
                    .get(&contact_point_id)
                    .ok_or(E::ContactPointNotFound)?;
                if point.do_not_contact == do_not_contact {
                    return Err(E::DoNotContactUnchanged);
                }
                V::ContactPointDoNotContactChanged {
                    contact_point_id,
                    do_not_contact,
                }
            }
            C::RemoveContactPoint { contact_point_id } => {
                if !state.contact_points.contains_key(&contact_point_id) {
                    return Err(E::ContactPointNotFound);
                }
                V::ContactPointRemoved { contact_point_id }
            }
            C::SetPreferredLanguage { language } => V::PreferredLanguageSet { language },
            C::JoinUnit { unit_id } => {
                check_active_unit(campaign, unit_id)?;
                if state.units.contains(&unit_id) {
                    return Err(E::AlreadyInUnit);
                }
                V::PersonJoinedUnit { unit_id }
            }
            C::LeaveUnit { unit_id } => {
                if !state.units.contains(&unit_id) {
                    return Err(E::NotInUnit);
                }
                V::PersonLeftUnit { unit_id }
            }
            C::AddFieldResponse {
                field_id,
                response_id,
            } => {
                let response = FieldResponseRef {
                    field_id,
                    response_id,
                };
                check_response(campaign, response)?;
                if state.field_responses.contains(&response) {
                    return Err(E::ResponseAlreadyRecorded);
                }
                let mut events: Vec<PersonEvent> = Vec::new();
                if state.has_single_response_conflict(campaign, response) {
                    events.extend(
                        state
                            .field_responses
                            .iter()
                            .filter(|existing| existing.field_id == field_id)
                            .map(|existing| V::PersonFieldResponseRemoved(*existing)),
                    );
                }
                events.push(V::PersonFieldResponseAdded(response));
                return Ok(events);
            }
            C::RemoveFieldResponse {
                field_id,
                response_id,
            } => {
                let response = FieldResponseRef {
                    field_id,
                    response_id,
                };
                if !state.field_responses.contains(&response) {
                    return Err(E::ResponseNotRecorded);
                }
                V::PersonFieldResponseRemoved(response)
            }
            C::SetFieldValue { field_id, value } => {
                let field = campaign.field(field_id).ok_or(E::FieldNotFound)?;
                if field.field_type.takes_responses() {
                    return Err(E::FieldTakesResponses(field.field_type));
                }
                if value.field_type() != field.field_type {
                    return Err(E::FieldValueMismatch {
                        expected: field.field_type,
                    });
                }
                V::PersonFieldValueSet(FieldValueEntry {
                    field_id,
                    value: Sensitive::new(value),
                })
            }
            C::ClearFieldValue { field_id } => {
                if !state.field_values.contains_key(&field_id) {
                    return Err(E::NoFieldValue);
                }
                V::PersonFieldValueCleared { field_id }
            }
            C::Assess { level, note } => {
                if !campaign.is_on_scale(level) {
                    return Err(E::LevelNotOnScale(level));
                }
                V::PersonAssessed {
                    level: Some(level),
                    previous_level: state.assessment,
                    note: note.map(Sensitive::new),
                    assessed_by: actor.user,
                    at: actor.at,
                    becomes_current: state.takes_over_at(actor.at),
                }
            }
            C::ClearAssessment => {
                let previous = state.assessment.ok_or(E::NotAssessed)?;
                V::PersonAssessed {
                    level: None,
                    previous_level: Some(previous),
                    note: None,
                    assessed_by: actor.user,
                    at: actor.at,
                    becomes_current: state.takes_over_at(actor.at),
                }
            }
            C::Connect {
                connection_id,
                target,
                kind,
            } => {
                if state.connections.contains_key(&connection_id) {
                    return Err(E::ConnectionAlreadyExists);
                }
                match target {
                    EntityRef::Person(person) if person == state.id => {
                        return Err(E::CannotConnectToSelf)
                    }
                    EntityRef::Person(person) => {
                        if !context.facts.references.has_person(person) {
                            return Err(E::ConnectionTargetNotFound(person));
                        }
                    }
                    EntityRef::Unit(unit_id) => check_active_unit(campaign, unit_id)?,
                }
                V::ConnectionMade(Connection {
                    connection_id,
                    target,
                    kind,
                })
            }
            C::DeactivateConnection { connection_id } => {
                let connection = state
                    .connections
                    .get(&connection_id)
                    .ok_or(E::ConnectionNotFound)?;
                if !connection.active {
                    return Err(E::ConnectionAlreadyInactive);
                }
                V::ConnectionDeactivated { connection_id }
            }
            C::AssignOrganizer { organizer } => {
                if !context.facts.references.is_member(organizer) {
                    return Err(E::OrganizerNotMember(organizer));
                }
                if state.organizer == Some(organizer) {
                    return Err(E::AlreadyAssignedTo(organizer));
                }
                V::OrganizerAssigned {
                    organizer,
                    previous_organizer: state.organizer,
                }
            }
            C::UnassignOrganizer => V::OrganizerUnassigned {
                previous_organizer: state.organizer.ok_or(E::NoOrganizer)?,
            },
            C::FlagFollowUp => {
                if state.follow_up {
                    return Err(E::AlreadyFlaggedForFollowUp);
                }
                V::FollowUpFlagged
            }
            C::ClearFollowUp => {
                if !state.follow_up {
                    return Err(E::NotFlaggedForFollowUp);
                }
                V::FollowUpCleared
            }
            C::AddNote { note_id, text } => {
                if state.notes.contains(&note_id) {
                    return Err(E::NoteAlreadyExists);
                }
                V::NoteAdded {
                    note_id,
                    text: Sensitive::new(text),
                    written_by: actor.user,
                }
            }
            C::LogOneOnOne(conversation) => return log_one_on_one(state, conversation, context),
            C::RecordStructureTestStep { test_id, step } => {
                let test = context
                    .facts
                    .structure_test
                    .as_ref()
                    .filter(|test| {
                        test.test_id == test_id
                            && test.campaign_id == state.campaign_id
                            && test.chapter == state.chapter
                    })
                    .ok_or(E::StructureTestNotFound)?;
                if !test.open {
                    return Err(E::StructureTestClosed);
                }
                if !test.covers(campaign, state.units.iter()) {
                    return Err(E::NotInStructureTestScope);
                }
                let previous_step = state.steps.get(&test_id).copied();
                if previous_step == Some(step) {
                    return Err(E::StepAlreadyRecorded(step));
                }
                if !step.may_follow(previous_step) {
                    return Err(E::StepNotAllowed {
                        from: previous_step,
                        to: step,
                    });
                }
                V::StructureTestStepRecorded {
                    test_id,
                    step,
                    previous_step,
                    recorded_by: actor.user,
                }
            }
            C::MergeDuplicate { duplicate } => return merge_duplicate(state, duplicate, context),
            C::MarkMergedInto { survivor } => {
                if survivor == state.id {
                    return Err(E::CannotMergeWithSelf);
                }
                V::PersonMergedInto { survivor }
            }
            C::RemoveFromCampaign => V::PersonRemovedFromCampaign,
            C::SetExternalId { system, value } => {
                let current = state
                    .external_ids
                    .get(&system)
                    .and_then(|value| value.value());
                if current == value.as_ref() {
                    return Err(E::ExternalIdUnchanged);
                }
                V::PersonExternalIdSet {
                    system,
                    value: value.map(Sensitive::new),
                }
            }
        };
        Ok(vec![event])
    }
}

fn check_active_unit(campaign: &CampaignFacts, unit_id: UnitId) -> Result<(), PersonError> {
    match campaign.units.get(&unit_id) {
        None => Err(PersonError::UnitNotFound),
        Some(unit) if unit.retired => Err(PersonError::UnitRetired),
        Some(_) => Ok(()),
    }
}

fn check_response(campaign: &CampaignFacts, response: FieldResponseRef) -> Result<(), PersonError> {
    let field = campaign
        .field(response.field_id)
        .ok_or(PersonError::FieldNotFound)?;
    if !field.field_type.takes_responses() {
        return Err(PersonError::FieldTakesNoResponses(field.field_type));
    }
    if !field.active_responses.contains(&response.response_id) {
        return Err(PersonError::ResponseNotFound);
    }
    Ok(())
}

fn log_one_on_one(
    state: &PersonState,
    conversation: OneOnOne,
    context: &PersonContext,
) -> Result<Vec<PersonEvent>, PersonError> {
    let campaign = &context.facts.campaign;
    if state.conversations.contains(&conversation.conversation_id) {
        return Err(PersonError::ConversationAlreadyLogged);
    }
    if conversation.held_at > context.actor.at {
        return Err(PersonError::ConversationInFuture);
    }
    if !context.facts.references.is_member(conversation.organizer) {
        return Err(PersonError::OrganizerNotMember(conversation.organizer));
    }
    for issue in &conversation.issues {
        check_response(campaign, *issue)?;
    }
    if let Some(level) = conversation.assessment {
        if !campaign.is_on_scale(level) {
            return Err(PersonError::AssessmentNotOnScale(level));
        }
    }
    let mut events = vec![PersonEvent::OneOnOneLogged {
        conversation_id: conversation.conversation_id,
        organizer: conversation.organizer,
        held_at: conversation.held_at,
        issues: conversation.issues,
        notes: conversation.notes.map(Sensitive::new),
        assessment: conversation.assessment,
        next_step: conversation.next_step.map(Sensitive::new),
        logged_by: context.actor.user,
    }];
    if let Some(level) = conversation.assessment {
        // Dated when the conversation was held: logged late, it goes into the history at its own date and
        // does not replace a level given since.
        events.push(PersonEvent::PersonAssessed {
            level: Some(level),
            previous_level: state.assessment,
            note: None,
            assessed_by: conversation.organizer,
            at: conversation.held_at,
            becomes_current: state.takes_over_at(conversation.held_at),
        });
    }
    Ok(events)
}

fn merge_duplicate(
    state: &PersonState,
    duplicate_id: PersonId,
    context: &PersonContext,
) -> Result<Vec<PersonEvent>, PersonError> {
    let campaign = &context.facts.campaign;
    if duplicate_id == state.id {
        return Err(PersonError::CannotMergeWithSelf);
    }
    let duplicate = context
        .facts
        .duplicate
        .as_ref()
        .filter(|duplicate| {
            duplicate.person_id == duplicate_id && duplicate.chapter == state.chapter
        })
        .ok_or(PersonError::DuplicateNotFound)?;
    if duplicate.campaign_id != state.campaign_id {
        return Err(PersonError::DuplicateInAnotherCampaign);
    }
    if duplicate.status != PersonStatus::Active {
        return Err(PersonError::DuplicateNotActive);
    }

    // Contact points the survivor already has (same id, or same readable value) are not copied.
    let known_values: Vec<&ContactValue> = state
        .contact_points
        .values()
        .filter_map(|p| p.value.value())
        .collect();
    let contact_points = duplicate
        .contact_points
        .iter()
        .filter(|point| !state.contact_points.contains_key(&point.contact_point_id))
        .filter(|point| {
            point
                .value
                .value()
                .is_some_and(|value| !known_values.contains(&value))
        })
        .cloned()
        .collect();
    let units = duplicate
        .units
        .iter()
        .filter(|unit| !state.units.contains(unit) && campaign.is_active_unit(**unit))
        .copied()
        .collect();
    // On single-response fields the survivor's own response wins.
    let mut taken_fields: BTreeSet<FieldId> = BTreeSet::new();
    let mut field_responses = Vec::new();
    for response in &duplicate.field_responses {
        let is_active = check_response(campaign, *response).is_ok();
        let single = campaign
            .field(response.field_id)
            .is_some_and(|field| !field.allows_multiple);
        let blocked = single
            && (state.has_single_response_conflict(campaign, *response)
                || taken_fields.contains(&response.field_id));
        if is_active && !blocked && !state.field_responses.contains(response) {
            taken_fields.insert(response.field_id);
            field_responses.push(*response);
        }
    }
    let field_values = duplicate
        .field_values
        .iter()
        .filter(|entry| {
            !state.field_values.contains_key(&entry.field_id) && !entry.value.is_erased()
        })
        .cloned()
        .collect();
    let connections = duplicate
        .connections
        .iter()
        .filter(|connection| !state.connections.contains_key(&connection.connection_id))
        .filter(|connection| connection.target != EntityRef::Person(state.id))
        .cloned()
        .collect();
    Ok(vec![PersonEvent::DuplicateMerged {
        duplicate: duplicate_id,
        contact_points,
        units,
        field_responses,
        field_values,
        connections,
    }])
}

impl Aggregate for Person {
    const TYPE: &'static str = "Person";
    type Command = PersonCommand;
    type Event = PersonEvent;
    type Error = PersonError;
    type Services = PersonContext;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(command, services)?;
        crate::write_all(self, sink, events).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use PersonEvent as V;
        if let V::PersonAddedToCampaign {
            person_id,
            campaign_id,
            chapter,
            name,
            preferred_language,
        } = event
        {
            self.state = Some(PersonState {
                id: person_id,
                campaign_id,
                chapter,
                name,
                preferred_language,
                contact_points: BTreeMap::new(),
                units: BTreeSet::new(),
                field_responses: BTreeSet::new(),
                field_values: BTreeMap::new(),
                assessment: None,
                assessment_at: None,
                connections: BTreeMap::new(),
                organizer: None,
                follow_up: false,
                notes: BTreeSet::new(),
                conversations: BTreeSet::new(),
                steps: BTreeMap::new(),
                removed: false,
                merged_into: None,
                forgotten: false,
                external_ids: BTreeMap::new(),
            });
            return;
        }
        // Events before creation cannot occur in a well-formed stream; ignore them.
        let Some(state) = &mut self.state else {
            return;
        };
        match event {
            V::PersonAddedToCampaign { .. } => {}
            V::PersonRenamed { name } => state.name = name,
            V::ContactPointAdded(point) => {
                state.contact_points.insert(point.contact_point_id, point);
            }
            V::ContactPointDoNotContactChanged {
                contact_point_id,
                do_not_contact,
            } => {
                if let Some(point) = state.contact_points.get_mut(&contact_point_id) {
                    point.do_not_contact = do_not_contact;
                }
            }
            V::ContactPointRemoved { contact_point_id } => {
                state.contact_points.remove(&contact_point_id);
            }
            V::PreferredLanguageSet { language } => state.preferred_language = language,
            V::PersonJoinedUnit { unit_id } => {
                state.units.insert(unit_id);
            }
            V::PersonLeftUnit { unit_id } => {
                state.units.remove(&unit_id);
            }
            V::PersonFieldResponseAdded(response) => {
                state.field_responses.insert(response);
            }
            V::PersonFieldResponseRemoved(response) => {
                state.field_responses.remove(&response);
            }
            V::PersonFieldValueSet(entry) => {
                state.field_values.insert(entry.field_id, entry.value);
            }
            V::PersonFieldValueCleared { field_id } => {
                state.field_values.remove(&field_id);
            }
            V::PersonAssessed {
                level,
                at,
                becomes_current,
                ..
            } => {
                if becomes_current {
                    state.assessment = level;
                    state.assessment_at = Some(at);
                }
            }
            V::ConnectionMade(connection) => {
                state.connections.insert(
                    connection.connection_id,
                    ConnectionState {
                        target: connection.target,
                        kind: connection.kind,
                        active: true,
                    },
                );
            }
            V::ConnectionDeactivated { connection_id } => {
                if let Some(connection) = state.connections.get_mut(&connection_id) {
                    connection.active = false;
                }
            }
            V::OrganizerAssigned { organizer, .. } => state.organizer = Some(organizer),
            V::OrganizerUnassigned { .. } => state.organizer = None,
            V::FollowUpFlagged => state.follow_up = true,
            V::FollowUpCleared => state.follow_up = false,
            V::NoteAdded { note_id, .. } => {
                state.notes.insert(note_id);
            }
            V::OneOnOneLogged {
                conversation_id, ..
            } => {
                state.conversations.insert(conversation_id);
            }
            V::StructureTestStepRecorded { test_id, step, .. } => {
                state.steps.insert(test_id, step);
            }
            V::DuplicateMerged {
                contact_points,
                units,
                field_responses,
                field_values,
                connections,
                ..
            } => {
                for point in contact_points {
                    state.contact_points.insert(point.contact_point_id, point);
                }
                state.units.extend(units);
                state.field_responses.extend(field_responses);
                for entry in field_values {
                    state.field_values.insert(entry.field_id, entry.value);
                }
                for connection in connections {
                    state.connections.insert(
                        connection.connection_id,
                        ConnectionState {
                            target: connection.target,
                            kind: connection.kind,
                            active: true,
                        },
                    );
                }
            }
            V::PersonMergedInto { survivor } => state.merged_into = Some(survivor),
            V::PersonRemovedFromCampaign => state.removed = true,
            V::PersonExternalIdSet { system, value } => match value {
                Some(value) => {
                    state.external_ids.insert(system, value);
                }
                None => {
                    state.external_ids.remove(&system);
                }
            },
            V::PersonForgotten => {
                // The store can no longer decrypt earlier values; the state drops them too, so a snapshot
                // taken now holds no personal data at all.
                state.forgotten = true;
                state.name = Sensitive::Erased;
                for point in state.contact_points.values_mut() {
                    point.value = Sensitive::Erased;
                }
                for value in state.field_values.values_mut() {
                    *value = Sensitive::Erased;
                }
                for value in state.external_ids.values_mut() {
                    *value = Sensitive::Erased;
                }
            }
        }
    }
}

impl StoredAggregate for Person {
    /// Version 3 of the snapshot format: the state knows the person's external ids (version 2: the date of
    /// record of the current level).
    const SNAPSHOT_VERSION: u32 = 3;

    fn event_schema_version(event_type: &str) -> u32 {
        match event_type {
            PERSON_ASSESSED => 3,
            _ => 1,
        }
    }

    fn upcast(event_type: &str, version: u32, payload: Value) -> Result<Value, UpcastError> {
        match (event_type, version) {
            (_, version) if version == Self::event_schema_version(event_type) => Ok(payload),
            (PERSON_ASSESSED, 1) => upcast_person_assessed_v2(upcast_person_assessed_v1(payload)?),
            (PERSON_ASSESSED, 2) => upcast_person_assessed_v2(payload),
            _ => Err(UpcastError {
                event_type: event_type.to_string(),
                version,
                reason: "no upcaster for this version".to_string(),
            }),
        }
    }

    /// A person's stream holds that person's data; its aggregate id is the person id.
    fn data_subject(aggregate_id: &str) -> Option<uuid::Uuid> {
        PersonId::parse(aggregate_id).ok().map(|id| id.as_uuid())
    }

    fn forgets_data_subject(event: &PersonEvent) -> bool {
        matches!(event, PersonEvent::PersonForgotten)
    }
}

/// Brings a version 1 `PersonAssessed` payload to version 2.
///
/// Version 1 was `{"PersonAssessed": {"level": u8, "by": user, "at": time}}` where level 0 meant unassessed.
/// Version 2 has an optional level, the previous level (unknown for version 1, so null), an optional note
/// (none in version 1) and `assessed_by` instead of `by`.
pub fn upcast_person_assessed_v1(payload: Value) -> Result<Value, UpcastError> {
    let error = |reason: &str| UpcastError {
        event_type: PERSON_ASSESSED.to_string(),
        version: 1,
        reason: reason.to_string(),
    };
    let body = payload
        .get(PERSON_ASSESSED)
        .and_then(Value::as_object)
        .ok_or_else(|| error("the payload is not a PersonAssessed object"))?;
    let level = body
        .get("level")
        .and_then(Value::as_u64)
        .ok_or_else(|| error("`level` is missing or not a number"))?;
    let level = match level {
        0 => Value::Null,
        1..=255 => Value::from(level),
        _ => return Err(error("`level` is out of range")),
    };
    let by = body
        .get("by")
        .cloned()
        .ok_or_else(|| error("`by` is missing"))?;
    let at = body
        .get("at")
        .cloned()
        .ok_or_else(|| error("`at` is missing"))?;
    Ok(serde_json::json!({
        PERSON_ASSESSED: {
            "level": level,
            "previous_level": null,
            "note": null,
            "assessed_by": by,
            "at": at,
        }
    }))
}

/// Brings a version 2 `PersonAssessed` payload to version 3.
///
/// Version 3 adds `becomes_current`. Until version 3 every assessment replaced the current level, whatever
/// its date, so the events written then keep that effect: `true`.
pub fn upcast_person_assessed_v2(payload: Value) -> Result<Value, UpcastError> {
    let mut payload = payload;
    let body = payload
        .get_mut(PERSON_ASSESSED)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| UpcastError {
            event_type: PERSON_ASSESSED.to_string(),
            version: 2,
            reason: "the payload is not a PersonAssessed object".to_string(),
        })?;
    body.insert("becomes_current".to_string(), Value::Bool(true));
    Ok(payload)
}

pub mod restore;

#[cfg(test)]
mod tests;
