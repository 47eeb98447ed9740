//! The one authorization layer. Resolvers never hold the command service or the read models directly: the
//! schema keeps them inside a [`Gate`] whose fields only this module can reach, and the only ways through are
//! [`Policy::write`] (which derives the permission from the command itself, so no mutation can ask for the
//! wrong one) and [`Policy::read`] (which hands out read access only).
//!
//! The [`Identity`] of a request comes from its session cookie or its personal API token (see
//! `crate::accounts` and `crate::http`); a fixed development identity is used only when the server was
//! explicitly started with `GROUNDWORK_DEV_IDENTITY=true`.

use crate::accounts::Accounts;
use crate::config::Environment;
use crate::error::ApiError;
use crate::service::Groundwork;
use async_graphql::{Context, Enum, SimpleObject, ID};
use domain::ids::{CampaignId, ChapterId, CorrelationId, PersonId, TaskId, UnitId, UserId};
use domain::Actor;
use projections::ReadModels;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use store::AggregateStore;

/// A role decides what an identity may do in one chapter.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works their turf: the people they organize and the people of the units assigned to them. Reads
    /// only those people and their own tasks; logs 1:1s, adds notes and records structure-test steps for
    /// them, and completes or reopens their own tasks.
    Activist,
    /// Logs 1:1s, assesses people and works their own tasks.
    Organizer,
    /// Reads everything of the chapter and the analyst queries; writes nothing.
    Analyst,
    /// Sets up campaigns, assigns people and tasks, runs structure tests.
    Lead,
    /// Everything, including forgetting a person.
    Admin,
}

impl Role {
    /// Every role, for listings and tests.
    pub const ALL: [Role; 5] = [
        Role::Activist,
        Role::Organizer,
        Role::Analyst,
        Role::Lead,
        Role::Admin,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "activist" => Some(Self::Activist),
            "organizer" => Some(Self::Organizer),
            "analyst" => Some(Self::Analyst),
            "lead" => Some(Self::Lead),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// The role's name as stored and configured.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activist => "activist",
            Self::Organizer => "organizer",
            Self::Analyst => "analyst",
            Self::Lead => "lead",
            Self::Admin => "admin",
        }
    }

    /// Whether this role grants nothing that `other` does not (a token's role must be within its owner's).
    pub fn within(self, other: Role) -> bool {
        Permission::ALL
            .iter()
            .all(|permission| !permission.granted_to(self) || permission.granted_to(other))
    }
}

/// How a request proved its identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session (its id, not its secret).
    Session(String),
    /// A personal API token (its id, not its secret).
    Token(String),
    /// The development identity, configured explicitly for local demos.
    Development,
    /// The command line, acting as the account its operator named with `--as`.
    Operator,
}

/// Who is calling: a user acting in one chapter with one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: UserId,
    pub chapter: ChapterId,
    pub role: Role,
    /// Whether personal fields are shown to an analyst unmasked.
    pub personal_data: bool,
    /// Whether the user may export data (a permission of its own, whatever the role).
    pub can_export: bool,
    /// The session or token the request came with.
    pub via: Via,
}

/// The user id of the development identity when none is configured.
pub const DEV_USER: UserId = UserId::from_uuid(uuid::Uuid::from_u128(
    0x6772_6f75_6e64_776f_726b_0000_0000_0001,
));
/// The chapter id of the development identity when none is configured.
pub const DEV_CHAPTER: ChapterId = ChapterId::from_uuid(uuid::Uuid::from_u128(
    0x6772_6f75_6e64_776f_726b_0000_0000_0002,
));

