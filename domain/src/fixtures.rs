//! Fixed ids, a fixed clock reading and small ready-made campaigns for tests, here and in the integration
//! tests (enable the `fixtures` feature). Nothing here reads a clock or draws random numbers.

use crate::campaign::{Campaign, CampaignEvent, CampaignFacts};
use crate::context::{Actor, Context};
use crate::ids::{
    CampaignId, ChapterId, CorrelationId, FieldId, PersonId, ResponseId, SectionId,
    StructureTestId, TaskId, UnitId, UserId,
};
use crate::values::{AssessmentLevel, FieldType, Label, PersonName};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use cqrs_es::Aggregate;
use uuid::Uuid;

macro_rules! fixed_id {
    ($(#[$doc:meta])* $name:ident: $type:ident = $n:expr) => {
        $(#[$doc])*
        pub const $name: $type = $type::from_uuid(Uuid::from_u128($n));
    };
}

fixed_id!(CHAPTER: ChapterId = 0x0c_0001);
fixed_id!(
    /// A chapter that must never see anything of [`CHAPTER`].
    OTHER_CHAPTER: ChapterId = 0x0c_0002
);
fixed_id!(CORRELATION: CorrelationId = 0xc0_0001);
fixed_id!(
    /// The acting user: a campaign lead.
    LEAD: UserId = 0x05_0001
);
fixed_id!(ORGANIZER: UserId = 0x05_0002);
fixed_id!(OTHER_ORGANIZER: UserId = 0x05_0003);
fixed_id!(CAMPAIGN: CampaignId = 0xca_0001);
fixed_id!(OTHER_CAMPAIGN: CampaignId = 0xca_0002);
fixed_id!(
    /// The root of the fixture unit tree: WORKSITE → DEPARTMENT → NIGHT_SHIFT_UNIT.
    WORKSITE: UnitId = 0x0a_0001
);
fixed_id!(DEPARTMENT: UnitId = 0x0a_0002);
fixed_id!(NIGHT_SHIFT_UNIT: UnitId = 0x0a_0003);
fixed_id!(
    /// A second root unit, outside WORKSITE.
    WAREHOUSE: UnitId = 0x0a_0004
);
fixed_id!(
    /// A retired root unit.
    CLOSED_STORE: UnitId = 0x0a_0005
);
fixed_id!(
    /// A unit id the campaign does not know.
    UNKNOWN_UNIT: UnitId = 0x0a_00ff
);
fixed_id!(SECTION: SectionId = 0x5e_0001);
fixed_id!(
    /// A standard field allowing several responses: WAGES, SAFETY and the retired SCHEDULING.
    ISSUES_FIELD: FieldId = 0xf1_0001
);
fixed_id!(WAGES: ResponseId = 0x7e_0001);
fixed_id!(SAFETY: ResponseId = 0x7e_0002);
fixed_id!(SCHEDULING: ResponseId = 0x7e_0003);
fixed_id!(
    /// A shift field allowing one response: DAY_SHIFT or NIGHT_SHIFT.
    SHIFT_FIELD: FieldId = 0xf1_0002
);
fixed_id!(DAY_SHIFT: ResponseId = 0x7e_0004);
fixed_id!(NIGHT_SHIFT: ResponseId = 0x7e_0005);
fixed_id!(
    /// A date field.
    HIRE_DATE_FIELD: FieldId = 0xf1_0003
);
fixed_id!(UNKNOWN_FIELD: FieldId = 0xf1_00ff);
fixed_id!(PERSON: PersonId = 0x9e_0001);
fixed_id!(OTHER_PERSON: PersonId = 0x9e_0002);
fixed_id!(TASK: TaskId = 0x7a_0001);
fixed_id!(STRUCTURE_TEST: StructureTestId = 0x57_0001);

/// The moment every fixture actor acts: Monday 2 March 2026, 15:00 UTC.
pub fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0)
        .single()
        .expect("a valid fixed timestamp")
}

/// A day after [`at`].
pub fn tomorrow() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 3).expect("a valid fixed date")
}

/// The lead [`LEAD`] acting in [`CHAPTER`] at [`at`].
pub fn actor() -> Actor {
    Actor {
        user: LEAD,
        chapter: CHAPTER,
        at: at(),
        correlation: CORRELATION,
    }
}

/// The lead acting from another chapter.
pub fn actor_in(chapter: ChapterId) -> Actor {
    Actor { chapter, ..actor() }
}

/// Another user acting in [`CHAPTER`].
pub fn actor_as(user: UserId) -> Actor {
    Actor { user, ..actor() }
}

/// A context with the fixture actor.
pub fn context<F>(facts: F) -> Context<F> {
    Context::new(actor(), facts)
}

pub fn label(text: &str) -> Label {
    Label::parse(text).expect("a valid fixture label")
}

pub fn level(level: u8) -> AssessmentLevel {
    AssessmentLevel::new(level).expect("a valid fixture level")
}

