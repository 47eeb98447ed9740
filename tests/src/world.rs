//! A small organizing world for behavioural tests: a chapter, a campaign with a unit tree, an issues field and
//! an open structure test, all created through the real command service, with typed helpers.

use crate::TestBackend;
use api::service::{Committed, Groundwork, ServiceError};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::campaign::CampaignCommand;
use domain::chapter::ChapterCommand;
use domain::ids::{
    CampaignId, ChapterId, ConversationId, CorrelationId, FieldId, PersonId, ResponseId, SectionId,
    StructureTestId, UnitId, UserId,
};
use domain::person::{FieldResponseRef, OneOnOne, Person, PersonCommand};
use domain::structure_test::StructureTestCommand;
use domain::values::{AssessmentLevel, FieldType, GoalThreshold, Label, NoteText, PersonName};
use domain::Actor;
use store::{AggregateStore, MasterKey, StoreOptions};

/// The moment the world's history starts.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap()
}

pub fn label(text: &str) -> Label {
    Label::parse(text).unwrap()
}

pub fn level(value: u8) -> AssessmentLevel {
    AssessmentLevel::new(value).unwrap()
}

/// A chapter with one campaign (worksite → two departments), an issues field and an open structure test.
pub struct World {
    pub groundwork: Groundwork,
    pub backend: TestBackend,
    /// The master key of the world's store, for another process on the same database.
    pub key: MasterKey,
    pub chapter: ChapterId,
    pub campaign: CampaignId,
    pub lead: UserId,
    pub departments: [UnitId; 2],
    pub issues_field: FieldId,
    pub staffing: ResponseId,
    pub petition: StructureTestId,
}

impl World {
    pub async fn new(backend: TestBackend, snapshot_every: u64) -> Self {
        let options = StoreOptions {
            snapshot_every,
            ..StoreOptions::default()
        };
        Self::with_options(backend, options).await
    }

    /// The world on a store with these options (without the aggregate cache, say).
    pub async fn with_options(backend: TestBackend, options: StoreOptions) -> Self {
        let key = MasterKey::generate();
        let store = backend.store_with(&key, options).await;
        let groundwork = Groundwork::with_store(store);
        let chapter = ChapterId::new_random();
        let lead = UserId::new_random();
        let campaign = CampaignId::new_random();
        let worksite = UnitId::new_random();
        let departments = [UnitId::new_random(), UnitId::new_random()];
        let section = SectionId::new_random();
        let issues_field = FieldId::new_random();
        let staffing = ResponseId::new_random();
        let petition = StructureTestId::new_random();
        let world = Self {
            groundwork,
            backend,
            key,
            chapter,
            campaign,
            lead,
            departments,
            issues_field,
            staffing,
            petition,
        };
        let actor = world.actor(lead);
        world
            .groundwork
            .execute_chapter(
                &actor,
                chapter,
                None,
                ChapterCommand::CreateChapter {
                    chapter_id: chapter,
                    name: label("Local 12"),
                },
            )
            .await
            .unwrap();
        let mut setup = vec![
            CampaignCommand::CreateCampaign {
                campaign_id: campaign,
                chapter,
                name: label("First contract"),
                goal: 100,
            },
            CampaignCommand::AddUnit {
                unit_id: worksite,
                name: label("Warehouse"),
                kind: label("Worksite"),
                parent: None,
            },
            CampaignCommand::AddSection {
                section_id: section,
                name: label("Issues"),
            },
            CampaignCommand::AddField {
                field_id: issues_field,
                section_id: section,
                name: label("Top issues"),
                field_type: FieldType::Standard,
                allows_multiple: true,
            },
            CampaignCommand::AddResponse {
                field_id: issues_field,
                response_id: staffing,
                name: label("Staffing"),
            },
        ];
        for (index, department) in departments.into_iter().enumerate() {
            setup.push(CampaignCommand::AddUnit {
                unit_id: department,
                name: label(&format!("Department {index}")),
                kind: label("Department"),
                parent: Some(worksite),
            });
        }
        for command in setup {
            world
                .groundwork
                .execute_campaign(&actor, campaign, None, command)
                .await
                .unwrap();
        }
        world
            .groundwork
            .execute_structure_test(
                &actor,
                petition,
                None,
                StructureTestCommand::CreateStructureTest {
                    test_id: petition,
                    campaign_id: campaign,
                    name: label("Petition"),
                    scope: Vec::new(),
                    goal: GoalThreshold::new(70).unwrap(),
                    deadline: (start() + Duration::days(30)).date_naive(),
                },
            )
            .await
            .unwrap();
        world
    }

    /// A new user who is an organizer of the chapter (organizers and assignees must be members).
    pub async fn add_organizer(&self) -> UserId {
        let user = UserId::new_random();
        api::demo::add_member(
            self.groundwork.store(),
            user,
            self.chapter,
            &format!("{}@example.org", user.as_uuid().simple()),
            "organizer",
        )
        .await
        .expect("the organizer's membership is stored");
        user
    }

    pub fn actor(&self, user: UserId) -> Actor {
        Actor {
            user,
            chapter: self.chapter,
            at: start() + Duration::hours(1),
            correlation: CorrelationId::new_random(),
        }
    }

    pub async fn add_person(&self, given: &str, family: &str) -> PersonId {
        let person = PersonId::new_random();
        self.person(
            self.lead,
            person,
            PersonCommand::AddToCampaign {
                person_id: person,
                campaign_id: self.campaign,
                name: PersonName::parse(given, family).unwrap(),
                preferred_language: None,
            },
        )
        .await
        .unwrap();
        self.person(
            self.lead,
            person,
            PersonCommand::JoinUnit {
                unit_id: self.departments[0],
            },
        )
        .await
        .unwrap();
        person
    }

    pub async fn person(
        &self,
        user: UserId,
        person: PersonId,
        command: PersonCommand,
    ) -> Result<Committed, ServiceError> {
        self.groundwork
            .execute_person(&self.actor(user), person, None, command)
            .await
    }

    /// Another process on the world's database: its own store, with its own caches.
    pub async fn another_process(&self) -> Groundwork {
        Groundwork::with_store(
            self.backend
                .store_with(&self.key, StoreOptions::default())
                .await,
        )
    }

    pub async fn load(&self, person: PersonId) -> Person {
        AggregateStore::<Person>::new(self.groundwork.store().clone())
            .load(&person.to_string())
            .await
            .unwrap()
            .into_aggregate()
    }

    pub fn one_on_one(&self, organizer: UserId, notes: &str) -> PersonCommand {
        PersonCommand::LogOneOnOne(OneOnOne {
            conversation_id: ConversationId::new_random(),
            organizer,
            held_at: start(),
            issues: vec![FieldResponseRef {
                field_id: self.issues_field,
                response_id: self.staffing,
            }],
            notes: Some(NoteText::parse(notes).unwrap()),
            assessment: Some(level(2)),
            next_step: Some(NoteText::parse("Bring a coworker to the meeting").unwrap()),
        })
    }
}

impl World {
    pub async fn load_version(&self, person: PersonId) -> u64 {
        AggregateStore::<Person>::new(self.groundwork.store().clone())
            .load(&person.to_string())
            .await
            .unwrap()
            .version()
    }
}
