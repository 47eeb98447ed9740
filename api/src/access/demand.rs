//! What a write needs: the [`Demand`] that follows from the command itself (so no transport can ask for the
//! wrong permission), and the checks that grant it — the role's permission or an activist's turf work, and
//! the campaign narrowing of the caller's membership.

use super::{Identity, Permission, Role, Scope, Turf};
use crate::command::Command;
use crate::error::ApiError;
use domain::campaign::CampaignCommand;
use domain::ids::{CampaignId, PersonId, TaskId, UserId};
use domain::person::PersonCommand;
use domain::structure_test::StructureTestCommand;
use domain::task::TaskCommand;
use store::AggregateStore;

/// The one permission `command` needs.
pub fn permission(command: &Command) -> Permission {
    use Permission as P;
    match command {
        Command::Chapter(..) => P::ManageChapter,
        Command::Campaign(..) | Command::StructureTest(..) => P::ManageCampaigns,
        Command::Person(_, command) => match command {
            PersonCommand::AssignOrganizer { .. } | PersonCommand::UnassignOrganizer => {
                P::AssignWork
            }
            PersonCommand::MergeDuplicate { .. } | PersonCommand::MarkMergedInto { .. } => {
                P::MergePeople
            }
            PersonCommand::Forget => P::ForgetPeople,
            _ => P::EditPeople,
        },
        Command::Task(_, command) => match command {
            TaskCommand::CompleteTask | TaskCommand::CancelTask | TaskCommand::ReopenTask => {
                P::WorkTasks
            }
            _ => P::AssignWork,
        },
    }
}

/// What the policy needs to know of `command`: its permission, what it acts on (for campaign narrowing)
/// and whether an activist may run it on their own turf or task.
pub fn demand(command: &Command) -> Demand {
    use CampaignCommand as C;
    use StructureTestCommand as S;
    let within = match command {
        Command::Chapter(..) | Command::Campaign(_, C::CreateCampaign { .. }) => Within::Chapter,
        Command::Campaign(campaign, _) => Within::Campaign(*campaign),
        Command::Person(_, PersonCommand::AddToCampaign { campaign_id, .. }) => {
            Within::Campaign(*campaign_id)
        }
        Command::Person(person, _) => Within::Person(*person),
        Command::Task(_, TaskCommand::AssignTask { campaign_id, .. }) => {
            Within::Campaign(*campaign_id)
        }
        Command::Task(task, _) => Within::Task(*task),
        Command::StructureTest(_, S::CreateStructureTest { campaign_id, .. }) => {
            Within::Campaign(*campaign_id)
        }
        Command::StructureTest(test, _) => Within::StructureTest(*test),
    };
    // An activist's writes: a note, a 1:1 they held, a structure-test step, for a person of their turf;
    // completing or reopening a task of their own. Nothing else.
    let turf_work = match command {
        Command::Person(
            person,
            PersonCommand::AddNote { .. } | PersonCommand::RecordStructureTestStep { .. },
        ) => Some(TurfWork::Person {
            person: *person,
            as_organizer: None,
            assesses: false,
        }),
        Command::Person(person, PersonCommand::LogOneOnOne(one_on_one)) => Some(TurfWork::Person {
            person: *person,
            as_organizer: Some(one_on_one.organizer),
            assesses: one_on_one.assessment.is_some(),
        }),
        Command::Task(task, TaskCommand::CompleteTask | TaskCommand::ReopenTask) => {
            Some(TurfWork::OwnTask(*task))
        }
        _ => None,
    };
    // Working a task (complete, cancel, reopen) is for its assignee, unless the role assigns work itself.
    let assignee_only = match command {
        Command::Task(
            task,
            TaskCommand::CompleteTask | TaskCommand::CancelTask | TaskCommand::ReopenTask,
        ) => Some(*task),
        _ => None,
    };
    Demand {
        permission: permission(command),
        within,
        turf_work,
        assignee_only,
    }
}

/// Checks that `identity` holds `permission`.
pub fn require(identity: &Identity, permission: Permission) -> Result<(), ApiError> {
    if permission.granted_to(identity.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "your role ({}) may not {}",
            identity.role.as_str(),
            permission.describe()
        )))
    }
}