pub fn person_name() -> PersonName {
    PersonName::parse("Ana", "García").expect("a valid fixture name")
}

/// The events of the fixture campaign: the default scale, the unit tree WORKSITE → DEPARTMENT →
/// NIGHT_SHIFT_UNIT, the root WAREHOUSE, the retired root CLOSED_STORE, and the fields ISSUES_FIELD,
/// SHIFT_FIELD and HIRE_DATE_FIELD.
pub fn campaign_events() -> Vec<CampaignEvent> {
    use CampaignEvent as V;
    let unit = |unit_id, name: &str, kind: &str, parent| V::UnitAdded {
        unit_id,
        name: label(name),
        kind: label(kind),
        parent,
    };
    let response = |field_id, response_id, name: &str| V::FieldResponseAdded {
        field_id,
        response_id,
        name: label(name),
    };
    let field = |field_id, name: &str, field_type, allows_multiple| V::FieldAdded {
        field_id,
        section_id: SECTION,
        name: label(name),
        field_type,
        allows_multiple,
    };
    vec![
        V::CampaignCreated {
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            name: label("Riverside Hospital drive"),
            goal: 300,
            scale: crate::campaign::default_scale(),
        },
        unit(WORKSITE, "Riverside Hospital", "Worksite", None),
        unit(DEPARTMENT, "Emergency", "Department", Some(WORKSITE)),
        unit(
            NIGHT_SHIFT_UNIT,
            "Emergency nights",
            "Shift",
            Some(DEPARTMENT),
        ),
        unit(WAREHOUSE, "Warehouse", "Worksite", None),
        unit(CLOSED_STORE, "Closed store", "Worksite", None),
        V::UnitRetired {
            unit_id: CLOSED_STORE,
        },
        V::FieldSectionAdded {
            section_id: SECTION,
            name: label("Work"),
        },
        field(ISSUES_FIELD, "Issues", FieldType::Standard, true),
        response(ISSUES_FIELD, WAGES, "Wages"),
        response(ISSUES_FIELD, SAFETY, "Safety"),
        response(ISSUES_FIELD, SCHEDULING, "Scheduling"),
        V::FieldResponseRetired {
            field_id: ISSUES_FIELD,
            response_id: SCHEDULING,
        },
        field(SHIFT_FIELD, "Shift", FieldType::Shift, false),
        response(SHIFT_FIELD, DAY_SHIFT, "Days"),
        response(SHIFT_FIELD, NIGHT_SHIFT, "Nights"),
        field(HIRE_DATE_FIELD, "Hire date", FieldType::Date, false),
    ]
}

/// The fixture campaign, built by applying [`campaign_events`].
pub fn campaign() -> Campaign {
    let mut campaign = Campaign::default();
    for event in campaign_events() {
        campaign.apply(event);
    }
    campaign
}

/// The facts of the fixture campaign.
pub fn campaign_facts() -> CampaignFacts {
    campaign().facts().expect("the fixture campaign exists")
}

/// The facts of the fixture campaign once archived.
pub fn archived_campaign_facts() -> CampaignFacts {
    CampaignFacts {
        archived: true,
        ..campaign_facts()
    }
}

/// An open structure test of the fixture campaign scoped to DEPARTMENT (and so NIGHT_SHIFT_UNIT).
pub fn structure_test_facts() -> crate::structure_test::StructureTestFacts {
    crate::structure_test::StructureTestFacts {
        test_id: STRUCTURE_TEST,
        campaign_id: CAMPAIGN,
        chapter: CHAPTER,
        scope: vec![DEPARTMENT],
        open: true,
    }
}

/// Person facts with the fixture campaign and the open fixture structure test, and no duplicate.
pub fn person_facts() -> crate::person::PersonFacts {
    crate::person::PersonFacts::new(campaign_facts())
        .with_structure_test(structure_test_facts())
        .with_references(references())
}

/// The fixture chapter's members (the lead and both organizers) and the fixture people, as the application
/// layer would find them.
pub fn references() -> crate::context::References {
    crate::context::References {
        members: [LEAD, ORGANIZER, OTHER_ORGANIZER].into_iter().collect(),
        people: [PERSON, OTHER_PERSON].into_iter().collect(),
    }
}

/// Task facts with the fixture campaign and the fixture references.
pub fn task_facts() -> crate::task::TaskFacts {
    crate::task::TaskFacts::new(campaign_facts(), references())
}

/// The event that puts `person_id` into the fixture campaign, named Ana García.
pub fn person_added(person_id: PersonId) -> crate::person::PersonEvent {
    crate::person::PersonEvent::PersonAddedToCampaign {
        person_id,
        campaign_id: CAMPAIGN,
        chapter: CHAPTER,
        name: crate::sensitive::Sensitive::new(person_name()),
        preferred_language: None,
    }
}
