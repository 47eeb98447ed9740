//! A person's change history in words: old → new values, with the names of the units, fields, responses,
//! structure tests, organizers and people an event names instead of their ids. The feed's own summaries
//! never hold personal data; these are written at read time from the person's stream (opened with their key)
//! for callers who may see the person's personal data, and only for the events their history already lists.
//!
//! Each entry names things as they were when it happened: the campaign's stream (units, fields, responses,
//! scale labels), a structure test's and another person's are replayed up to the entry's place in the log,
//! so renaming a unit later does not rewrite what an earlier entry says. Organizers are named by their
//! account's email, which lives outside the log (ADR 6) and is today's.

use super::authz::ReadAccess;
use super::read::Activity;
use crate::error::ApiError;
use domain::campaign::Campaign;
use domain::ids::{CampaignId, PersonId, StructureTestId, UserId};
use domain::person::{ContactPoint, FieldResponseRef, Person, PersonEvent};
use domain::sensitive::Sensitive;
use domain::structure_test::{StructureTest, StructureTestEvent};
use domain::values::{
    AssessmentLevel, ContactLabel, ContactValue, EntityRef, FieldValue, PersonName, StepKind,
};
use std::collections::HashMap;
use store::{AggregateStore, Position};

/// A stream's events with their places in the log, oldest first.
type Replay<E> = Vec<(Position, E)>;

/// The names an event's ids stand for, as they were at `at` (the place in the log of the entry being
/// written). Streams are read once per history and replayed up to each entry.
struct Names<'a> {
    access: &'a ReadAccess<'a>,
    /// The campaign as it was at `at`.
    campaign: domain::campaign::Campaign,
    at: Position,
    members: HashMap<UserId, String>,
    /// Each structure test's names through time (`None`: not a test of the caller's chapter).
    tests: HashMap<StructureTestId, Option<Replay<String>>>,
    /// Each other person's events (`None`: the caller may not see them).
    people: HashMap<PersonId, Option<Replay<PersonEvent>>>,
}

impl Names<'_> {
    fn unit(&self, unit: domain::ids::UnitId) -> String {
        self.campaign
            .unit_name(unit)
            .map_or_else(|| format!("unit {unit}"), |name| quoted(name.as_str()))
    }

    fn response(&self, response: FieldResponseRef) -> String {
        let entry = self.campaign.responses().into_iter().find(|entry| {
            entry.field_id == response.field_id && entry.response_id == response.response_id
        });
        match entry {
            Some(entry) => format!(
                "{} of {}",
                quoted(entry.name.as_str()),
                quoted(entry.field.as_str())
            ),
            None => format!("response {}", response.response_id),
        }
    }

    fn field(&self, field: domain::ids::FieldId) -> String {
        self.campaign
            .fields()
            .into_iter()
            .find(|(id, _, _)| *id == field)
            .map_or_else(
                || format!("field {field}"),
                |(_, _, name)| quoted(name.as_str()),
            )
    }

    fn member(&self, user: UserId) -> String {
        self.members
            .get(&user)
            .cloned()
            .unwrap_or_else(|| format!("member {user}"))
    }

    fn level(&self, level: Option<AssessmentLevel>) -> String {
        let Some(level) = level else {
            return "unassessed".to_string();
        };
        let label = self
            .campaign
            .scale()
            .into_iter()
            .find(|scale| scale.level == level)
            .map(|scale| scale.label.as_str().to_string());
        match label {
            Some(label) => format!("level {level} ({label})"),
            None => format!("level {level}"),
        }
    }

    /// A structure test's name as it was at `at`.
    async fn test(&mut self, test: StructureTestId) -> Result<String, ApiError> {
        if !self.tests.contains_key(&test) {
            let names = self.test_names(test).await?;
            self.tests.insert(test, names);
        }
        let at = self.at;
        let name = self
            .tests
            .get(&test)
            .and_then(Option::as_ref)
            .and_then(|names| as_of(names, at).last().map(|(_, name)| name.clone()));
        Ok(match name {
            Some(name) => format!("structure test {}", quoted(&name)),
            None => format!("structure test {test}"),
        })
    }

    /// The names a structure test of the caller's chapter had, from its stream.
    async fn test_names(&self, test: StructureTestId) -> Result<Option<Replay<String>>, ApiError> {
        let recorded = self
            .access
            .store()
            .read_stream(
                <StructureTest as cqrs_es::Aggregate>::TYPE,
                &test.to_string(),
                0,
            )
            .await?;
        let mut names = Vec::new();
        for event in &recorded {
            match AggregateStore::<StructureTest>::decode_event(event)? {
                StructureTestEvent::StructureTestCreated { chapter, name, .. } => {
                    if chapter != self.access.chapter() {
                        return Ok(None);
                    }
                    names.push((event.position, name.as_str().to_string()));
                }
                StructureTestEvent::StructureTestRenamed { name } => {
                    names.push((event.position, name.as_str().to_string()));
                }
                _ => {}
            }
        }
        Ok(Some(names))
    }

    /// Another person's name as it was at `at`, when the caller may see that person today (otherwise, or
    /// once they are forgotten, their id only).
    async fn person(&mut self, person: PersonId) -> Result<String, ApiError> {
        if !self.people.contains_key(&person) {
            let detail = self
                .access
                .read_models()
                .person(self.access.chapter(), person, None)
                .await?;
            let events = match detail {
                Some(detail)
                    if self
                        .access
                        .sees_person(detail.campaign_id, detail.organizer, &detail.units)
                        .await? =>
                {
                    Some(replay::<Person>(self.access, &person.to_string()).await?)
                }
                _ => None,
            };
            self.people.insert(person, events);
        }
        let at = self.at;
        let name = self
            .people
            .get(&person)
            .and_then(Option::as_ref)
            .and_then(|events| {
                let mut state = Person::default();
                for (_, event) in as_of(events, at) {
                    cqrs_es::Aggregate::apply(&mut state, event.clone());
                }
                state
                    .name()
                    .and_then(Sensitive::value)
                    .map(ToString::to_string)
            });
        Ok(match name {
            Some(name) => quoted(&name),
            None => format!("person {person}"),
        })
    }
}

