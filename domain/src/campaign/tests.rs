//! Given / when / then tests of the campaign aggregate.

use super::*;
use crate::fixtures::{
    self, label, level, CAMPAIGN, CHAPTER, CLOSED_STORE, DEPARTMENT, ISSUES_FIELD, NIGHT_SHIFT_UNIT,
};
use crate::fixtures::{
    HIRE_DATE_FIELD, OTHER_CHAPTER, SCHEDULING, SECTION, UNKNOWN_FIELD, UNKNOWN_UNIT, WAGES,
};
use crate::fixtures::{WAREHOUSE, WORKSITE};
use cqrs_es::test::{AggregateTestExecutor, TestFramework};

fn given_the_fixture_campaign() -> AggregateTestExecutor<Campaign> {
    TestFramework::<Campaign>::with(fixtures::context(())).given(fixtures::campaign_events())
}

fn given_an_archived_campaign() -> AggregateTestExecutor<Campaign> {
    given_the_fixture_campaign().and(vec![CampaignEvent::CampaignArchived])
}

async fn expect_events(command: CampaignCommand, events: Vec<CampaignEvent>) {
    given_the_fixture_campaign()
        .when_async(command)
        .await
        .then_expect_events(events);
}

async fn expect_error(command: CampaignCommand, error: CampaignError) {
    given_the_fixture_campaign()
        .when_async(command)
        .await
        .then_expect_error(error);
}

fn colour(text: &str) -> Colour {
    Colour::parse(text).expect("a valid colour")
}

fn create() -> CampaignCommand {
    CampaignCommand::CreateCampaign {
        campaign_id: CAMPAIGN,
        chapter: CHAPTER,
        name: label("Drive"),
        goal: 100,
    }
}

#[tokio::test]
async fn a_campaign_is_created_with_the_default_scale() {
    TestFramework::<Campaign>::with(fixtures::context(()))
        .given_no_previous_events()
        .when_async(create())
        .await
        .then_expect_events(vec![CampaignEvent::CampaignCreated {
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            name: label("Drive"),
            goal: 100,
            scale: default_scale(),
        }]);
    let labels: Vec<String> = default_scale()
        .into_iter()
        .map(|level| level.label.to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "Leader",
            "Supporter",
            "Undecided",
            "Leaning against",
            "Opposed"
        ]
    );
}

#[tokio::test]
async fn a_campaign_cannot_be_created_twice() {
    expect_error(create(), CampaignError::AlreadyExists).await;
}

#[tokio::test]
async fn a_campaign_cannot_be_created_in_another_chapter() {
    TestFramework::<Campaign>::with(fixtures::context(()))
        .given_no_previous_events()
        .when_async(CampaignCommand::CreateCampaign {
            campaign_id: CAMPAIGN,
            chapter: OTHER_CHAPTER,
            name: label("Drive"),
            goal: 100,
        })
        .await
        .then_expect_error(CampaignError::NotYourChapter);
}

#[tokio::test]
async fn a_campaign_needs_a_positive_goal() {
    TestFramework::<Campaign>::with(fixtures::context(()))
        .given_no_previous_events()
        .when_async(CampaignCommand::CreateCampaign {
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            name: label("Drive"),
            goal: 0,
        })
        .await
        .then_expect_error(CampaignError::GoalMustBePositive);
}

#[tokio::test]
async fn a_missing_campaign_is_not_found() {
    TestFramework::<Campaign>::with(fixtures::context(()))
        .given_no_previous_events()
        .when_async(CampaignCommand::RenameCampaign { name: label("X") })
        .await
        .then_expect_error(CampaignError::NotFound);
}

#[tokio::test]
async fn another_chapter_does_not_see_the_campaign() {
    TestFramework::<Campaign>::with(Context::new(fixtures::actor_in(OTHER_CHAPTER), ()))
        .given(fixtures::campaign_events())
        .when_async(CampaignCommand::RenameCampaign { name: label("X") })
        .await
        .then_expect_error(CampaignError::NotFound);
}

#[tokio::test]
async fn a_campaign_is_renamed() {
    expect_events(
        CampaignCommand::RenameCampaign { name: label("New") },
        vec![CampaignEvent::CampaignRenamed { name: label("New") }],
    )
    .await;
}

#[tokio::test]
async fn the_goal_is_changed() {
    expect_events(
        CampaignCommand::ChangeGoal { goal: 350 },
        vec![CampaignEvent::CampaignGoalChanged {
            goal: 350,
            previous_goal: 300,
        }],
    )
    .await;
    expect_error(
        CampaignCommand::ChangeGoal { goal: 0 },
        CampaignError::GoalMustBePositive,
    )
    .await;
}

