//! The structure-test aggregate: a collective action (sign a petition, wear a button) that tests the
//! organization's strength before a bigger one. Each person's steps live on the person's own stream; the
//! test itself holds its scope, goal and deadline, and tells people whether it is open through
//! [`StructureTestFacts`].

use crate::campaign::CampaignFacts;
use crate::context::Context;
use crate::ids::{CampaignId, ChapterId, StructureTestId, UnitId};
use crate::schema::StoredAggregate;
use crate::values::{GoalThreshold, Label};
use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

/// A structure test decides against the facts of its campaign.
pub type StructureTestContext = Context<CampaignFacts>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StructureTestCommand {
    /// Creates the test. An empty `scope` means the whole campaign; otherwise every unit must be active.
    CreateStructureTest {
        test_id: StructureTestId,
        campaign_id: CampaignId,
        name: Label,
        scope: Vec<UnitId>,
        goal: GoalThreshold,
        deadline: NaiveDate,
    },
    RenameStructureTest {
        name: Label,
    },
    ChangeDeadline {
        deadline: NaiveDate,
    },
    CloseStructureTest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StructureTestEvent {
    StructureTestCreated {
        test_id: StructureTestId,
        campaign_id: CampaignId,
        chapter: ChapterId,
        name: Label,
        scope: Vec<UnitId>,
        goal: GoalThreshold,
        deadline: NaiveDate,
    },
    StructureTestRenamed {
        name: Label,
    },
    StructureTestDeadlineChanged {
        deadline: NaiveDate,
        previous_deadline: NaiveDate,
    },
    StructureTestClosed,
}

impl DomainEvent for StructureTestEvent {
    fn event_type(&self) -> String {
        match self {
            Self::StructureTestCreated { .. } => "StructureTestCreated",
            Self::StructureTestRenamed { .. } => "StructureTestRenamed",
            Self::StructureTestDeadlineChanged { .. } => "StructureTestDeadlineChanged",
            Self::StructureTestClosed => "StructureTestClosed",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureTestError {
    #[error("the structure test already exists")]
    AlreadyExists,
    #[error("the structure test was not found")]
    NotFound,
    #[error("the campaign was not found")]
    CampaignNotFound,
    #[error("the campaign is archived")]
    CampaignArchived,
    #[error("unit {0} is not a unit of the campaign")]
    UnitNotFound(UnitId),
    #[error("unit {0} is retired")]
    UnitRetired(UnitId),
    #[error("unit {0} appears twice in the scope")]
    UnitRepeated(UnitId),
    #[error("the deadline must not be in the past")]
    DeadlineInPast,
    #[error("the structure test is closed")]
    Closed,
}

impl crate::rejection::Rejection for StructureTestError {
    fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::NotFound | Self::CampaignNotFound | Self::UnitNotFound(..)
        )
    }

    /// The whole mapping from a refusal to the input field to blame, as the structure-test mutations name
    /// their inputs.
    fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::AlreadyExists => "id",
            Self::NotFound | Self::Closed => "structureTestId",
            Self::CampaignNotFound | Self::CampaignArchived => "campaignId",
            Self::UnitNotFound(_) | Self::UnitRetired(_) | Self::UnitRepeated(_) => "scopeUnitIds",
            Self::DeadlineInPast => "deadline",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StructureTestState {
    id: StructureTestId,
    campaign_id: CampaignId,
    chapter: ChapterId,
    name: Label,
    scope: Vec<UnitId>,
    goal: GoalThreshold,
    deadline: NaiveDate,
    closed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureTest {
    state: Option<StructureTestState>,
}

/// What a person's stream needs to know about a structure test to record a step. Built by
/// [`StructureTest::facts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureTestFacts {
    pub test_id: StructureTestId,
    pub campaign_id: CampaignId,
    pub chapter: ChapterId,
    /// Units the test covers, with their sub-units. Empty means the whole campaign.
    pub scope: Vec<UnitId>,
    pub open: bool,
}

impl StructureTestFacts {
    /// Whether someone belonging to `units` is in the test's scope.
    pub fn covers<'a>(
        &self,
        campaign: &CampaignFacts,
        mut units: impl Iterator<Item = &'a UnitId>,
    ) -> bool {
        self.scope.is_empty()
            || units.any(|unit| {
                self.scope
                    .iter()
                    .any(|scope| campaign.is_within(*unit, *scope))
            })
    }
}

impl StructureTest {
    /// The campaign this belongs to.
    pub fn campaign(&self) -> Option<CampaignId> {
        self.state.as_ref().map(|state| state.campaign_id)
    }

    pub fn id(&self) -> Option<StructureTestId> {
        self.state.as_ref().map(|state| state.id)
    }

    /// The facts people's streams decide against, or `None` if the test does not exist.
    pub fn facts(&self) -> Option<StructureTestFacts> {
        self.state.as_ref().map(|state| StructureTestFacts {
            test_id: state.id,
            campaign_id: state.campaign_id,
            chapter: state.chapter,
            scope: state.scope.clone(),
            open: !state.closed,
        })
    }

    /// Decides which events a command causes, without changing the test.
    pub fn decide(
        &self,
        command: StructureTestCommand,
        context: &StructureTestContext,
    ) -> Result<Vec<StructureTestEvent>, StructureTestError> {
        use StructureTestCommand as C;
        use StructureTestError as E;
        use StructureTestEvent as V;
        let campaign = &context.facts;
        let today = context.actor.at.date_naive();

        if let C::CreateStructureTest {
            test_id,
            campaign_id,
            name,
            scope,
            goal,
            deadline,
        } = command
        {
            if self.state.is_some() {
                return Err(E::AlreadyExists);
            }
            if campaign.campaign_id != campaign_id || campaign.chapter != context.actor.chapter {
                return Err(E::CampaignNotFound);
            }
            if campaign.archived {
                return Err(E::CampaignArchived);
            }
            for (index, unit) in scope.iter().enumerate() {
                match campaign.units.get(unit) {
                    None => return Err(E::UnitNotFound(*unit)),
                    Some(facts) if facts.retired => return Err(E::UnitRetired(*unit)),
                    Some(_) if scope[..index].contains(unit) => return Err(E::UnitRepeated(*unit)),
                    Some(_) => {}
                }
            }
            if deadline < today {
                return Err(E::DeadlineInPast);
            }
            return Ok(vec![V::StructureTestCreated {
                test_id,
                campaign_id,
                chapter: campaign.chapter,
                name,
                scope,
                goal,
                deadline,
            }]);
        }

        let state = match &self.state {
            Some(state) if state.chapter == context.actor.chapter => state,
            _ => return Err(E::NotFound),
        };
        if state.closed {
            return Err(E::Closed);
        }
        if campaign.archived {
            return Err(E::CampaignArchived);
        }
        let event = match command {
            C::CreateStructureTest { .. } => return Err(E::AlreadyExists),
            C::RenameStructureTest { name } => V::StructureTestRenamed { name },
            C::ChangeDeadline { deadline } => {
                if deadline < today {
                    return Err(E::DeadlineInPast);
                }
                V::StructureTestDeadlineChanged {
                    deadline,
                    previous_deadline: state.deadline,
                }
            }
            C::CloseStructureTest => V::StructureTestClosed,
        };
        Ok(vec![event])
    }
}

impl Aggregate for StructureTest {
    const TYPE: &'static str = "StructureTest";
    type Command = StructureTestCommand;
    type Event = StructureTestEvent;
    type Error = StructureTestError;
    type Services = StructureTestContext;

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
        use StructureTestEvent as V;
        match (event, &mut self.state) {
            (
                V::StructureTestCreated {
                    test_id,
                    campaign_id,
                    chapter,
                    name,
                    scope,
                    goal,
                    deadline,
                },
                _,
            ) => {
                self.state = Some(StructureTestState {
                    id: test_id,
                    campaign_id,
                    chapter,
                    name,
                    scope,
                    goal,
                    deadline,
                    closed: false,
                });
            }
            (V::StructureTestRenamed { name }, Some(state)) => state.name = name,
            (V::StructureTestDeadlineChanged { deadline, .. }, Some(state)) => {
                state.deadline = deadline
            }
            (V::StructureTestClosed, Some(state)) => state.closed = true,
            // Events before creation cannot occur in a well-formed stream; ignore them.
            (_, None) => {}
        }
    }
}

impl StoredAggregate for StructureTest {
    const SNAPSHOT_VERSION: u32 = 1;

    fn event_schema_version(_event_type: &str) -> u32 {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{
        self, label, CAMPAIGN, CHAPTER, CLOSED_STORE, DEPARTMENT, OTHER_CAMPAIGN, OTHER_CHAPTER,
    };
    use crate::fixtures::{NIGHT_SHIFT_UNIT, STRUCTURE_TEST, UNKNOWN_UNIT, WAREHOUSE, WORKSITE};
    use cqrs_es::test::{AggregateTestExecutor, TestFramework};

    fn goal() -> GoalThreshold {
        GoalThreshold::new(70).unwrap()
    }

    fn create(scope: Vec<UnitId>, deadline: NaiveDate) -> StructureTestCommand {
        StructureTestCommand::CreateStructureTest {
            test_id: STRUCTURE_TEST,
            campaign_id: CAMPAIGN,
            name: label("Petition"),
            scope,
            goal: goal(),
            deadline,
        }
    }

    fn created() -> StructureTestEvent {
        StructureTestEvent::StructureTestCreated {
            test_id: STRUCTURE_TEST,
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            name: label("Petition"),
            scope: vec![DEPARTMENT],
            goal: goal(),
            deadline: fixtures::tomorrow(),
        }
    }

    fn given_nothing() -> AggregateTestExecutor<StructureTest> {
        TestFramework::<StructureTest>::with(fixtures::context(fixtures::campaign_facts()))
            .given_no_previous_events()
    }

    fn given_a_test() -> AggregateTestExecutor<StructureTest> {
        TestFramework::<StructureTest>::with(fixtures::context(fixtures::campaign_facts()))
            .given(vec![created()])
    }

    fn yesterday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    #[tokio::test]
    async fn a_test_is_created_for_some_units() {
        given_nothing()
            .when_async(create(vec![DEPARTMENT], fixtures::tomorrow()))
            .await
            .then_expect_events(vec![created()]);
    }

    #[tokio::test]
    async fn a_test_with_no_scope_covers_the_whole_campaign() {
        let events = given_nothing()
            .when_async(create(vec![], fixtures::at().date_naive()))
            .await
            .inspect_result()
            .unwrap();
        let mut test = StructureTest::default();
        test.apply(events[0].clone());
        let facts = test.facts().unwrap();
        assert!(facts.scope.is_empty());
        assert!(facts.covers(&fixtures::campaign_facts(), [WAREHOUSE].iter()));
        assert!(facts.covers(&fixtures::campaign_facts(), [].iter()));
    }

    #[tokio::test]
    async fn creating_a_test_twice_is_rejected() {
        given_a_test()
            .when_async(create(vec![], fixtures::tomorrow()))
            .await
            .then_expect_error(StructureTestError::AlreadyExists);
    }

    #[tokio::test]
    async fn creating_a_test_checks_the_campaign() {
        TestFramework::<StructureTest>::with(
            fixtures::context(fixtures::archived_campaign_facts()),
        )
        .given_no_previous_events()
        .when_async(create(vec![], fixtures::tomorrow()))
        .await
        .then_expect_error(StructureTestError::CampaignArchived);
        given_nothing()
            .when_async(StructureTestCommand::CreateStructureTest {
                test_id: STRUCTURE_TEST,
                campaign_id: OTHER_CAMPAIGN,
                name: label("Petition"),
                scope: vec![],
                goal: goal(),
                deadline: fixtures::tomorrow(),
            })
            .await
            .then_expect_error(StructureTestError::CampaignNotFound);
        TestFramework::<StructureTest>::with(Context::new(
            fixtures::actor_in(OTHER_CHAPTER),
            fixtures::campaign_facts(),
        ))
        .given_no_previous_events()
        .when_async(create(vec![], fixtures::tomorrow()))
        .await
        .then_expect_error(StructureTestError::CampaignNotFound);
    }

    #[tokio::test]
    async fn creating_a_test_checks_the_scope_and_deadline() {
        let cases = [
            (
                vec![UNKNOWN_UNIT],
                StructureTestError::UnitNotFound(UNKNOWN_UNIT),
            ),
            (
                vec![CLOSED_STORE],
                StructureTestError::UnitRetired(CLOSED_STORE),
            ),
            (
                vec![WORKSITE, WORKSITE],
                StructureTestError::UnitRepeated(WORKSITE),
            ),
        ];
        for (scope, error) in cases {
            given_nothing()
                .when_async(create(scope, fixtures::tomorrow()))
                .await
                .then_expect_error(error);
        }
        given_nothing()
            .when_async(create(vec![], yesterday()))
            .await
            .then_expect_error(StructureTestError::DeadlineInPast);
    }

    #[tokio::test]
    async fn a_test_is_renamed() {
        given_a_test()
            .when_async(StructureTestCommand::RenameStructureTest {
                name: label("Button day"),
            })
            .await
            .then_expect_events(vec![StructureTestEvent::StructureTestRenamed {
                name: label("Button day"),
            }]);
    }

    #[tokio::test]
    async fn the_deadline_is_changed() {
        let later = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        given_a_test()
            .when_async(StructureTestCommand::ChangeDeadline { deadline: later })
            .await
            .then_expect_events(vec![StructureTestEvent::StructureTestDeadlineChanged {
                deadline: later,
                previous_deadline: fixtures::tomorrow(),
            }]);
        given_a_test()
            .when_async(StructureTestCommand::ChangeDeadline {
                deadline: yesterday(),
            })
            .await
            .then_expect_error(StructureTestError::DeadlineInPast);
    }

    #[tokio::test]
    async fn a_test_is_closed_and_then_rejects_changes() {
        given_a_test()
            .when_async(StructureTestCommand::CloseStructureTest)
            .await
            .then_expect_events(vec![StructureTestEvent::StructureTestClosed]);
        for command in [
            StructureTestCommand::CloseStructureTest,
            StructureTestCommand::RenameStructureTest { name: label("X") },
        ] {
            given_a_test()
                .and(vec![StructureTestEvent::StructureTestClosed])
                .when_async(command)
                .await
                .then_expect_error(StructureTestError::Closed);
        }
    }

    #[tokio::test]
    async fn a_missing_or_foreign_test_is_not_found() {
        given_nothing()
            .when_async(StructureTestCommand::CloseStructureTest)
            .await
            .then_expect_error(StructureTestError::NotFound);
        TestFramework::<StructureTest>::with(Context::new(
            fixtures::actor_in(OTHER_CHAPTER),
            fixtures::campaign_facts(),
        ))
        .given(vec![created()])
        .when_async(StructureTestCommand::CloseStructureTest)
        .await
        .then_expect_error(StructureTestError::NotFound);
    }

    #[tokio::test]
    async fn an_archived_campaign_freezes_its_tests() {
        TestFramework::<StructureTest>::with(
            fixtures::context(fixtures::archived_campaign_facts()),
        )
        .given(vec![created()])
        .when_async(StructureTestCommand::CloseStructureTest)
        .await
        .then_expect_error(StructureTestError::CampaignArchived);
    }

    #[test]
    fn facts_tell_whether_the_test_is_open_and_whom_it_covers() {
        let mut test = StructureTest::default();
        assert_eq!(test.facts(), None);
        test.apply(created());
        let facts = test.facts().unwrap();
        assert!(facts.open);
        let campaign = fixtures::campaign_facts();
        assert!(facts.covers(&campaign, [NIGHT_SHIFT_UNIT].iter()));
        assert!(facts.covers(&campaign, [WAREHOUSE, DEPARTMENT].iter()));
        assert!(!facts.covers(&campaign, [WORKSITE].iter()));
        assert!(!facts.covers(&campaign, [].iter()));
        test.apply(StructureTestEvent::StructureTestClosed);
        assert!(!test.facts().unwrap().open);
    }
}