/// The events of `replay` before `at` in the log.
fn as_of<E>(replay: &[(Position, E)], at: Position) -> &[(Position, E)] {
    &replay[..replay.partition_point(|(position, _)| *position < at)]
}

/// A stream's events, decoded (personal data opened with its subject's key), with their places in the log.
async fn replay<A: domain::StoredAggregate>(
    access: &ReadAccess<'_>,
    id: &str,
) -> Result<Replay<A::Event>, ApiError> {
    let recorded = access
        .store()
        .read_stream(<A as cqrs_es::Aggregate>::TYPE, id, 0)
        .await?;
    let mut events = Vec::with_capacity(recorded.len());
    for event in &recorded {
        events.push((event.position, AggregateStore::<A>::decode_event(event)?));
    }
    Ok(events)
}

fn quoted(text: &str) -> String {
    format!("“{text}”")
}

fn name(name: Option<&Sensitive<PersonName>>) -> String {
    match name.and_then(Sensitive::value) {
        Some(name) => quoted(&name.to_string()),
        None => "(erased)".to_string(),
    }
}

fn label(label: ContactLabel) -> &'static str {
    match label {
        ContactLabel::Home => "home",
        ContactLabel::Work => "work",
        ContactLabel::Mobile => "mobile",
        ContactLabel::Other => "other",
    }
}

/// A contact point as `work email ana@example.org`.
fn contact(point: &ContactPoint) -> String {
    let (kind, value) = match point.value.value() {
        Some(ContactValue::Email(email)) => ("email", email.as_str().to_string()),
        Some(ContactValue::Phone(phone)) => ("phone", phone.as_str().to_string()),
        Some(ContactValue::Postal(address)) => {
            let mut parts: Vec<&str> = address.lines().iter().map(String::as_str).collect();
            parts.push(address.locality());
            parts.push(address.country());
            ("address", parts.join(", "))
        }
        None => (
            match point.kind {
                domain::values::ContactKind::Email => "email",
                domain::values::ContactKind::Phone => "phone",
                domain::values::ContactKind::Postal => "address",
            },
            "(erased)".to_string(),
        ),
    };
    format!("{} {kind} {value}", label(point.label))
}