impl Identity {
    /// The identity every request runs as until accounts exist: `GROUNDWORK_DEV_USER`,
    /// `GROUNDWORK_DEV_CHAPTER` (UUIDs) and `GROUNDWORK_DEV_ROLE` (organizer, analyst, lead, admin), each
    /// defaulting to the fixed development identity (an admin of the development chapter).
    pub fn from_environment(env: &dyn Environment) -> anyhow::Result<Self> {
        let user = match env.var("GROUNDWORK_DEV_USER") {
            Some(text) => UserId::parse(&text).map_err(|_| {
                anyhow::anyhow!("GROUNDWORK_DEV_USER `{text}` is not a user id (a UUID)")
            })?,
            None => DEV_USER,
        };
        let chapter = match env.var("GROUNDWORK_DEV_CHAPTER") {
            Some(text) => ChapterId::parse(&text).map_err(|_| {
                anyhow::anyhow!("GROUNDWORK_DEV_CHAPTER `{text}` is not a chapter id (a UUID)")
            })?,
            None => DEV_CHAPTER,
        };
        let role = match env.var("GROUNDWORK_DEV_ROLE") {
            Some(text) => Role::parse(&text).ok_or_else(|| {
                anyhow::anyhow!(
                    "GROUNDWORK_DEV_ROLE `{text}` is not one of organizer, analyst, lead, admin"
                )
            })?,
            None => Role::Admin,
        };
        Ok(Self {
            user,
            chapter,
            role,
            ..Self::development()
        })
    }

    /// The fixed development identity: an admin of the development chapter.
    pub fn development() -> Self {
        Self {
            user: DEV_USER,
            chapter: DEV_CHAPTER,
            role: Role::Admin,
            personal_data: true,
            can_export: true,
            via: Via::Development,
        }
    }

    /// The domain's view of this identity acting now.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.user,
            chapter: self.chapter,
            at: chrono::Utc::now(),
            correlation: CorrelationId::new_random(),
        }
    }
}

/// Everything a request may ask to do. Each command and query maps to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the chapter's campaigns, people, tasks and structure tests.
    Read,
    /// Run the analyst queries.
    Analyze,
    /// Create and rename the chapter.
    ManageChapter,
    /// Set up campaigns: scale, units, fields, structure tests.
    ManageCampaigns,
    /// Add and edit people: contact points, units, fields, assessments, notes, 1:1s, structure-test steps.
    EditPeople,
    /// Assign organizers to people and tasks to organizers.
    AssignWork,
    /// Complete, cancel and reopen tasks.
    WorkTasks,
    /// Merge duplicate people.
    MergePeople,
    /// Forget a person for good.
    ForgetPeople,
    /// Read one's own tasks and one's own account.
    ReadOwn,
    /// Add users to the chapter, change their roles, reset passwords, disable them.
    ManageUsers,
    /// Read the campaigns, and the people of one's own turf (those one is the organizer of, and those in
    /// units assigned to one).
    ReadTurf,
    /// Log 1:1s, add notes and record structure-test steps for the people of one's turf; complete and
    /// reopen one's own tasks. Roles holding `EditPeople` and `WorkTasks` do this anywhere.
    WorkTurf,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Permission::Read,
        Permission::Analyze,
        Permission::ManageChapter,
        Permission::ManageCampaigns,
        Permission::EditPeople,
        Permission::AssignWork,
        Permission::WorkTasks,
        Permission::MergePeople,
        Permission::ForgetPeople,
        Permission::ReadOwn,
        Permission::ManageUsers,
        Permission::ReadTurf,
        Permission::WorkTurf,
    ];

    /// The policy: which roles hold which permissions.
    pub fn granted_to(self, role: Role) -> bool {
        use Permission as P;
        match role {
            Role::Admin => true,
            Role::Lead => !matches!(self, P::ManageChapter | P::ForgetPeople | P::ManageUsers),
            Role::Organizer => matches!(
                self,
                P::Read | P::ReadTurf | P::EditPeople | P::WorkTasks | P::ReadOwn | P::WorkTurf
            ),
            Role::Analyst => matches!(self, P::Read | P::ReadTurf | P::Analyze | P::ReadOwn),
            // An activist reads the people of their turf and their own tasks, and writes only turf-checked
            // commands (see `Demand::turf_work`).
            Role::Activist => matches!(self, P::ReadTurf | P::ReadOwn | P::WorkTurf),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Read => "read the chapter's data",
            Self::Analyze => "run analyst queries",
            Self::ManageChapter => "manage the chapter",
            Self::ManageCampaigns => "set up campaigns and structure tests",
            Self::EditPeople => "edit people",
            Self::AssignWork => "assign organizers and tasks",
            Self::WorkTasks => "work on tasks",
            Self::MergePeople => "merge people",
            Self::ForgetPeople => "forget people",
            Self::ReadOwn => "read their own tasks",
            Self::ManageUsers => "manage the chapter's users",
            Self::ReadTurf => "read the people of their turf",
            Self::WorkTurf => "work with the people of their turf",
        }
    }
}