/// Checks that `identity` may run a command as `demand` describes it: the role must hold the command's
/// permission, or the command must be turf work the caller may do on this person or task; and a member
/// narrowed to some campaigns reaches nothing else.
pub async fn authorize_write(
    store: &store::Store,
    identity: &Identity,
    demand: &Demand,
) -> Result<(), ApiError> {
    let turf_work = if demand.permission.granted_to(identity.role) {
        None
    } else {
        match &demand.turf_work {
            Some(work) if Permission::WorkTurf.granted_to(identity.role) => Some(work),
            // Refused: the role holds neither the permission nor turf work for this command.
            _ => {
                require(identity, demand.permission)?;
                None
            }
        }
    };
    if let Some(task) = demand.assignee_only {
        if turf_work.is_none() && !Permission::AssignWork.granted_to(identity.role) {
            check_own_task(store, identity, task).await?;
        }
    }
    if turf_work.is_some() || identity.role != Role::Admin {
        let scope = Scope::load(store, identity).await?;
        if let Some(work) = turf_work {
            check_turf_work(store, identity, &scope, work).await?;
        }
        if scope.campaigns.is_some() {
            match demand.within.campaign(store).await? {
                Reach::Chapter => {
                    return Err(ApiError::forbidden(
                        "your role is narrowed to some campaigns; this needs the whole chapter",
                    ))
                }
                Reach::Campaign(campaign, what) if !scope.reaches(campaign) => {
                    return Err(ApiError::not_found(format!("no {what} in this chapter")))
                }
                Reach::Campaign(..) | Reach::Unknown => {}
            }
        }
    }
    Ok(())
}

/// Checks that the command line, acting as `identity` (the account its operator named with `--as`, see
/// `Accounts::operator_identity`), may do what `permission` covers, in `campaign` when the work belongs to
/// one: the same roles, grants and campaign narrowing as over any other transport.
pub async fn authorize_operator(
    store: &store::Store,
    identity: &Identity,
    permission: Permission,
    campaign: Option<CampaignId>,
) -> Result<(), ApiError> {
    require(identity, permission)?;
    if let Some(campaign) = campaign {
        if !Scope::load(store, identity).await?.reaches(campaign) {
            return Err(ApiError::forbidden(format!(
                "your role in this chapter is limited to other campaigns than {campaign}"
            )));
        }
    }
    Ok(())
}

/// What a command needs, as [`demand`] derives it from the command: the permission, the thing whose
/// campaign decides whether a narrowed member reaches it, and whether an activist may do it on their turf.
#[derive(Debug, Clone)]
pub struct Demand {
    pub permission: Permission,
    pub within: Within,
    /// Set for the commands a role with `WorkTurf` (an activist) may run on their own turf or task.
    pub turf_work: Option<TurfWork>,
    /// Set for working a task (complete, cancel, reopen): a role that does not assign work (an organizer)
    /// may do it only on a task assigned to them; leads and admins on any.
    pub assignee_only: Option<TaskId>,
}

/// The thing a command acts on, for campaign narrowing.
#[derive(Debug, Clone, Copy)]
pub enum Within {
    /// The chapter itself (or a new campaign): never for a narrowed member.
    Chapter,
    Campaign(CampaignId),
    Person(PersonId),
    Task(TaskId),
    StructureTest(domain::ids::StructureTestId),
}

/// Turf work an activist may do.
#[derive(Debug, Clone, Copy)]
pub enum TurfWork {
    /// On a person of their turf; `as_organizer` is the organizer a 1:1 is logged for, which must be the
    /// activist themselves; `assesses` is a 1:1 that gives an assessment, which an activist may not (they
    /// may not `assessPerson` either).
    Person {
        person: PersonId,
        as_organizer: Option<UserId>,
        assesses: bool,
    },
    /// On a task assigned to them.
    OwnTask(TaskId),
}

enum Reach {
    Chapter,
    Campaign(CampaignId, String),
    /// The thing does not exist (yet): the command service answers NOT_FOUND itself.
    Unknown,
}

impl Within {
    async fn campaign(self, store: &store::Store) -> Result<Reach, ApiError> {
        let (campaign, what) = match self {
            Self::Chapter => return Ok(Reach::Chapter),
            Self::Campaign(campaign) => {
                return Ok(Reach::Campaign(campaign, format!("campaign {campaign}")))
            }
            Self::Person(person) => (
                campaign_of::<domain::person::Person>(store, person, |a| a.campaign()).await?,
                format!("person {person}"),
            ),
            Self::Task(task) => (
                campaign_of::<domain::task::Task>(store, task, |a| a.campaign()).await?,
                format!("task {task}"),
            ),
            Self::StructureTest(test) => (
                campaign_of::<domain::structure_test::StructureTest>(store, test, |a| a.campaign())
                    .await?,
                format!("structure test {test}"),
            ),
        };
        Ok(match campaign {
            Some(campaign) => Reach::Campaign(campaign, what),
            None => Reach::Unknown,
        })
    }
}

