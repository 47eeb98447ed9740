//! Roles and permissions: the policy of which role may do what, the same for every transport.

/// A role decides what an identity may do in one chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The role with this name (any case), as stored and configured.
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
    /// List the chapter's members (id, email address, role; nothing else), whom organizers, 1:1s and tasks
    /// name: for those who assign or take on that work.
    ListMembers,
    /// Register, pause, resume and delete webhook endpoints, rotate their secrets and read their deliveries.
    ManageWebhooks,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
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
        Permission::ListMembers,
        Permission::ManageWebhooks,
    ];

    /// The policy: which roles hold which permissions.
    pub fn granted_to(self, role: Role) -> bool {
        use Permission as P;
        match role {
            Role::Admin => true,
            Role::Lead => !matches!(
                self,
                P::ManageChapter | P::ForgetPeople | P::ManageUsers | P::ManageWebhooks
            ),
            Role::Organizer => matches!(
                self,
                P::Read
                    | P::ReadTurf
                    | P::EditPeople
                    | P::WorkTasks
                    | P::ReadOwn
                    | P::WorkTurf
                    | P::ListMembers
            ),
            Role::Analyst => matches!(self, P::Read | P::ReadTurf | P::Analyze | P::ReadOwn),
            // An activist reads the people of their turf and their own tasks, and writes only turf-checked
            // commands (see `Demand::turf_work`).
            Role::Activist => matches!(self, P::ReadTurf | P::ReadOwn | P::WorkTurf),
        }
    }

    /// What the permission allows, as a refusal names it ("your role (analyst) may not edit people").
    pub fn describe(self) -> &'static str {
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
            Self::ListMembers => "list the chapter's members",
            Self::ManageWebhooks => "manage the chapter's webhooks",
        }
    }
}

impl Role {
    /// Whether this role reads only its turf rather than the whole chapter (activists).
    pub fn turf_bound(self) -> bool {
        !Permission::Read.granted_to(self) && Permission::ReadTurf.granted_to(self)
    }
}