/// Schema data that holds what resolvers must not touch without the policy's leave.
pub struct Gate {
    groundwork: Arc<Groundwork>,
    read_models: ReadModels,
    accounts: Arc<Accounts>,
}

impl Gate {
    pub fn new(
        groundwork: Arc<Groundwork>,
        read_models: ReadModels,
        accounts: Arc<Accounts>,
    ) -> Self {
        Self {
            groundwork,
            read_models,
            accounts,
        }
    }
}

/// Leave to use the account service for the caller's chapter, granted for one permission (`ReadOwn` for
/// one's own tokens, `ManageUsers` for the chapter's users).
pub struct AccountsAccess<'a> {
    pub identity: &'a Identity,
    accounts: &'a Accounts,
}

impl AccountsAccess<'_> {
    pub fn accounts(&self) -> &Accounts {
        self.accounts
    }
}

/// Leave to run commands, granted for one permission.
pub struct WriteAccess<'a> {
    pub identity: &'a Identity,
    groundwork: &'a Groundwork,
}

impl WriteAccess<'_> {
    pub fn groundwork(&self) -> &Groundwork {
        self.groundwork
    }
}

/// Leave to read. It carries no command service, so a resolver holding it cannot write.
pub struct ReadAccess<'a> {
    pub identity: &'a Identity,
    read_models: &'a ReadModels,
    /// The caller's campaign narrowing and turf, loaded on first use.
    scope: tokio::sync::OnceCell<Scope>,
}

impl ReadAccess<'_> {
    fn new<'a>(identity: &'a Identity, read_models: &'a ReadModels) -> ReadAccess<'a> {
        ReadAccess {
            identity,
            read_models,
            scope: tokio::sync::OnceCell::new(),
        }
    }

    /// The caller's scope: the campaigns they work in, and their turf units.
    pub async fn scope(&self) -> Result<&Scope, ApiError> {
        self.scope
            .get_or_try_init(|| Scope::load(self.read_models.store(), self.identity))
            .await
    }

    /// Whether the caller works in `campaign` (a campaign outside a narrowed membership looks like one of
    /// another chapter: absent).
    pub async fn reaches(&self, campaign: CampaignId) -> Result<bool, ApiError> {
        Ok(self.scope().await?.reaches(campaign))
    }

    /// Whether the caller reads only their turf (activists).
    pub fn turf_bound(&self) -> bool {
        turf_bound(self.identity.role)
    }

    /// The caller's turf in `campaign` when they read only their turf; `None` when they read every person of
    /// the campaign.
    pub async fn turf(&self, campaign: CampaignId) -> Result<Option<Turf>, ApiError> {
        if !self.turf_bound() {
            return Ok(None);
        }
        let scope = self.scope().await?;
        Ok(Some(
            Turf::expand(
                self.read_models.store(),
                self.identity.user,
                scope,
                campaign,
            )
            .await?,
        ))
    }

    /// Whether the caller may see a person of `campaign` with this organizer and these units: the campaign is
    /// in their scope and, for turf-bound roles, the person is in their turf.
    pub async fn sees_person(
        &self,
        campaign: CampaignId,
        organizer: Option<UserId>,
        units: &[UnitId],
    ) -> Result<bool, ApiError> {
        if !self.reaches(campaign).await? {
            return Ok(false);
        }
        Ok(match self.turf(campaign).await? {
            None => true,
            Some(turf) => turf.holds(organizer, units.iter().copied()),
        })
    }

    /// Whether personal fields must be hidden from this caller: an analyst without the personal-data grant.
    pub fn masks_personal_data(&self) -> bool {
        self.identity.role == Role::Analyst && !self.identity.personal_data
    }

    /// `value`, with its personal fields hidden when this caller may not see them.
    pub fn masked<T: Masked>(&self, value: T) -> T {
        if self.masks_personal_data() {
            value.mask()
        } else {
            value
        }
    }
    /// The read API; every call takes [`ReadAccess::chapter`], so nothing of another chapter is visible.
    pub fn read_models(&self) -> &ReadModels {
        self.read_models
    }

    /// The caller's chapter, the scope of every read.
    pub fn chapter(&self) -> ChapterId {
        self.identity.chapter
    }

    /// The store, for the log's head (read only).
    pub fn store(&self) -> &store::Store {
        self.read_models.store()
    }
}

