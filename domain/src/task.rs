//! The task aggregate: a piece of work assigned to an organizer (a 1:1, a follow-up, a structure-test ask,
//! a data check), about some people, with an optional due date. Open → done or cancelled; both can be reopened.

use crate::campaign::CampaignFacts;
use crate::context::{Context, References};
use crate::ids::{CampaignId, ChapterId, PersonId, TaskId, UserId};
use crate::schema::StoredAggregate;
use crate::values::{Label, TaskKind, TaskStatus};
use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

/// A task decides against the facts of its campaign and the members and people it names.
pub type TaskContext = Context<TaskFacts>;

/// Facts from outside the task that its commands need.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFacts {
    pub campaign: CampaignFacts,
    /// The assignee and subjects the command names, as found in the chapter and the campaign.
    pub references: References,
}

impl TaskFacts {
    pub fn new(campaign: CampaignFacts, references: References) -> Self {
        Self {
            campaign,
            references,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskCommand {
    /// Creates the task and assigns it; the actor is recorded as the one who assigned it.
    /// The title is a label, not a place for personal notes.
    AssignTask {
        task_id: TaskId,
        campaign_id: CampaignId,
        kind: TaskKind,
        title: Label,
        assignee: UserId,
        subjects: Vec<PersonId>,
        due: Option<NaiveDate>,
    },
    ReassignTask {
        assignee: UserId,
    },
    /// Sets or clears the due date.
    ChangeDueDate {
        due: Option<NaiveDate>,
    },
    CompleteTask,
    CancelTask,
    ReopenTask,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskEvent {
    TaskAssigned {
        task_id: TaskId,
        campaign_id: CampaignId,
        chapter: ChapterId,
        kind: TaskKind,
        title: Label,
        assignee: UserId,
        subjects: Vec<PersonId>,
        due: Option<NaiveDate>,
        assigned_by: UserId,
    },
    TaskReassigned {
        assignee: UserId,
        previous_assignee: UserId,
        reassigned_by: UserId,
    },
    TaskDueDateChanged {
        due: Option<NaiveDate>,
        previous_due: Option<NaiveDate>,
    },
    TaskCompleted {
        completed_by: UserId,
    },
    TaskCancelled {
        cancelled_by: UserId,
    },
    TaskReopened {
        reopened_by: UserId,
    },
}

impl DomainEvent for TaskEvent {
    fn event_type(&self) -> String {
        match self {
            Self::TaskAssigned { .. } => "TaskAssigned",
            Self::TaskReassigned { .. } => "TaskReassigned",
            Self::TaskDueDateChanged { .. } => "TaskDueDateChanged",
            Self::TaskCompleted { .. } => "TaskCompleted",
            Self::TaskCancelled { .. } => "TaskCancelled",
            Self::TaskReopened { .. } => "TaskReopened",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("the task already exists")]
    AlreadyExists,
    #[error("the task was not found")]
    NotFound,
    #[error("the campaign was not found")]
    CampaignNotFound,
    #[error("the campaign is archived")]
    CampaignArchived,
    #[error("person {0} is listed twice")]
    SubjectRepeated(PersonId),
    #[error("the task is already assigned to this organizer")]
    AlreadyAssignedTo(UserId),
    #[error("{0} is not a member of the chapter")]
    AssigneeNotMember(UserId),
    #[error("person {0} is not in the campaign")]
    SubjectNotFound(PersonId),
    #[error("the due date is unchanged")]
    DueDateUnchanged,
    #[error("the task is done")]
    Done,
    #[error("the task is cancelled")]
    Cancelled,
    #[error("the task is open")]
    NotClosed,
}

impl crate::rejection::Rejection for TaskError {
    fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound | Self::CampaignNotFound)
    }

    /// The whole mapping from a refusal to the input field to blame.
    fn field(&self) -> Option<&'static str> {
        Some(match self {
            Self::AlreadyExists => "id",
            Self::CampaignNotFound | Self::CampaignArchived => "campaignId",
            Self::SubjectRepeated(_) | Self::SubjectNotFound(_) => "subjectIds",
            Self::AlreadyAssignedTo(_) | Self::AssigneeNotMember(_) => "assigneeId",
            Self::DueDateUnchanged => "due",
            Self::NotFound | Self::Done | Self::Cancelled | Self::NotClosed => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct TaskState {
    id: TaskId,
    campaign_id: CampaignId,
    chapter: ChapterId,
    kind: TaskKind,
    title: Label,
    assignee: UserId,
    subjects: Vec<PersonId>,
    due: Option<NaiveDate>,
    status: TaskStatus,
    assigned_by: UserId,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    state: Option<TaskState>,
}

impl Task {
    /// The campaign this belongs to.
    pub fn campaign(&self) -> Option<CampaignId> {
        self.state.as_ref().map(|state| state.campaign_id)
    }

    pub fn id(&self) -> Option<TaskId> {
        self.state.as_ref().map(|state| state.id)
    }

    pub fn status(&self) -> Option<TaskStatus> {
        self.state.as_ref().map(|state| state.status)
    }

    pub fn assignee(&self) -> Option<UserId> {
        self.state.as_ref().map(|state| state.assignee)
    }

    /// Decides which events a command causes, without changing the task.
    pub fn decide(
        &self,
        command: TaskCommand,
        context: &TaskContext,
    ) -> Result<Vec<TaskEvent>, TaskError> {
        use TaskCommand as C;
        use TaskError as E;
        use TaskEvent as V;
        let campaign = &context.facts.campaign;
        let references = &context.facts.references;
        let by = context.actor.user;

        if let C::AssignTask {
            task_id,
            campaign_id,
            kind,
            title,
            assignee,
            subjects,
            due,
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
            if let Some(repeated) = subjects
                .iter()
                .enumerate()
                .find(|(index, subject)| subjects[..*index].contains(subject))
            {
                return Err(E::SubjectRepeated(*repeated.1));
            }
            if !references.is_member(assignee) {
                return Err(E::AssigneeNotMember(assignee));
            }
            if let Some(missing) = subjects.iter().find(|s| !references.has_person(**s)) {
                return Err(E::SubjectNotFound(*missing));
            }
            return Ok(vec![V::TaskAssigned {
                task_id,
                campaign_id,
                chapter: campaign.chapter,
                kind,
                title,
                assignee,
                subjects,
                due,
                assigned_by: by,
            }]);
        }

        let state = match &self.state {
            Some(state) if state.chapter == context.actor.chapter => state,
            _ => return Err(E::NotFound),
        };
        if campaign.archived {
            return Err(E::CampaignArchived);
        }
        // Only open tasks can change, except that a closed one can be reopened.
        let closed_error = match state.status {
            TaskStatus::Open => None,
            TaskStatus::Done => Some(E::Done),
            TaskStatus::Cancelled => Some(E::Cancelled),
        };
        let event = match (command, closed_error) {
            (C::AssignTask { .. }, _) => return Err(E::AlreadyExists),
            (C::ReopenTask, None) => return Err(E::NotClosed),
            (C::ReopenTask, Some(_)) => V::TaskReopened { reopened_by: by },
            (_, Some(error)) => return Err(error),
            (C::ReassignTask { assignee }, None) => {
                if assignee == state.assignee {
                    return Err(E::AlreadyAssignedTo(assignee));
                }
                if !references.is_member(assignee) {
                    return Err(E::AssigneeNotMember(assignee));
                }
                V::TaskReassigned {
                    assignee,
                    previous_assignee: state.assignee,
                    reassigned_by: by,
                }
            }
            (C::ChangeDueDate { due }, None) => {
                if due == state.due {
                    return Err(E::DueDateUnchanged);
                }
                V::TaskDueDateChanged {
                    due,
                    previous_due: state.due,
                }
            }
            (C::CompleteTask, None) => V::TaskCompleted { completed_by: by },
            (C::CancelTask, None) => V::TaskCancelled { cancelled_by: by },
        };
        Ok(vec![event])
    }
}

impl Aggregate for Task {
    const TYPE: &'static str = "Task";
    type Command = TaskCommand;
    type Event = TaskEvent;
    type Error = TaskError;
    type Services = TaskContext;

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
        use TaskEvent as V;
        match (event, &mut self.state) {
            (
                V::TaskAssigned {
                    task_id,
                    campaign_id,
                    chapter,
                    kind,
                    title,
                    assignee,
                    subjects,
                    due,
                    assigned_by,
                },
                _,
            ) => {
                self.state = Some(TaskState {
                    id: task_id,
                    campaign_id,
                    chapter,
                    kind,
                    title,
                    assignee,
                    subjects,
                    due,
                    status: TaskStatus::Open,
                    assigned_by,
                });
            }
            (V::TaskReassigned { assignee, .. }, Some(state)) => state.assignee = assignee,
            (V::TaskDueDateChanged { due, .. }, Some(state)) => state.due = due,
            (V::TaskCompleted { .. }, Some(state)) => state.status = TaskStatus::Done,
            (V::TaskCancelled { .. }, Some(state)) => state.status = TaskStatus::Cancelled,
            (V::TaskReopened { .. }, Some(state)) => state.status = TaskStatus::Open,
            // Events before creation cannot occur in a well-formed stream; ignore them.
            (_, None) => {}
        }
    }
}

impl StoredAggregate for Task {
    const SNAPSHOT_VERSION: u32 = 1;

    fn event_schema_version(_event_type: &str) -> u32 {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{
        self, label, CAMPAIGN, CHAPTER, LEAD, ORGANIZER, OTHER_CAMPAIGN, OTHER_CHAPTER,
    };
    use crate::fixtures::{OTHER_ORGANIZER, OTHER_PERSON, PERSON, TASK};
    use cqrs_es::test::{AggregateTestExecutor, TestFramework};

    fn assign(campaign_id: CampaignId, subjects: Vec<PersonId>) -> TaskCommand {
        TaskCommand::AssignTask {
            task_id: TASK,
            campaign_id,
            kind: TaskKind::OneOnOne,
            title: label("1:1 with new hires"),
            assignee: ORGANIZER,
            subjects,
            due: Some(fixtures::tomorrow()),
        }
    }

    fn assigned() -> TaskEvent {
        TaskEvent::TaskAssigned {
            task_id: TASK,
            campaign_id: CAMPAIGN,
            chapter: CHAPTER,
            kind: TaskKind::OneOnOne,
            title: label("1:1 with new hires"),
            assignee: ORGANIZER,
            subjects: vec![PERSON, OTHER_PERSON],
            due: Some(fixtures::tomorrow()),
            assigned_by: LEAD,
        }
    }

    fn framework() -> TestFramework<Task> {
        TestFramework::<Task>::with(fixtures::context(fixtures::task_facts()))
    }

    fn given_a_task() -> AggregateTestExecutor<Task> {
        framework().given(vec![assigned()])
    }

    fn given_a_done_task() -> AggregateTestExecutor<Task> {
        given_a_task().and(vec![TaskEvent::TaskCompleted {
            completed_by: ORGANIZER,
        }])
    }

    fn given_a_cancelled_task() -> AggregateTestExecutor<Task> {
        given_a_task().and(vec![TaskEvent::TaskCancelled { cancelled_by: LEAD }])
    }

    #[tokio::test]
    async fn a_task_is_assigned() {
        framework()
            .given_no_previous_events()
            .when_async(assign(CAMPAIGN, vec![PERSON, OTHER_PERSON]))
            .await
            .then_expect_events(vec![assigned()]);
    }

    #[tokio::test]
    async fn the_assignee_must_be_a_member_and_the_subjects_people_of_the_campaign() {
        let stranger = UserId::from_uuid(uuid::Uuid::from_u128(0xdead));
        let nobody = PersonId::from_uuid(uuid::Uuid::from_u128(0xbeef));
        framework()
            .given_no_previous_events()
            .when_async(match assign(CAMPAIGN, vec![PERSON]) {
                TaskCommand::AssignTask {
                    task_id,
                    campaign_id,
                    kind,
                    title,
                    subjects,
                    due,
                    ..
                } => TaskCommand::AssignTask {
                    task_id,
                    campaign_id,
                    kind,
                    title,
                    assignee: stranger,
                    subjects,
                    due,
                },
                other => other,
            })
            .await
            .then_expect_error(TaskError::AssigneeNotMember(stranger));
        framework()
            .given_no_previous_events()
            .when_async(assign(CAMPAIGN, vec![PERSON, nobody]))
            .await
            .then_expect_error(TaskError::SubjectNotFound(nobody));
        given_a_task()
            .when_async(TaskCommand::ReassignTask { assignee: stranger })
            .await
            .then_expect_error(TaskError::AssigneeNotMember(stranger));
    }

    #[tokio::test]
    async fn assigning_is_rejected_for_an_existing_task_or_a_bad_campaign_or_repeated_people() {
        given_a_task()
            .when_async(assign(CAMPAIGN, vec![]))
            .await
            .then_expect_error(TaskError::AlreadyExists);
        framework()
            .given_no_previous_events()
            .when_async(assign(OTHER_CAMPAIGN, vec![]))
            .await
            .then_expect_error(TaskError::CampaignNotFound);
        TestFramework::<Task>::with(Context::new(
            fixtures::actor_in(OTHER_CHAPTER),
            fixtures::task_facts(),
        ))
        .given_no_previous_events()
        .when_async(assign(CAMPAIGN, vec![]))
        .await
        .then_expect_error(TaskError::CampaignNotFound);
        TestFramework::<Task>::with(fixtures::context(TaskFacts::new(
            fixtures::archived_campaign_facts(),
            fixtures::references(),
        )))
        .given_no_previous_events()
        .when_async(assign(CAMPAIGN, vec![]))
        .await
        .then_expect_error(TaskError::CampaignArchived);
        framework()
            .given_no_previous_events()
            .when_async(assign(CAMPAIGN, vec![PERSON, PERSON]))
            .await
            .then_expect_error(TaskError::SubjectRepeated(PERSON));
    }

    #[tokio::test]
    async fn a_task_is_reassigned() {
        given_a_task()
            .when_async(TaskCommand::ReassignTask {
                assignee: OTHER_ORGANIZER,
            })
            .await
            .then_expect_events(vec![TaskEvent::TaskReassigned {
                assignee: OTHER_ORGANIZER,
                previous_assignee: ORGANIZER,
                reassigned_by: LEAD,
            }]);
    }

    #[tokio::test]
    async fn reassigning_to_the_same_organizer_is_rejected() {
        given_a_task()
            .when_async(TaskCommand::ReassignTask {
                assignee: ORGANIZER,
            })
            .await
            .then_expect_error(TaskError::AlreadyAssignedTo(ORGANIZER));
    }

    #[tokio::test]
    async fn the_due_date_is_changed_or_cleared() {
        given_a_task()
            .when_async(TaskCommand::ChangeDueDate { due: None })
            .await
            .then_expect_events(vec![TaskEvent::TaskDueDateChanged {
                due: None,
                previous_due: Some(fixtures::tomorrow()),
            }]);
        given_a_task()
            .when_async(TaskCommand::ChangeDueDate {
                due: Some(fixtures::tomorrow()),
            })
            .await
            .then_expect_error(TaskError::DueDateUnchanged);
    }

    #[tokio::test]
    async fn a_task_is_completed_by_the_actor() {
        TestFramework::<Task>::with(Context::new(
            fixtures::actor_as(ORGANIZER),
            fixtures::task_facts(),
        ))
        .given(vec![assigned()])
        .when_async(TaskCommand::CompleteTask)
        .await
        .then_expect_events(vec![TaskEvent::TaskCompleted {
            completed_by: ORGANIZER,
        }]);
    }

    #[tokio::test]
    async fn a_task_is_cancelled() {
        given_a_task()
            .when_async(TaskCommand::CancelTask)
            .await
            .then_expect_events(vec![TaskEvent::TaskCancelled { cancelled_by: LEAD }]);
    }

    #[tokio::test]
    async fn done_and_cancelled_tasks_are_reopened() {
        for given in [given_a_done_task(), given_a_cancelled_task()] {
            given
                .when_async(TaskCommand::ReopenTask)
                .await
                .then_expect_events(vec![TaskEvent::TaskReopened { reopened_by: LEAD }]);
        }
    }

    #[tokio::test]
    async fn an_open_task_cannot_be_reopened() {
        given_a_task()
            .when_async(TaskCommand::ReopenTask)
            .await
            .then_expect_error(TaskError::NotClosed);
    }

    #[tokio::test]
    async fn a_cancelled_task_rejects_work() {
        for command in [
            TaskCommand::CompleteTask,
            TaskCommand::CancelTask,
            TaskCommand::ReassignTask {
                assignee: OTHER_ORGANIZER,
            },
            TaskCommand::ChangeDueDate { due: None },
        ] {
            given_a_cancelled_task()
                .when_async(command)
                .await
                .then_expect_error(TaskError::Cancelled);
        }
    }

    #[tokio::test]
    async fn a_done_task_rejects_work() {
        for command in [TaskCommand::CompleteTask, TaskCommand::CancelTask] {
            given_a_done_task()
                .when_async(command)
                .await
                .then_expect_error(TaskError::Done);
        }
    }

    #[tokio::test]
    async fn a_missing_or_foreign_task_is_not_found() {
        framework()
            .given_no_previous_events()
            .when_async(TaskCommand::CompleteTask)
            .await
            .then_expect_error(TaskError::NotFound);
        TestFramework::<Task>::with(Context::new(
            fixtures::actor_in(OTHER_CHAPTER),
            fixtures::task_facts(),
        ))
        .given(vec![assigned()])
        .when_async(TaskCommand::CompleteTask)
        .await
        .then_expect_error(TaskError::NotFound);
    }

    #[tokio::test]
    async fn an_archived_campaign_freezes_its_tasks() {
        TestFramework::<Task>::with(fixtures::context(TaskFacts::new(
            fixtures::archived_campaign_facts(),
            fixtures::references(),
        )))
        .given(vec![assigned()])
        .when_async(TaskCommand::CompleteTask)
        .await
        .then_expect_error(TaskError::CampaignArchived);
    }

    #[test]
    fn state_tracks_status_and_assignee() {
        let mut task = Task::default();
        task.apply(assigned());
        task.apply(TaskEvent::TaskReassigned {
            assignee: OTHER_ORGANIZER,
            previous_assignee: ORGANIZER,
            reassigned_by: LEAD,
        });
        task.apply(TaskEvent::TaskCompleted { completed_by: LEAD });
        assert_eq!(task.status(), Some(TaskStatus::Done));
        assert_eq!(task.assignee(), Some(OTHER_ORGANIZER));
        let back: Task = serde_json::from_value(serde_json::to_value(&task).unwrap()).unwrap();
        assert_eq!(back, task);
    }
}
