//! The decisions of a bulk import: each new person gets the commands an organizer would issue one by one,
//! decided in memory by the domain against the campaign's facts (through the command service), and all of a
//! batch is appended in one transaction.

use super::{CampaignDirectory, PersonImport};
use crate::command::{StreamId, StreamKind};
use crate::service::{decide_and_apply, Groundwork, ServiceError};
use domain::ids::{CampaignId, ContactPointId, PersonId, UserId};
use domain::person::{Person, PersonCommand, PersonContext, PersonFacts};
use domain::values::{ContactLabel, ContactValue};
use domain::{Actor, Context, EventMetadata};
use store::{Position, StreamAppend};

/// The names of a campaign's units, fields and responses (for importers that speak in names).
pub async fn campaign_directory(
    groundwork: &Groundwork,
    campaign: CampaignId,
) -> Result<CampaignDirectory, ServiceError> {
    let events = groundwork
        .campaigns()
        .load_all_events(&campaign.to_string())
        .await?;
    if events.is_empty() {
        return Err(ServiceError::NotFound {
            stream: StreamId::new(StreamKind::Campaign, campaign),
        });
    }
    let chapter = groundwork.campaign_facts(campaign).await?.chapter;
    let members = groundwork
        .store()
        .members_of_chapter(&chapter.to_string())
        .await?
        .into_iter()
        .filter_map(|(membership, user)| {
            // A row the accounts layer wrote is a user id; anything else cannot be named anyway.
            domain::ids::UserId::parse(&membership.user_id)
                .ok()
                .map(|id| (id, user.email))
        });
    Ok(
        CampaignDirectory::from_events(events.iter().map(|event| &event.payload))
            .with_members(members),
    )
}

/// Adds many people to a campaign at once. Each person gets the commands an organizer would issue one
/// by one (add to the campaign, join the unit, email and phone contact points, field responses, an
/// organizer, an assessment), decided by the domain in memory against the campaign's facts; then every
/// person's stream is appended in ONE transaction: all of `people` are stored, or none is. A person the
/// domain refuses fails the whole call with [`ImportRejected`], naming the person's index in `people`.
pub async fn import_people(
    groundwork: &Groundwork,
    actor: &Actor,
    campaign: CampaignId,
    people: &[PersonImport],
) -> Result<ImportSummary, ImportRejected> {
    let (batch, ids, states) = decide_import(groundwork, actor, campaign, people).await?;
    let versions: Vec<u64> = batch
        .iter()
        .map(|append| append.events.len() as u64)
        .collect();
    let appended = groundwork
        .store()
        .append(batch)
        .await
        .map_err(|error| ImportRejected::whole(error.into()))?;
    for ((person, version), state) in ids.iter().zip(versions).zip(&states) {
        groundwork
            .people()
            .remember(&person.to_string(), version, state);
    }
    groundwork.person_campaigns().extend(&ids, campaign);
    Ok(ImportSummary {
        people: ids,
        events: appended.len(),
        position: appended.iter().map(|event| event.position).max(),
    })
}

/// Runs every decision of an import without storing anything: `Ok` means [`import_people`] with the same
/// people would be accepted by the domain (the store may still refuse, e.g. if the campaign changes).
pub async fn check_import(
    groundwork: &Groundwork,
    actor: &Actor,
    campaign: CampaignId,
    people: &[PersonImport],
) -> Result<(), ImportRejected> {
    decide_import(groundwork, actor, campaign, people)
        .await
        .map(|_| ())
}

/// The appends of an import, decided in memory: one new stream per person, with each person's id and
/// state after their events.
async fn decide_import(
    groundwork: &Groundwork,
    actor: &Actor,
    campaign: CampaignId,
    people: &[PersonImport],
) -> Result<(Vec<StreamAppend>, Vec<PersonId>, Vec<Person>), ImportRejected> {
    let facts = groundwork
        .campaign_facts(campaign)
        .await
        .map_err(ImportRejected::whole)?;
    let organizers: Vec<UserId> = people
        .iter()
        .filter_map(|person| person.organizer)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let references = groundwork
        .member_references(actor, &organizers)
        .await
        .map_err(ImportRejected::whole)?;
    let context: PersonContext = Context::new(
        actor.clone(),
        PersonFacts::new(facts).with_references(references),
    );
    let metadata = EventMetadata::from(actor).to_map();
    let mut batch = Vec::with_capacity(people.len());
    let mut ids = Vec::with_capacity(people.len());
    let mut states = Vec::with_capacity(people.len());
    for (index, import) in people.iter().enumerate() {
        let person = PersonId::new_random();
        let mut state = Person::default();
        let mut events = Vec::new();
        for command in import_commands(person, campaign, import) {
            events.extend(
                decide_and_apply(&mut state, command, &context)
                    .await
                    .map_err(|error| ImportRejected {
                        index: Some(index),
                        error,
                    })?,
            );
        }
        batch.push(
            groundwork
                .people()
                .prepare(&person.to_string(), 0, &events, &metadata, &state)
                .map_err(|error| ImportRejected::whole(error.into()))?,
        );
        ids.push(person);
        states.push(state);
    }
    Ok((batch, ids, states))
}

/// The commands that bring a new person to what an import row says, in the order an organizer would give them.
fn import_commands(
    person: PersonId,
    campaign: CampaignId,
    import: &PersonImport,
) -> Vec<PersonCommand> {
    let mut commands = vec![PersonCommand::AddToCampaign {
        person_id: person,
        campaign_id: campaign,
        name: import.name.clone(),
        preferred_language: import.preferred_language.clone(),
    }];
    commands.extend(
        import
            .unit
            .map(|unit_id| PersonCommand::JoinUnit { unit_id }),
    );
    commands.extend(
        import
            .email
            .clone()
            .map(|email| PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Home,
                value: ContactValue::Email(email),
                do_not_contact: false,
            }),
    );
    commands.extend(
        import
            .phone
            .clone()
            .map(|phone| PersonCommand::AddContactPoint {
                contact_point_id: ContactPointId::new_random(),
                label: ContactLabel::Mobile,
                value: ContactValue::Phone(phone),
                do_not_contact: false,
            }),
    );
    commands.extend(
        import
            .responses
            .iter()
            .map(|response| PersonCommand::AddFieldResponse {
                field_id: response.field_id,
                response_id: response.response_id,
            }),
    );
    commands.extend(
        import
            .organizer
            .map(|organizer| PersonCommand::AssignOrganizer { organizer }),
    );
    commands.extend(
        import
            .level
            .map(|level| PersonCommand::Assess { level, note: None }),
    );
    commands
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The new people, in the order they were given.
    pub people: Vec<PersonId>,
    pub events: usize,
    /// Where the import's last event sits in the global order.
    pub position: Option<Position>,
}

/// Why an import stored nothing: the person at `index` was refused, or (no index) the whole batch failed.
#[derive(Debug)]
pub struct ImportRejected {
    pub index: Option<usize>,
    pub error: ServiceError,
}

impl std::fmt::Display for ImportRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(index) => write!(f, "person {} of the batch: {}", index + 1, self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

impl std::error::Error for ImportRejected {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl ImportRejected {
    fn whole(error: ServiceError) -> Self {
        Self { index: None, error }
    }
}