/// Records in the access log that `identity` did `action` (a sensitive read, an erasure) on `subject`.
/// A read whose record cannot be written fails: nothing sensitive is shown unlogged.
pub async fn record_access(
    store: &store::Store,
    identity: &Identity,
    action: &str,
    subject: Option<String>,
) -> Result<(), ApiError> {
    store
        .record_access(&store::AccessLogRow {
            id: uuid::Uuid::new_v4().to_string(),
            at: chrono::Utc::now(),
            user_id: identity.user.to_string(),
            chapter_id: identity.chapter.to_string(),
            action: action.to_string(),
            subject_id: subject,
        })
        .await?;
    Ok(())
}

/// Records in the access log, like [`record_access`], with a detail (an export's row count).
pub async fn record_access_detail(
    store: &store::Store,
    identity: &Identity,
    action: &str,
    subject: Option<String>,
    detail: &str,
) -> Result<(), ApiError> {
    store
        .record_access_detail(
            &store::AccessLogRow {
                id: uuid::Uuid::new_v4().to_string(),
                at: chrono::Utc::now(),
                user_id: identity.user.to_string(),
                chapter_id: identity.chapter.to_string(),
                action: action.to_string(),
                subject_id: subject,
            },
            detail,
        )
        .await?;
    Ok(())
}

/// A read-model answer that carries personal fields, and can hide them.
pub trait Masked {
    /// The same answer without personal fields (names, contact values, per-person change summaries).
    fn mask(self) -> Self;
}

/// The single place where requests are authorized.
pub struct Policy;

impl Policy {
    /// The calling identity, for resolvers that only describe the caller.
    pub fn identity<'a>(ctx: &Context<'a>) -> Result<&'a Identity, ApiError> {
        ctx.data::<Identity>()
            .map_err(|_| ApiError::internal("the schema was built without an identity"))
    }

    /// Checks that the caller holds `permission`.
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

    /// Leave to run a command as `demand` describes it (the write module derives the demand from the
    /// command itself): the role must hold the command's permission, or the command must be turf work the
    /// caller may do on this person or task; and a member narrowed to some campaigns reaches nothing else.
    pub(super) async fn write<'a>(
        ctx: &Context<'a>,
        demand: &Demand,
    ) -> Result<WriteAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        let gate = gate(ctx)?;
        let store = gate.groundwork.store();
        let turf_work = if demand.permission.granted_to(identity.role) {
            None
        } else {
            match &demand.turf_work {
                Some(work) if Permission::WorkTurf.granted_to(identity.role) => Some(work),
                // Refused: the role holds neither the permission nor turf work for this command.
                _ => {
                    Self::require(identity, demand.permission)?;
                    None
                }
            }
        };
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
        Ok(WriteAccess {
            identity,
            groundwork: &gate.groundwork,
        })
    }

    /// Leave to read people: the whole chapter with `Read`, or only one's turf with `ReadTurf` (then
    /// [`ReadAccess::turf`] narrows every answer).
    pub fn read_people<'a>(ctx: &Context<'a>) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        if Permission::Read.granted_to(identity.role) {
            Self::read(ctx, Permission::Read)
        } else {
            Self::read(ctx, Permission::ReadTurf)
        }
    }

    /// Leave to read with `permission` (`Read` or `Analyze`).
    pub fn read<'a>(ctx: &Context<'a>, permission: Permission) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, permission)?;
        let gate = gate(ctx)?;
        Ok(ReadAccess::new(identity, &gate.read_models))
    }

    /// Leave to export people: only with the export grant (`canExport`, whatever the role), and only what
    /// the caller may read (their campaigns, their turf, masked for analysts without personal data).
    pub fn export<'a>(ctx: &Context<'a>) -> Result<ReadAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        if !identity.can_export {
            return Err(ApiError::forbidden(
                "exporting needs the export permission (an admin grants canExport)",
            ));
        }
        Self::read_people(ctx)
    }
}