/// The campaign of the aggregate `id`, from its stored state (`None` while it does not exist).
async fn campaign_of<A: domain::StoredAggregate>(
    store: &store::Store,
    id: impl std::fmt::Display,
    campaign: impl FnOnce(&A) -> Option<CampaignId>,
) -> Result<Option<CampaignId>, ApiError> {
    let loaded = AggregateStore::<A>::new(store.clone())
        .load(&id.to_string())
        .await?;
    Ok(campaign(loaded.aggregate()))
}

/// Checks that `work` lies in the caller's turf: the person (of the caller's chapter and campaigns) is one
/// they organize or in one of their units, a 1:1 is logged as themselves; the task is assigned to them.
/// Anything else, whether it exists or not, is FORBIDDEN.
async fn check_turf_work(
    store: &store::Store,
    identity: &Identity,
    scope: &Scope,
    work: &TurfWork,
) -> Result<(), ApiError> {
    match *work {
        TurfWork::Person {
            person,
            as_organizer,
            assesses,
        } => {
            if assesses {
                return Err(ApiError::forbidden(
                    "input.assessment: an activist does not assess people; log the 1:1 without an \
                     assessment and leave the level to an organizer",
                ));
            }
            if as_organizer.is_some_and(|organizer| organizer != identity.user) {
                return Err(ApiError::forbidden(
                    "an activist logs only their own 1:1s (organizerId must be you)",
                ));
            }
            let loaded = AggregateStore::<domain::person::Person>::new(store.clone())
                .load(&person.to_string())
                .await?;
            let state = loaded.aggregate();
            let in_turf = match (state.chapter(), state.campaign()) {
                (Some(chapter), Some(campaign))
                    if chapter == identity.chapter && scope.reaches(campaign) =>
                {
                    Turf::expand(store, identity.user, scope, campaign)
                        .await?
                        .holds(state.organizer(), state.units())
                }
                _ => false,
            };
            if in_turf {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "an activist works only with the people of their turf",
                ))
            }
        }
        TurfWork::OwnTask(task) => check_own_task(store, identity, task).await,
    }
}

/// Checks that `task` is assigned to the caller. A task that does not exist is FORBIDDEN too: the caller
/// may work only on their own tasks, whatever exists besides.
async fn check_own_task(
    store: &store::Store,
    identity: &Identity,
    task: TaskId,
) -> Result<(), ApiError> {
    let loaded = AggregateStore::<domain::task::Task>::new(store.clone())
        .load(&task.to_string())
        .await?;
    if loaded.aggregate().assignee() == Some(identity.user) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "your role ({}) works only on the tasks assigned to you",
            identity.role.as_str()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ids::PersonId;

    fn as_role(role: Role) -> Identity {
        Identity {
            role,
            ..Identity::development()
        }
    }

    #[test]
    fn analysts_read_but_never_write() {
        let analyst = as_role(Role::Analyst);
        assert!(require(&analyst, Permission::Read).is_ok());
        assert!(require(&analyst, Permission::EditPeople).is_err());
    }

    #[test]
    fn only_admins_forget_people() {
        assert!(require(&as_role(Role::Lead), Permission::ForgetPeople).is_err());
        assert!(require(&Identity::development(), Permission::ForgetPeople).is_ok());
    }

    #[test]
    fn a_permission_follows_from_the_command() {
        let person = PersonId::new_random();
        let task = TaskId::new_random();
        let forget = demand(&Command::Person(person, PersonCommand::Forget));
        assert_eq!(forget.permission, Permission::ForgetPeople);
        assert!(matches!(forget.within, Within::Person(id) if id == person));
        assert!(forget.turf_work.is_none());
        assert_eq!(
            permission(&Command::Person(person, PersonCommand::UnassignOrganizer)),
            Permission::AssignWork
        );
        assert_eq!(
            permission(&Command::Task(task, TaskCommand::CancelTask)),
            Permission::WorkTasks
        );
    }

    #[test]
    fn an_activist_may_complete_their_own_task_but_not_cancel_it() {
        let task = TaskId::new_random();
        let complete = demand(&Command::Task(task, TaskCommand::CompleteTask));
        assert!(matches!(complete.turf_work, Some(TurfWork::OwnTask(id)) if id == task));
        let cancel = demand(&Command::Task(task, TaskCommand::CancelTask));
        assert!(cancel.turf_work.is_none());
        assert!(!cancel.permission.granted_to(Role::Activist));
    }
}