#[tokio::test]
async fn a_campaign_is_archived_and_unarchived() {
    expect_events(
        CampaignCommand::ArchiveCampaign,
        vec![CampaignEvent::CampaignArchived],
    )
    .await;
    given_an_archived_campaign()
        .when_async(CampaignCommand::UnarchiveCampaign)
        .await
        .then_expect_events(vec![CampaignEvent::CampaignUnarchived]);
}

#[tokio::test]
async fn archiving_twice_or_unarchiving_an_active_campaign_is_rejected() {
    given_an_archived_campaign()
        .when_async(CampaignCommand::ArchiveCampaign)
        .await
        .then_expect_error(CampaignError::AlreadyArchived);
    expect_error(
        CampaignCommand::UnarchiveCampaign,
        CampaignError::NotArchived,
    )
    .await;
}

#[tokio::test]
async fn an_archived_campaign_rejects_changes() {
    given_an_archived_campaign()
        .when_async(CampaignCommand::RenameCampaign { name: label("X") })
        .await
        .then_expect_error(CampaignError::Archived);
    given_an_archived_campaign()
        .when_async(CampaignCommand::AddUnit {
            unit_id: UNKNOWN_UNIT,
            name: label("X"),
            kind: label("Floor"),
            parent: None,
        })
        .await
        .then_expect_error(CampaignError::Archived);
}

#[tokio::test]
async fn a_level_is_relabelled() {
    let command = CampaignCommand::RelabelLevel {
        level: level(3),
        label: label("Unsure"),
        colour: colour("#EEEEEE"),
    };
    expect_events(
        command,
        vec![CampaignEvent::AssessmentLevelRelabelled {
            level: level(3),
            label: label("Unsure"),
            colour: colour("#eeeeee"),
        }],
    )
    .await;
}

#[tokio::test]
async fn a_level_off_the_scale_cannot_be_relabelled() {
    let command = CampaignCommand::RelabelLevel {
        level: level(6),
        label: label("Unknown"),
        colour: colour("#eeeeee"),
    };
    expect_error(command, CampaignError::LevelNotOnScale(level(6))).await;
}

#[tokio::test]
async fn a_level_is_appended_to_the_scale() {
    let command = CampaignCommand::AddLevel {
        label: label("Hostile"),
        colour: colour("#000000"),
    };
    expect_events(
        command,
        vec![CampaignEvent::AssessmentLevelAdded {
            level: level(6),
            label: label("Hostile"),
            colour: colour("#000000"),
        }],
    )
    .await;
}

#[tokio::test]
async fn the_scale_has_a_limit() {
    let added = (6..=10).map(|n| CampaignEvent::AssessmentLevelAdded {
        level: level(n),
        label: label("More"),
        colour: colour("#000000"),
    });
    given_the_fixture_campaign()
        .and(added.collect())
        .when_async(CampaignCommand::AddLevel {
            label: label("Too many"),
            colour: colour("#000000"),
        })
        .await
        .then_expect_error(CampaignError::ScaleFull);
}

#[tokio::test]
async fn units_are_added_at_the_root_and_below_a_parent() {
    let new_unit = crate::ids::UnitId::from_uuid(uuid::Uuid::from_u128(0xa_0100));
    for parent in [None, Some(DEPARTMENT)] {
        expect_events(
            CampaignCommand::AddUnit {
                unit_id: new_unit,
                name: label("Floor 2"),
                kind: label("Floor"),
                parent,
            },
            vec![CampaignEvent::UnitAdded {
                unit_id: new_unit,
                name: label("Floor 2"),
                kind: label("Floor"),
                parent,
            }],
        )
        .await;
    }
}

#[tokio::test]
async fn adding_a_unit_is_rejected_for_a_duplicate_or_a_bad_parent() {
    let add = |unit_id, parent| CampaignCommand::AddUnit {
        unit_id,
        name: label("Floor"),
        kind: label("Floor"),
        parent,
    };
    let new_unit = crate::ids::UnitId::from_uuid(uuid::Uuid::from_u128(0xa_0100));
    expect_error(add(WORKSITE, None), CampaignError::UnitAlreadyExists).await;
    expect_error(
        add(new_unit, Some(UNKNOWN_UNIT)),
        CampaignError::ParentNotFound,
    )
    .await;
    expect_error(
        add(new_unit, Some(CLOSED_STORE)),
        CampaignError::ParentRetired,
    )
    .await;
}

#[tokio::test]
async fn a_unit_is_renamed() {
    expect_events(
        CampaignCommand::RenameUnit {
            unit_id: DEPARTMENT,
            name: label("ER"),
        },
        vec![CampaignEvent::UnitRenamed {
            unit_id: DEPARTMENT,
            name: label("ER"),
        }],
    )
    .await;
    let rename = |unit_id| CampaignCommand::RenameUnit {
        unit_id,
        name: label("X"),
    };
    expect_error(rename(UNKNOWN_UNIT), CampaignError::UnitNotFound).await;
    expect_error(rename(CLOSED_STORE), CampaignError::UnitRetired).await;
}