/// Whether a role reads only its turf rather than the whole chapter.
fn turf_bound(role: Role) -> bool {
    !Permission::Read.granted_to(role) && Permission::ReadTurf.granted_to(role)
}

/// What of the chapter a membership reaches: every campaign or only some (a narrowed membership), and the
/// units assigned as turf. Loaded from the accounts tables on each request, so a change applies at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None`: every campaign of the chapter. Admins are never narrowed.
    pub campaigns: Option<BTreeSet<CampaignId>>,
    /// The units assigned to the member as turf, per campaign (sub-units follow from the unit tree).
    pub turf_units: BTreeMap<CampaignId, BTreeSet<UnitId>>,
}

impl Scope {
    pub async fn load(store: &store::Store, identity: &Identity) -> Result<Self, ApiError> {
        let user = identity.user.to_string();
        let chapter = identity.chapter.to_string();
        let campaigns = if identity.role == Role::Admin {
            None
        } else {
            let rows = store.membership_campaigns(&user, &chapter).await?;
            if rows.is_empty() {
                None
            } else {
                Some(
                    rows.iter()
                        .map(|row| CampaignId::parse(row).map_err(ApiError::internal))
                        .collect::<Result<_, _>>()?,
                )
            }
        };
        let mut turf_units: BTreeMap<CampaignId, BTreeSet<UnitId>> = BTreeMap::new();
        for row in store.turf_units(&user, &chapter).await? {
            let campaign = CampaignId::parse(&row.campaign_id).map_err(ApiError::internal)?;
            let unit = UnitId::parse(&row.unit_id).map_err(ApiError::internal)?;
            turf_units.entry(campaign).or_default().insert(unit);
        }
        Ok(Self {
            campaigns,
            turf_units,
        })
    }

    /// Whether the membership reaches `campaign`.
    pub fn reaches(&self, campaign: CampaignId) -> bool {
        self.campaigns
            .as_ref()
            .is_none_or(|campaigns| campaigns.contains(&campaign))
    }
}

/// A turf in one campaign: the people `organizer` organizes, and the people of `units` (the assigned units
/// with all their sub-units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turf {
    pub organizer: UserId,
    pub units: BTreeSet<UnitId>,
}

impl Turf {
    /// The turf of `user` in `campaign`: their assigned units expanded to every unit below them.
    async fn expand(
        store: &store::Store,
        user: UserId,
        scope: &Scope,
        campaign: CampaignId,
    ) -> Result<Self, ApiError> {
        let mut units = BTreeSet::new();
        if let Some(assigned) = scope
            .turf_units
            .get(&campaign)
            .filter(|units| !units.is_empty())
        {
            let loaded = AggregateStore::<domain::campaign::Campaign>::new(store.clone())
                .load(&campaign.to_string())
                .await?;
            if let Some(facts) = loaded.aggregate().facts() {
                units.extend(facts.units.keys().copied().filter(|unit| {
                    assigned
                        .iter()
                        .any(|ancestor| facts.is_within(*unit, *ancestor))
                }));
            }
        }
        Ok(Self {
            organizer: user,
            units,
        })
    }

    /// Whether a person with this organizer and these units is in the turf.
    pub fn holds(
        &self,
        organizer: Option<UserId>,
        units: impl IntoIterator<Item = UnitId>,
    ) -> bool {
        organizer == Some(self.organizer)
            || units.into_iter().any(|unit| self.units.contains(&unit))
    }
}

/// What a command needs, as the write module derives it from the command: the permission, the thing whose
/// campaign decides whether a narrowed member reaches it, and whether an activist may do it on their turf.
#[derive(Debug, Clone)]
pub struct Demand {
    pub permission: Permission,
    pub within: Within,
    /// Set for the commands a role with `WorkTurf` (an activist) may run on their own turf or task.
    pub turf_work: Option<TurfWork>,
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
    /// activist themselves.
    Person {
        person: PersonId,
        as_organizer: Option<UserId>,
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
        } => {
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
        TurfWork::OwnTask(task) => {
            let loaded = AggregateStore::<domain::task::Task>::new(store.clone())
                .load(&task.to_string())
                .await?;
            if loaded.aggregate().assignee() == Some(identity.user) {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "an activist works only on the tasks assigned to them",
                ))
            }
        }
    }
}