fn value(value: Option<&Sensitive<FieldValue>>) -> String {
    match value.map(Sensitive::value) {
        None => "nothing".to_string(),
        Some(None) => "(erased)".to_string(),
        Some(Some(FieldValue::Number(number))) => number.get().to_string(),
        Some(Some(FieldValue::Date(date))) => date.to_string(),
        Some(Some(FieldValue::Text(text))) => quoted(text.as_str()),
        Some(Some(FieldValue::Address(address))) => {
            let mut parts: Vec<&str> = address.lines().iter().map(String::as_str).collect();
            parts.push(address.locality());
            parts.push(address.country());
            quoted(&parts.join(", "))
        }
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

fn language(language: Option<&domain::values::LanguageTag>) -> String {
    language.map_or_else(|| "none".to_string(), |tag| tag.as_str().to_string())
}

fn step(step: Option<StepKind>) -> &'static str {
    match step {
        None => "not asked",
        Some(StepKind::Asked) => "asked",
        Some(StepKind::Committed) => "committed",
        Some(StepKind::Participated) => "participated",
        Some(StepKind::Declined) => "declined",
    }
}

/// What `event` changed, in words, given the person as they were before it (`before`). `None` keeps the
/// feed's own summary.
async fn describe(
    names: &mut Names<'_>,
    before: &Person,
    event: &PersonEvent,
) -> Result<Option<String>, ApiError> {
    Ok(Some(match event {
        PersonEvent::PersonAddedToCampaign {
            name: added,
            preferred_language,
            ..
        } => format!(
            "added to the campaign as {} (preferred language {})",
            name(Some(added)),
            language(preferred_language.as_ref())
        ),
        PersonEvent::PersonRenamed { name: new } => format!(
            "name changed from {} to {}",
            name(before.name()),
            name(Some(new))
        ),
        PersonEvent::PreferredLanguageSet { language: new } => format!(
            "preferred language changed from {} to {}",
            language(before.preferred_language()),
            language(new.as_ref())
        ),
        PersonEvent::ContactPointAdded(point) => {
            let flag = if point.do_not_contact {
                " (do not contact)"
            } else {
                ""
            };
            format!("{} added{flag}", contact(point))
        }
        PersonEvent::ContactPointDoNotContactChanged {
            contact_point_id,
            do_not_contact,
        } => match before.contact_point(*contact_point_id) {
            Some(point) => format!(
                "do not contact on {}: {} → {}",
                contact(point),
                on_off(point.do_not_contact),
                on_off(*do_not_contact)
            ),
            None => format!("do not contact {}", on_off(*do_not_contact)),
        },
        PersonEvent::ContactPointRemoved { contact_point_id } => {
            match before.contact_point(*contact_point_id) {
                Some(point) => format!("{} removed", contact(point)),
                None => return Ok(None),
            }
        }
        PersonEvent::PersonJoinedUnit { unit_id } => format!("joined {}", names.unit(*unit_id)),
        PersonEvent::PersonLeftUnit { unit_id } => format!("left {}", names.unit(*unit_id)),
        PersonEvent::PersonFieldResponseAdded(response) => {
            format!("response {} added", names.response(*response))
        }
        PersonEvent::PersonFieldResponseRemoved(response) => {
            format!("response {} removed", names.response(*response))
        }
        PersonEvent::PersonFieldValueSet(entry) => {
            let old = before
                .field_values()
                .into_iter()
                .find(|(field, _)| *field == entry.field_id)
                .map(|(_, value)| value);
            format!(
                "{} changed from {} to {}",
                names.field(entry.field_id),
                value(old),
                value(Some(&entry.value))
            )
        }
        PersonEvent::PersonFieldValueCleared { field_id } => {
            let old = before
                .field_values()
                .into_iter()
                .find(|(field, _)| field == field_id)
                .map(|(_, value)| value);
            format!("{} cleared (was {})", names.field(*field_id), value(old))
        }
        PersonEvent::PersonAssessed {
            level,
            previous_level,
            becomes_current,
            assessed_by,
            at,
            ..
        } => {
            if *becomes_current {
                format!(
                    "assessed by {}: {} → {}",
                    names.member(*assessed_by),
                    names.level(*previous_level),
                    names.level(*level)
                )
            } else {
                format!(
                    "assessed {} by {} as of {}; {}, given later, stays current",
                    names.level(*level),
                    names.member(*assessed_by),
                    at.format("%Y-%m-%d %H:%M UTC"),
                    names.level(*previous_level)
                )
            }
        }
        PersonEvent::ConnectionMade(connection) => {
            let target = match connection.target {
                EntityRef::Person(person) => names.person(person).await?,
                EntityRef::Unit(unit) => names.unit(unit),
            };
            format!("connected to {target} ({})", connection.kind.as_str())
        }
        PersonEvent::ConnectionDeactivated { connection_id } => {
            match before.connection(*connection_id) {
                Some((target, kind)) => {
                    let target = match target {
                        EntityRef::Person(person) => names.person(person).await?,
                        EntityRef::Unit(unit) => names.unit(unit),
                    };
                    format!("connection to {target} ({}) deactivated", kind.as_str())
                }
                None => return Ok(None),
            }
        }
        PersonEvent::OrganizerAssigned {
            organizer,
            previous_organizer,
        } => match previous_organizer {
            Some(previous) => format!(
                "organizer changed from {} to {}",
                names.member(*previous),
                names.member(*organizer)
            ),
            None => format!("organizer set to {}", names.member(*organizer)),
        },
        PersonEvent::OrganizerUnassigned { previous_organizer } => {
            format!("organizer {} unassigned", names.member(*previous_organizer))
        }
        PersonEvent::OneOnOneLogged {
            organizer,
            held_at,
            issues,
            assessment,
            ..
        } => {
            let mut text = format!(
                "1:1 with {} held {}",
                names.member(*organizer),
                held_at.format("%Y-%m-%d %H:%M UTC")
            );
            if !issues.is_empty() {
                let issues: Vec<String> =
                    issues.iter().map(|issue| names.response(*issue)).collect();
                text.push_str(&format!("; issues: {}", issues.join(", ")));
            }
            if assessment.is_some() {
                text.push_str(&format!("; assessed at {}", names.level(*assessment)));
            }
            text
        }
        PersonEvent::StructureTestStepRecorded {
            test_id,
            step: new,
            previous_step,
            ..
        } => format!(
            "{}: {} → {}",
            names.test(*test_id).await?,
            step(*previous_step),
            step(Some(*new))
        ),
        PersonEvent::DuplicateMerged { duplicate, .. } => {
            format!("absorbed duplicate {}", names.person(*duplicate).await?)
        }
        PersonEvent::PersonMergedInto { survivor } => {
            format!("merged into {}", names.person(*survivor).await?)
        }
        _ => return Ok(None),
    }))
}

/// `history` (the feed's items of one person, oldest first) with each summary written out in full.
pub(super) async fn in_words(
    access: &ReadAccess<'_>,
    person: PersonId,
    campaign: CampaignId,
    mut history: Vec<Activity>,
) -> Result<Vec<Activity>, ApiError> {
    if history.is_empty() {
        return Ok(history);
    }
    // The three reads do not depend on each other: they go out together (the history is one field of a
    // person whose other parts are read meanwhile, so its chain of round trips is the person's latency).
    // The person's events come with where the campaign's stream ends (one statement fewer a person:
    // docs/performance.md, round 14).
    let chapter = access.chapter().to_string();
    let person_stream = person.to_string();
    let campaign_stream = campaign.to_string();
    let (members, (recorded, campaign_head), campaign_now) = tokio::try_join!(
        async { Ok::<_, ApiError>(access.store().members_of_chapter(&chapter).await?) },
        async {
            Ok::<_, ApiError>(
                access
                    .store()
                    .read_stream_beside_head(
                        (<Person as cqrs_es::Aggregate>::TYPE, &person_stream),
                        0,
                        (<Campaign as cqrs_es::Aggregate>::TYPE, &campaign_stream),
                    )
                    .await?,
            )
        },
        super::fields::campaign(access, campaign),
    )?;
    let members = members
        .into_iter()
        .filter_map(|(membership, user)| {
            UserId::parse(&membership.user_id)
                .ok()
                .map(|id| (id, user.email))
        })
        .collect();
    // The entries are the person's events, named by their numbers in the chapter (`Activity.position`).
    let chapter_number =
        |event: &store::RecordedEvent| event.chapter_position.unwrap_or(0).to_string();
    let wanted: HashMap<String, usize> = history
        .iter()
        .enumerate()
        .map(|(index, item)| (item.position.clone(), index))
        .collect();
    let first_entry = recorded
        .iter()
        .find(|event| wanted.contains_key(&chapter_number(event)))
        .map_or(Position::START, |event| event.position);
    // The campaign as it was at each entry: its stream is replayed alongside the person's — unless its
    // newest event comes before the first entry, when today's campaign (cached) is the campaign of every
    // entry.
    let (campaign_now, campaign_events) = if campaign_head.is_some_and(|head| head > first_entry) {
        let events = replay::<Campaign>(access, &campaign_stream).await?;
        (Campaign::default(), events)
    } else {
        (campaign_now, Vec::new())
    };
    let mut campaign_applied = 0;
    let mut names = Names {
        access,
        campaign: campaign_now,
        at: Position::START,
        members,
        tests: HashMap::new(),
        people: HashMap::new(),
    };
    let mut state = Person::default();
    for event in &recorded {
        let payload = AggregateStore::<Person>::decode_event(event)?;
        if let Some(index) = wanted.get(&chapter_number(event)) {
            let earlier = as_of(&campaign_events, event.position);
            for (_, change) in &earlier[campaign_applied..] {
                cqrs_es::Aggregate::apply(&mut names.campaign, change.clone());
            }
            campaign_applied = earlier.len();
            names.at = event.position;
            if let Some(summary) = describe(&mut names, &state, &payload).await? {
                history[*index].summary = summary;
            }
        }
        cqrs_es::Aggregate::apply(&mut state, payload);
    }
    Ok(history)
}