#[tokio::test]
async fn a_unit_is_moved() {
    expect_events(
        CampaignCommand::MoveUnit {
            unit_id: DEPARTMENT,
            parent: Some(WAREHOUSE),
        },
        vec![CampaignEvent::UnitMoved {
            unit_id: DEPARTMENT,
            parent: Some(WAREHOUSE),
            previous_parent: Some(WORKSITE),
        }],
    )
    .await;
    expect_events(
        CampaignCommand::MoveUnit {
            unit_id: DEPARTMENT,
            parent: None,
        },
        vec![CampaignEvent::UnitMoved {
            unit_id: DEPARTMENT,
            parent: None,
            previous_parent: Some(WORKSITE),
        }],
    )
    .await;
}

#[tokio::test]
async fn moving_a_unit_rejects_cycles_and_bad_parents() {
    let move_to = |unit_id, parent| CampaignCommand::MoveUnit {
        unit_id,
        parent: Some(parent),
    };
    expect_error(
        move_to(WORKSITE, NIGHT_SHIFT_UNIT),
        CampaignError::MoveWouldCreateCycle,
    )
    .await;
    expect_error(
        move_to(WORKSITE, WORKSITE),
        CampaignError::MoveWouldCreateCycle,
    )
    .await;
    expect_error(
        move_to(DEPARTMENT, UNKNOWN_UNIT),
        CampaignError::ParentNotFound,
    )
    .await;
    expect_error(
        move_to(DEPARTMENT, CLOSED_STORE),
        CampaignError::ParentRetired,
    )
    .await;
    expect_error(move_to(UNKNOWN_UNIT, WORKSITE), CampaignError::UnitNotFound).await;
    expect_error(move_to(CLOSED_STORE, WORKSITE), CampaignError::UnitRetired).await;
}

#[tokio::test]
async fn a_leaf_unit_is_retired() {
    expect_events(
        CampaignCommand::RetireUnit {
            unit_id: NIGHT_SHIFT_UNIT,
        },
        vec![CampaignEvent::UnitRetired {
            unit_id: NIGHT_SHIFT_UNIT,
        }],
    )
    .await;
}

#[tokio::test]
async fn retiring_a_unit_with_active_sub_units_or_twice_is_rejected() {
    let retire = |unit_id| CampaignCommand::RetireUnit { unit_id };
    expect_error(retire(DEPARTMENT), CampaignError::UnitHasActiveSubUnits).await;
    expect_error(retire(CLOSED_STORE), CampaignError::UnitRetired).await;
    expect_error(retire(UNKNOWN_UNIT), CampaignError::UnitNotFound).await;
}

#[tokio::test]
async fn sections_are_added_and_renamed() {
    let new_section = SectionId::from_uuid(uuid::Uuid::from_u128(0x5e_0100));
    expect_events(
        CampaignCommand::AddSection {
            section_id: new_section,
            name: label("Home"),
        },
        vec![CampaignEvent::FieldSectionAdded {
            section_id: new_section,
            name: label("Home"),
        }],
    )
    .await;
    expect_events(
        CampaignCommand::RenameSection {
            section_id: SECTION,
            name: label("Job"),
        },
        vec![CampaignEvent::FieldSectionRenamed {
            section_id: SECTION,
            name: label("Job"),
        }],
    )
    .await;
    expect_error(
        CampaignCommand::AddSection {
            section_id: SECTION,
            name: label("Again"),
        },
        CampaignError::SectionAlreadyExists,
    )
    .await;
    expect_error(
        CampaignCommand::RenameSection {
            section_id: new_section,
            name: label("Nope"),
        },
        CampaignError::SectionNotFound,
    )
    .await;
}

#[tokio::test]
async fn fields_are_added_and_renamed() {
    let add = |field_id, section_id| CampaignCommand::AddField {
        field_id,
        section_id,
        name: label("Seniority"),
        field_type: FieldType::Number,
        allows_multiple: false,
    };
    expect_events(
        add(UNKNOWN_FIELD, SECTION),
        vec![CampaignEvent::FieldAdded {
            field_id: UNKNOWN_FIELD,
            section_id: SECTION,
            name: label("Seniority"),
            field_type: FieldType::Number,
            allows_multiple: false,
        }],
    )
    .await;
    expect_error(
        add(ISSUES_FIELD, SECTION),
        CampaignError::FieldAlreadyExists,
    )
    .await;
    let unknown_section = SectionId::from_uuid(uuid::Uuid::from_u128(0x5e_0100));
    expect_error(
        add(UNKNOWN_FIELD, unknown_section),
        CampaignError::SectionNotFound,
    )
    .await;
    expect_events(
        CampaignCommand::RenameField {
            field_id: ISSUES_FIELD,
            name: label("Concerns"),
        },
        vec![CampaignEvent::FieldRenamed {
            field_id: ISSUES_FIELD,
            name: label("Concerns"),
        }],
    )
    .await;
    expect_error(
        CampaignCommand::RenameField {
            field_id: UNKNOWN_FIELD,
            name: label("X"),
        },
        CampaignError::FieldNotFound,
    )
    .await;
}