impl Policy {
    /// Leave for the command line, acting as `identity` (the account its operator named with `--as`, see
    /// `Accounts::operator_identity`), to do what `permission` covers, in `campaign` when the work belongs to
    /// one: the same roles, grants and campaign narrowing as over GraphQL.
    pub async fn operator(
        store: &store::Store,
        identity: &Identity,
        permission: Permission,
        campaign: Option<CampaignId>,
    ) -> Result<(), ApiError> {
        Self::require(identity, permission)?;
        if let Some(campaign) = campaign {
            if !Scope::load(store, identity).await?.reaches(campaign) {
                return Err(ApiError::forbidden(format!(
                    "your role in this chapter is limited to other campaigns than {campaign}"
                )));
            }
        }
        Ok(())
    }
}

impl Policy {
    /// Leave to use the account service with `permission`.
    pub fn accounts<'a>(
        ctx: &Context<'a>,
        permission: Permission,
    ) -> Result<AccountsAccess<'a>, ApiError> {
        let identity = Self::identity(ctx)?;
        Self::require(identity, permission)?;
        let gate = gate(ctx)?;
        Ok(AccountsAccess {
            identity,
            accounts: &gate.accounts,
        })
    }
}

/// What a long-lived subscription re-checks before each delivery: that the caller's session or token is
/// still live and their role, chapter and grants are unchanged. When they are not, the subscription ends.
/// Its campaign narrowing and turf units are re-read too: a subscription ends when they change.
#[derive(Clone)]
pub struct Revalidation {
    accounts: Arc<Accounts>,
    identity: Identity,
    scope: Scope,
}

impl Revalidation {
    pub async fn still_allowed(&self) -> bool {
        match self.accounts.current_identity(&self.identity).await {
            Ok(Some(current)) if current == self.identity => {}
            Ok(_) => return false,
            Err(error) => {
                tracing::warn!(error = %error, "a subscription could not re-check its caller; ending it");
                return false;
            }
        }
        match Scope::load(self.accounts.store(), &self.identity).await {
            Ok(scope) => scope == self.scope,
            Err(error) => {
                tracing::warn!(error = %error, "a subscription could not re-check its scope; ending it");
                false
            }
        }
    }

    /// The caller's scope when the subscription started.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Policy {
    /// The re-check a subscription runs before each delivery (see [`Revalidation`]).
    pub async fn revalidation(ctx: &Context<'_>) -> Result<Revalidation, ApiError> {
        let accounts = gate(ctx)?.accounts.clone();
        let identity = Self::identity(ctx)?.clone();
        let scope = Scope::load(accounts.store(), &identity).await?;
        Ok(Revalidation {
            accounts,
            identity,
            scope,
        })
    }
}

fn gate<'a>(ctx: &Context<'a>) -> Result<&'a Gate, ApiError> {
    ctx.data::<Gate>()
        .map_err(|_| ApiError::internal("the schema was built without its gate"))
}

/// The caller as GraphQL shows it.
#[derive(SimpleObject)]
pub struct Me {
    pub user_id: ID,
    pub chapter_id: ID,
    pub role: Role,
}

impl From<&Identity> for Me {
    fn from(identity: &Identity) -> Self {
        Self {
            user_id: ID(identity.user.to_string()),
            chapter_id: ID(identity.chapter.to_string()),
            role: identity.role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysts_read_but_never_write() {
        let analyst = Identity {
            role: Role::Analyst,
            ..Identity::development()
        };
        assert!(Policy::require(&analyst, Permission::Read).is_ok());
        assert!(Policy::require(&analyst, Permission::EditPeople).is_err());
    }

    #[test]
    fn only_admins_forget_people() {
        let lead = Identity {
            role: Role::Lead,
            ..Identity::development()
        };
        assert!(Policy::require(&lead, Permission::ForgetPeople).is_err());
        assert!(Policy::require(&Identity::development(), Permission::ForgetPeople).is_ok());
    }
}
