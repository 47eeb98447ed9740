//! The campaign aggregate: an organizing effort inside a chapter, with its goal, assessment scale, tree of
//! units and custom fields. Other aggregates decide against a campaign through [`CampaignFacts`].

use crate::context::Context;
use crate::ids::{CampaignId, ChapterId, FieldId, ResponseId, SectionId, UnitId};
use crate::schema::StoredAggregate;
use crate::values::{AssessmentLevel, Colour, FieldType, Label};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The campaign needs no facts from other aggregates.
pub type CampaignContext = Context<()>;

/// The most levels a scale may have; more would not fit a wall chart.
pub const MAX_SCALE_LEVELS: usize = 10;

/// One level of a campaign's assessment scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleLevel {
    pub level: AssessmentLevel,
    pub label: Label,
    pub colour: Colour,
}

/// The scale every new campaign starts with: 1 (leader) to 5 (opposed).
pub fn default_scale() -> Vec<ScaleLevel> {
    const DEFAULTS: [(u8, &str, &str); 5] = [
        (1, "Leader", "#1a9641"),
        (2, "Supporter", "#a6d96a"),
        (3, "Undecided", "#ffffbf"),
        (4, "Leaning against", "#fdae61"),
        (5, "Opposed", "#d7191c"),
    ];
    DEFAULTS
        .iter()
        .filter_map(|(level, label, colour)| {
            Some(ScaleLevel {
                level: AssessmentLevel::new(*level).ok()?,
                label: Label::parse(label).ok()?,
                colour: Colour::parse(colour).ok()?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignCommand {
    /// Creates the campaign in `chapter`, which must be the actor's chapter. `goal` is the target number of people.
    CreateCampaign {
        campaign_id: CampaignId,
        chapter: ChapterId,
        name: Label,
        goal: u32,
    },
    RenameCampaign {
        name: Label,
    },
    ChangeGoal {
        goal: u32,
    },
    ArchiveCampaign,
    UnarchiveCampaign,
    RelabelLevel {
        level: AssessmentLevel,
        label: Label,
        colour: Colour,
    },
    /// Appends the next level to the scale. Levels are never removed or renumbered.
    AddLevel {
        label: Label,
        colour: Colour,
    },
    AddUnit {
        unit_id: UnitId,
        name: Label,
        kind: Label,
        parent: Option<UnitId>,
    },
    RenameUnit {
        unit_id: UnitId,
        name: Label,
    },
    MoveUnit {
        unit_id: UnitId,
        parent: Option<UnitId>,
    },
    RetireUnit {
        unit_id: UnitId,
    },
    AddSection {
        section_id: SectionId,
        name: Label,
    },
    RenameSection {
        section_id: SectionId,
        name: Label,
    },
    AddField {
        field_id: FieldId,
        section_id: SectionId,
        name: Label,
        field_type: FieldType,
        allows_multiple: bool,
    },
    RenameField {
        field_id: FieldId,
        name: Label,
    },
    AddResponse {
        field_id: FieldId,
        response_id: ResponseId,
        name: Label,
    },
    RenameResponse {
        field_id: FieldId,
        response_id: ResponseId,
        name: Label,
    },
    RetireResponse {
        field_id: FieldId,
        response_id: ResponseId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignEvent {
    /// Carries the scale the campaign starts with, so a later change of the defaults never reinterprets it.
    CampaignCreated {
        campaign_id: CampaignId,
        chapter: ChapterId,
        name: Label,
        goal: u32,
        scale: Vec<ScaleLevel>,
    },
    CampaignRenamed {
        name: Label,
    },
    CampaignGoalChanged {
        goal: u32,
        previous_goal: u32,
    },
    CampaignArchived,
    CampaignUnarchived,
    AssessmentLevelRelabelled {
        level: AssessmentLevel,
        label: Label,
        colour: Colour,
    },
    AssessmentLevelAdded {
        level: AssessmentLevel,
        label: Label,
        colour: Colour,
    },
    UnitAdded {
        unit_id: UnitId,
        name: Label,
        kind: Label,
        parent: Option<UnitId>,
    },
    UnitRenamed {
        unit_id: UnitId,
        name: Label,
    },
    UnitMoved {
        unit_id: UnitId,
        parent: Option<UnitId>,
        previous_parent: Option<UnitId>,
    },
    UnitRetired {
        unit_id: UnitId,
    },
    FieldSectionAdded {
        section_id: SectionId,
        name: Label,
    },
    FieldSectionRenamed {
        section_id: SectionId,
        name: Label,
    },
    FieldAdded {
        field_id: FieldId,
        section_id: SectionId,
        name: Label,
        field_type: FieldType,
        allows_multiple: bool,
    },
    FieldRenamed {
        field_id: FieldId,
        name: Label,
    },
    FieldResponseAdded {
        field_id: FieldId,
        response_id: ResponseId,
        name: Label,
    },
    FieldResponseRenamed {
        field_id: FieldId,
        response_id: ResponseId,
        name: Label,
    },
    FieldResponseRetired {
        field_id: FieldId,
        response_id: ResponseId,
    },
}

impl DomainEvent for CampaignEvent {
    fn event_type(&self) -> String {
        match self {
            Self::CampaignCreated { .. } => "CampaignCreated",
            Self::CampaignRenamed { .. } => "CampaignRenamed",
            Self::CampaignGoalChanged { .. } => "CampaignGoalChanged",
            Self::CampaignArchived => "CampaignArchived",
            Self::CampaignUnarchived => "CampaignUnarchived",
            Self::AssessmentLevelRelabelled { .. } => "AssessmentLevelRelabelled",
            Self::AssessmentLevelAdded { .. } => "AssessmentLevelAdded",
            Self::UnitAdded { .. } => "UnitAdded",
            Self::UnitRenamed { .. } => "UnitRenamed",
            Self::UnitMoved { .. } => "UnitMoved",
            Self::UnitRetired { .. } => "UnitRetired",
            Self::FieldSectionAdded { .. } => "FieldSectionAdded",
            Self::FieldSectionRenamed { .. } => "FieldSectionRenamed",
            Self::FieldAdded { .. } => "FieldAdded",
            Self::FieldRenamed { .. } => "FieldRenamed",
            Self::FieldResponseAdded { .. } => "FieldResponseAdded",
            Self::FieldResponseRenamed { .. } => "FieldResponseRenamed",
            Self::FieldResponseRetired { .. } => "FieldResponseRetired",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignError {
    #[error("the campaign already exists")]
    AlreadyExists,
    #[error("the campaign was not found")]
    NotFound,
    #[error("a campaign can only be created in your own chapter")]
    NotYourChapter,
    #[error("the goal must be at least 1")]
    GoalMustBePositive,
    #[error("the campaign is archived")]
    Archived,
    #[error("the campaign is already archived")]
    AlreadyArchived,
    #[error("the campaign is not archived")]
    NotArchived,
    #[error("level {0} is not on the campaign's scale")]
    LevelNotOnScale(AssessmentLevel),
    #[error("the scale already has the most levels allowed ({MAX_SCALE_LEVELS})")]
    ScaleFull,
    #[error("the unit already exists")]
    UnitAlreadyExists,
    #[error("the unit was not found")]
    UnitNotFound,
    #[error("the unit is retired")]
    UnitRetired,
    #[error("the parent unit was not found")]
    ParentNotFound,
    #[error("the parent unit is retired")]
    ParentRetired,
    #[error("a unit cannot be moved under itself or one of its sub-units")]
    MoveWouldCreateCycle,
    #[error("the unit still has active sub-units")]
    UnitHasActiveSubUnits,
    #[error("the section already exists")]
    SectionAlreadyExists,
    #[error("the section was not found")]
    SectionNotFound,
    #[error("the field already exists")]
    FieldAlreadyExists,
    #[error("the field was not found")]
    FieldNotFound,
    #[error("a {0:?} field has no responses to pick from")]
    FieldTakesNoResponses(FieldType),
    #[error("the response already exists")]
    ResponseAlreadyExists,
    #[error("the response was not found")]
    ResponseNotFound,
    #[error("the response is retired")]
    ResponseRetired,
}

impl crate::rejection::Rejection for CampaignError {
    fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::NotFound
                | Self::UnitNotFound
                | Self::ParentNotFound
                | Self::SectionNotFound
                | Self::FieldNotFound
                | Self::ResponseNotFound
        )
    }

    /// The whole mapping from a refusal to the input field to blame, as the campaign mutations name their
    /// inputs (`campaignId`, `unitId`, `parentId`, `sectionId`, `fieldId`, `responseId`, `level`, `goal`).
    fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::AlreadyExists
            | Self::UnitAlreadyExists
            | Self::SectionAlreadyExists
            | Self::FieldAlreadyExists
            | Self::ResponseAlreadyExists => "id",
            Self::NotFound | Self::Archived | Self::AlreadyArchived | Self::NotArchived => {
                "campaignId"
            }
            Self::GoalMustBePositive => "goal",
            Self::LevelNotOnScale(_) => "level",
            Self::UnitNotFound | Self::UnitRetired | Self::UnitHasActiveSubUnits => "unitId",
            Self::ParentNotFound | Self::ParentRetired | Self::MoveWouldCreateCycle => "parentId",
            Self::SectionNotFound => "sectionId",
            Self::FieldNotFound | Self::FieldTakesNoResponses(_) => "fieldId",
            Self::ResponseNotFound | Self::ResponseRetired => "responseId",
            // The chapter is the caller's own and a full scale is the campaign's state: no input to blame.
            Self::NotYourChapter | Self::ScaleFull => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct UnitState {
    name: Label,
    kind: Label,
    parent: Option<UnitId>,
    retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ResponseState {
    name: Label,
    retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FieldState {
    section_id: SectionId,
    name: Label,
    field_type: FieldType,
    allows_multiple: bool,
    responses: BTreeMap<ResponseId, ResponseState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CampaignState {
    id: CampaignId,
    chapter: ChapterId,
    name: Label,
    goal: u32,
    archived: bool,
    scale: Vec<ScaleLevel>,
    units: BTreeMap<UnitId, UnitState>,
    sections: BTreeMap<SectionId, Label>,
    fields: BTreeMap<FieldId, FieldState>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    state: Option<CampaignState>,
}

/// A unit as other aggregates see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFacts {
    pub parent: Option<UnitId>,
    pub retired: bool,
}

/// A custom field as other aggregates see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldFacts {
    pub field_type: FieldType,
    pub allows_multiple: bool,
    /// Responses that may still be picked (retired ones are left out).
    pub active_responses: BTreeSet<ResponseId>,
}

/// What other aggregates need to know about a campaign to decide their commands. Built by [`Campaign::facts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignFacts {
    pub campaign_id: CampaignId,
    pub chapter: ChapterId,
    pub archived: bool,
    pub scale: Vec<AssessmentLevel>,
    pub units: BTreeMap<UnitId, UnitFacts>,
    pub fields: BTreeMap<FieldId, FieldFacts>,
}

impl CampaignFacts {
    pub fn is_on_scale(&self, level: AssessmentLevel) -> bool {
        self.scale.contains(&level)
    }

    /// Whether the unit exists and is not retired.
    pub fn is_active_unit(&self, unit: UnitId) -> bool {
        self.units.get(&unit).is_some_and(|facts| !facts.retired)
    }

    /// Whether `unit` is `ancestor` or lies anywhere below it in the unit tree.
    pub fn is_within(&self, unit: UnitId, ancestor: UnitId) -> bool {
        let mut current = Some(unit);
        // The tree has no cycles, but a step limit keeps a corrupted fact set from looping forever.
        for _ in 0..=self.units.len() {
            match current {
                Some(id) if id == ancestor => return true,
                Some(id) => current = self.units.get(&id).and_then(|facts| facts.parent),
                None => return false,
            }
        }
        false
    }

    pub fn field(&self, field: FieldId) -> Option<&FieldFacts> {
        self.fields.get(&field)
    }
}

/// A response of a campaign's field with the names around it, as a catalogue of the campaign's custom
/// fields shows it (the REST API's tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseEntry {
    pub section_id: SectionId,
    pub section: Label,
    pub field_id: FieldId,
    pub field: Label,
    pub field_type: FieldType,
    pub response_id: ResponseId,
    pub name: Label,
    pub retired: bool,
}

/// A section of a campaign's custom fields, with its fields in order of id, as a client offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionEntry {
    pub section_id: SectionId,
    pub name: Label,
    pub fields: Vec<FieldEntry>,
}

/// A custom field with its kind and responses (retired ones included, marked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldEntry {
    pub field_id: FieldId,
    pub section_id: SectionId,
    pub name: Label,
    pub field_type: FieldType,
    pub allows_multiple: bool,
    pub responses: Vec<(ResponseId, Label, bool)>,
}

impl Campaign {
    pub fn id(&self) -> Option<CampaignId> {
        self.state.as_ref().map(|state| state.id)
    }

    /// The campaign's sections with their fields and responses (empty while the campaign does not exist).
    pub fn catalogue(&self) -> Vec<SectionEntry> {
        let Some(state) = self.state.as_ref() else {
            return Vec::new();
        };
        state
            .sections
            .iter()
            .map(|(section_id, name)| SectionEntry {
                section_id: *section_id,
                name: name.clone(),
                fields: state
                    .fields
                    .iter()
                    .filter(|(_, field)| field.section_id == *section_id)
                    .map(|(field_id, field)| FieldEntry {
                        field_id: *field_id,
                        section_id: *section_id,
                        name: field.name.clone(),
                        field_type: field.field_type,
                        allows_multiple: field.allows_multiple,
                        responses: field
                            .responses
                            .iter()
                            .map(|(id, response)| (*id, response.name.clone(), response.retired))
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The campaign's assessment scale with its labels (empty while the campaign does not exist).
    pub fn scale(&self) -> Vec<ScaleLevel> {
        self.state
            .as_ref()
            .map(|state| state.scale.clone())
            .unwrap_or_default()
    }

    /// The name of a unit of the campaign (retired ones too).
    pub fn unit_name(&self, unit: UnitId) -> Option<&Label> {
        self.state
            .as_ref()
            .and_then(|state| state.units.get(&unit))
            .map(|unit| &unit.name)
    }

    /// The campaign's sections, by id (empty while the campaign does not exist).
    pub fn sections(&self) -> Vec<(SectionId, Label)> {
        self.state.as_ref().map_or_else(Vec::new, |state| {
            state
                .sections
                .iter()
                .map(|(id, name)| (*id, name.clone()))
                .collect()
        })
    }

    /// The campaign's fields with their section and name, by id.
    pub fn fields(&self) -> Vec<(FieldId, SectionId, Label)> {
        self.state.as_ref().map_or_else(Vec::new, |state| {
            state
                .fields
                .iter()
                .map(|(id, field)| (*id, field.section_id, field.name.clone()))
                .collect()
        })
    }

    /// Every response of every field, retired ones included, with their section and field names.
    pub fn responses(&self) -> Vec<ResponseEntry> {
        let Some(state) = self.state.as_ref() else {
            return Vec::new();
        };
        let mut entries = Vec::new();
        for (field_id, field) in &state.fields {
            let Some(section) = state.sections.get(&field.section_id) else {
                continue;
            };
            for (response_id, response) in &field.responses {
                entries.push(ResponseEntry {
                    section_id: field.section_id,
                    section: section.clone(),
                    field_id: *field_id,
                    field: field.name.clone(),
                    field_type: field.field_type,
                    response_id: *response_id,
                    name: response.name.clone(),
                    retired: response.retired,
                });
            }
        }
        entries
    }

    /// The facts other aggregates decide against, or `None` if the campaign does not exist.
    pub fn facts(&self) -> Option<CampaignFacts> {
        let state = self.state.as_ref()?;
        Some(CampaignFacts {
            campaign_id: state.id,
            chapter: state.chapter,
            archived: state.archived,
            scale: state.scale.iter().map(|level| level.level).collect(),
            units: state
                .units
                .iter()
                .map(|(id, unit)| {
                    (
                        *id,
                        UnitFacts {
                            parent: unit.parent,
                            retired: unit.retired,
                        },
                    )
                })
                .collect(),
            fields: state
                .fields
                .iter()
                .map(|(id, field)| {
                    (
                        *id,
                        FieldFacts {
                            field_type: field.field_type,
                            allows_multiple: field.allows_multiple,
                            active_responses: field
                                .responses
                                .iter()
                                .filter(|(_, response)| !response.retired)
                                .map(|(id, _)| *id)
                                .collect(),
                        },
                    )
                })
                .collect(),
        })
    }

    /// Decides which events a command causes, without changing the campaign.
    pub fn decide(
        &self,
        command: CampaignCommand,
        context: &CampaignContext,
    ) -> Result<Vec<CampaignEvent>, CampaignError> {
        use CampaignCommand as C;
        use CampaignError as E;
        use CampaignEvent as V;

        if let C::CreateCampaign {
            campaign_id,
            chapter,
            name,
            goal,
        } = command
        {
            if self.state.is_some() {
                return Err(E::AlreadyExists);
            }
            if chapter != context.actor.chapter {
                return Err(E::NotYourChapter);
            }
            if goal == 0 {
                return Err(E::GoalMustBePositive);
            }
            return Ok(vec![V::CampaignCreated {
                campaign_id,
                chapter,
                name,
                goal,
                scale: default_scale(),
            }]);
        }

        let state = match &self.state {
            Some(state) if state.chapter == context.actor.chapter => state,
            _ => return Err(E::NotFound),
        };
        if state.archived {
            return match command {
                C::UnarchiveCampaign => Ok(vec![V::CampaignUnarchived]),
                C::ArchiveCampaign => Err(E::AlreadyArchived),
                _ => Err(E::Archived),
            };
        }

        let event = match command {
            C::CreateCampaign { .. } => return Err(E::AlreadyExists),
            C::RenameCampaign { name } => V::CampaignRenamed { name },
            C::ChangeGoal { goal } => {
                if goal == 0 {
                    return Err(E::GoalMustBePositive);
                }
                V::CampaignGoalChanged {
                    goal,
                    previous_goal: state.goal,
                }
            }
            C::ArchiveCampaign => V::CampaignArchived,
            C::UnarchiveCampaign => return Err(E::NotArchived),
            C::RelabelLevel {
                level,
                label,
                colour,
            } => {
                if !state.scale.iter().any(|existing| existing.level == level) {
                    return Err(E::LevelNotOnScale(level));
                }
                V::AssessmentLevelRelabelled {
                    level,
                    label,
                    colour,
                }
            }
            C::AddLevel { label, colour } => {
                if state.scale.len() >= MAX_SCALE_LEVELS {
                    return Err(E::ScaleFull);
                }
                let level = match state.scale.iter().map(|existing| existing.level).max() {
                    Some(highest) => highest.next().ok_or(E::ScaleFull)?,
                    None => AssessmentLevel::new(1).map_err(|_| E::ScaleFull)?,
                };
                V::AssessmentLevelAdded {
                    level,
                    label,
                    colour,
                }
            }
            C::AddUnit {
                unit_id,
                name,
                kind,
                parent,
            } => {
                if state.units.contains_key(&unit_id) {
                    return Err(E::UnitAlreadyExists);
                }
                if let Some(parent) = parent {
                    state.check_parent(parent)?;
                }
                V::UnitAdded {
                    unit_id,
                    name,
                    kind,
                    parent,
                }
            }
            C::RenameUnit { unit_id, name } => {
                state.active_unit(unit_id)?;
                V::UnitRenamed { unit_id, name }
            }
            C::MoveUnit { unit_id, parent } => {
                let unit = state.active_unit(unit_id)?;
                if let Some(parent) = parent {
                    state.check_parent(parent)?;
                    if state.is_within(parent, unit_id) {
                        return Err(E::MoveWouldCreateCycle);
                    }
                }
                V::UnitMoved {
                    unit_id,
                    parent,
                    previous_parent: unit.parent,
                }
            }
            C::RetireUnit { unit_id } => {
                state.active_unit(unit_id)?;
                let has_active_children = state
                    .units
                    .values()
                    .any(|unit| unit.parent == Some(unit_id) && !unit.retired);
                if has_active_children {
                    return Err(E::UnitHasActiveSubUnits);
                }
                V::UnitRetired { unit_id }
            }
            C::AddSection { section_id, name } => {
                if state.sections.contains_key(&section_id) {
                    return Err(E::SectionAlreadyExists);
                }
                V::FieldSectionAdded { section_id, name }
            }
            C::RenameSection { section_id, name } => {
                if !state.sections.contains_key(&section_id) {
                    return Err(E::SectionNotFound);
                }
                V::FieldSectionRenamed { section_id, name }
            }
            C::AddField {
                field_id,
                section_id,
                name,
                field_type,
                allows_multiple,
            } => {
                if state.fields.contains_key(&field_id) {
                    return Err(E::FieldAlreadyExists);
                }
                if !state.sections.contains_key(&section_id) {
                    return Err(E::SectionNotFound);
                }
                V::FieldAdded {
                    field_id,
                    section_id,
                    name,
                    field_type,
                    allows_multiple,
                }
            }
            C::RenameField { field_id, name } => {
                state.fields.get(&field_id).ok_or(E::FieldNotFound)?;
                V::FieldRenamed { field_id, name }
            }
            C::AddResponse {
                field_id,
                response_id,
                name,
            } => {
                let field = state.fields.get(&field_id).ok_or(E::FieldNotFound)?;
                if !field.field_type.takes_responses() {
                    return Err(E::FieldTakesNoResponses(field.field_type));
                }
                if field.responses.contains_key(&response_id) {
                    return Err(E::ResponseAlreadyExists);
                }
                V::FieldResponseAdded {
                    field_id,
                    response_id,
                    name,
                }
            }
            C::RenameResponse {
                field_id,
                response_id,
                name,
            } => {
                state.active_response(field_id, response_id)?;
                V::FieldResponseRenamed {
                    field_id,
                    response_id,
                    name,
                }
            }
            C::RetireResponse {
                field_id,
                response_id,
            } => {
                state.active_response(field_id, response_id)?;
                V::FieldResponseRetired {
                    field_id,
                    response_id,
                }
            }
        };
        Ok(vec![event])
    }
}

impl CampaignState {
    fn active_unit(&self, unit_id: UnitId) -> Result<&UnitState, CampaignError> {
        match self.units.get(&unit_id) {
            None => Err(CampaignError::UnitNotFound),
            Some(unit) if unit.retired => Err(CampaignError::UnitRetired),
            Some(unit) => Ok(unit),
        }
    }

    fn check_parent(&self, parent: UnitId) -> Result<(), CampaignError> {
        match self.units.get(&parent) {
            None => Err(CampaignError::ParentNotFound),
            Some(unit) if unit.retired => Err(CampaignError::ParentRetired),
            Some(_) => Ok(()),
        }
    }

    fn is_within(&self, unit: UnitId, ancestor: UnitId) -> bool {
        let mut current = Some(unit);
        for _ in 0..=self.units.len() {
            match current {
                Some(id) if id == ancestor => return true,
                Some(id) => current = self.units.get(&id).and_then(|unit| unit.parent),
                None => return false,
            }
        }
        false
    }

    fn active_response(
        &self,
        field_id: FieldId,
        response_id: ResponseId,
    ) -> Result<(), CampaignError> {
        let field = self
            .fields
            .get(&field_id)
            .ok_or(CampaignError::FieldNotFound)?;
        match field.responses.get(&response_id) {
            None => Err(CampaignError::ResponseNotFound),
            Some(response) if response.retired => Err(CampaignError::ResponseRetired),
            Some(_) => Ok(()),
        }
    }
}

impl Aggregate for Campaign {
    const TYPE: &'static str = "Campaign";
    type Command = CampaignCommand;
    type Event = CampaignEvent;
    type Error = CampaignError;
    type Services = CampaignContext;

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
        use CampaignEvent as V;
        if let V::CampaignCreated {
            campaign_id,
            chapter,
            name,
            goal,
            scale,
        } = event
        {
            self.state = Some(CampaignState {
                id: campaign_id,
                chapter,
                name,
                goal,
                archived: false,
                scale,
                units: BTreeMap::new(),
                sections: BTreeMap::new(),
                fields: BTreeMap::new(),
            });
            return;
        }
        // Events of a campaign that was never created cannot occur in a well-formed stream; ignore them.
        let Some(state) = &mut self.state else {
            return;
        };
        match event {
            V::CampaignCreated { .. } => {}
            V::CampaignRenamed { name } => state.name = name,
            V::CampaignGoalChanged { goal, .. } => state.goal = goal,
            V::CampaignArchived => state.archived = true,
            V::CampaignUnarchived => state.archived = false,
            V::AssessmentLevelRelabelled {
                level,
                label,
                colour,
            } => {
                if let Some(existing) = state
                    .scale
                    .iter_mut()
                    .find(|existing| existing.level == level)
                {
                    existing.label = label;
                    existing.colour = colour;
                }
            }
            V::AssessmentLevelAdded {
                level,
                label,
                colour,
            } => state.scale.push(ScaleLevel {
                level,
                label,
                colour,
            }),
            V::UnitAdded {
                unit_id,
                name,
                kind,
                parent,
            } => {
                state.units.insert(
                    unit_id,
                    UnitState {
                        name,
                        kind,
                        parent,
                        retired: false,
                    },
                );
            }
            V::UnitRenamed { unit_id, name } => {
                if let Some(unit) = state.units.get_mut(&unit_id) {
                    unit.name = name;
                }
            }
            V::UnitMoved {
                unit_id, parent, ..
            } => {
                if let Some(unit) = state.units.get_mut(&unit_id) {
                    unit.parent = parent;
                }
            }
            V::UnitRetired { unit_id } => {
                if let Some(unit) = state.units.get_mut(&unit_id) {
                    unit.retired = true;
                }
            }
            V::FieldSectionAdded { section_id, name }
            | V::FieldSectionRenamed { section_id, name } => {
                state.sections.insert(section_id, name);
            }
            V::FieldAdded {
                field_id,
                section_id,
                name,
                field_type,
                allows_multiple,
            } => {
                state.fields.insert(
                    field_id,
                    FieldState {
                        section_id,
                        name,
                        field_type,
                        allows_multiple,
                        responses: BTreeMap::new(),
                    },
                );
            }
            V::FieldRenamed { field_id, name } => {
                if let Some(field) = state.fields.get_mut(&field_id) {
                    field.name = name;
                }
            }
            V::FieldResponseAdded {
                field_id,
                response_id,
                name,
            } => {
                if let Some(field) = state.fields.get_mut(&field_id) {
                    field.responses.insert(
                        response_id,
                        ResponseState {
                            name,
                            retired: false,
                        },
                    );
                }
            }
            V::FieldResponseRenamed {
                field_id,
                response_id,
                name,
            } => {
                if let Some(response) = state
                    .fields
                    .get_mut(&field_id)
                    .and_then(|field| field.responses.get_mut(&response_id))
                {
                    response.name = name;
                }
            }
            V::FieldResponseRetired {
                field_id,
                response_id,
            } => {
                if let Some(response) = state
                    .fields
                    .get_mut(&field_id)
                    .and_then(|field| field.responses.get_mut(&response_id))
                {
                    response.retired = true;
                }
            }
        }
    }
}

impl StoredAggregate for Campaign {
    const SNAPSHOT_VERSION: u32 = 1;

    fn event_schema_version(_event_type: &str) -> u32 {
        1
    }
}

#[cfg(test)]
mod tests;