#[tokio::test]
async fn responses_are_added_to_standard_and_shift_fields_only() {
    let new_response = ResponseId::from_uuid(uuid::Uuid::from_u128(0x7e_0100));
    let add = |field_id, response_id| CampaignCommand::AddResponse {
        field_id,
        response_id,
        name: label("Respect"),
    };
    expect_events(
        add(ISSUES_FIELD, new_response),
        vec![CampaignEvent::FieldResponseAdded {
            field_id: ISSUES_FIELD,
            response_id: new_response,
            name: label("Respect"),
        }],
    )
    .await;
    expect_error(
        add(HIRE_DATE_FIELD, new_response),
        CampaignError::FieldTakesNoResponses(FieldType::Date),
    )
    .await;
    expect_error(
        add(ISSUES_FIELD, WAGES),
        CampaignError::ResponseAlreadyExists,
    )
    .await;
    expect_error(
        add(UNKNOWN_FIELD, new_response),
        CampaignError::FieldNotFound,
    )
    .await;
}

#[tokio::test]
async fn responses_are_renamed_and_retired() {
    expect_events(
        CampaignCommand::RenameResponse {
            field_id: ISSUES_FIELD,
            response_id: WAGES,
            name: label("Pay"),
        },
        vec![CampaignEvent::FieldResponseRenamed {
            field_id: ISSUES_FIELD,
            response_id: WAGES,
            name: label("Pay"),
        }],
    )
    .await;
    expect_events(
        CampaignCommand::RetireResponse {
            field_id: ISSUES_FIELD,
            response_id: WAGES,
        },
        vec![CampaignEvent::FieldResponseRetired {
            field_id: ISSUES_FIELD,
            response_id: WAGES,
        }],
    )
    .await;
}

#[tokio::test]
async fn renaming_or_retiring_a_missing_or_retired_response_is_rejected() {
    let unknown = ResponseId::from_uuid(uuid::Uuid::from_u128(0x7e_0100));
    let retire = |field_id, response_id| CampaignCommand::RetireResponse {
        field_id,
        response_id,
    };
    expect_error(
        retire(ISSUES_FIELD, SCHEDULING),
        CampaignError::ResponseRetired,
    )
    .await;
    expect_error(
        retire(ISSUES_FIELD, unknown),
        CampaignError::ResponseNotFound,
    )
    .await;
    expect_error(retire(UNKNOWN_FIELD, WAGES), CampaignError::FieldNotFound).await;
    expect_error(
        CampaignCommand::RenameResponse {
            field_id: ISSUES_FIELD,
            response_id: SCHEDULING,
            name: label("X"),
        },
        CampaignError::ResponseRetired,
    )
    .await;
}

#[test]
fn facts_describe_units_fields_and_scale() {
    let facts = fixtures::campaign_facts();
    assert_eq!(facts.chapter, CHAPTER);
    assert!(!facts.archived);
    assert!(facts.is_on_scale(level(5)));
    assert!(!facts.is_on_scale(level(6)));
    assert!(facts.is_within(NIGHT_SHIFT_UNIT, WORKSITE));
    assert!(facts.is_within(DEPARTMENT, DEPARTMENT));
    assert!(!facts.is_within(WORKSITE, DEPARTMENT));
    assert!(!facts.is_within(WAREHOUSE, WORKSITE));
    assert!(facts.is_active_unit(WORKSITE));
    assert!(!facts.is_active_unit(CLOSED_STORE));
    assert!(!facts.is_active_unit(UNKNOWN_UNIT));
    let issues = facts.field(ISSUES_FIELD).expect("the issues field");
    assert!(issues.allows_multiple);
    assert!(issues.active_responses.contains(&WAGES));
    assert!(!issues.active_responses.contains(&SCHEDULING));
    assert_eq!(Campaign::default().facts(), None);
}

#[test]
fn state_survives_a_snapshot() {
    let campaign = fixtures::campaign();
    let json = serde_json::to_value(&campaign).unwrap();
    let back: Campaign = serde_json::from_value(json).unwrap();
    assert_eq!(back, campaign);
}
