//! Subscriptions (graphql-ws over WebSocket at `/graphql/ws`): the log's head, wall-chart changes of a
//! campaign, and changes to the caller's tasks.

use super::authz::{Policy, Revalidation};
use super::parse;
use super::query::LogPosition;
use super::read::{PersonCell, UnitFigures};
use crate::access::Permission;
use crate::error::ApiError;
use async_graphql::futures_util::{stream, Stream, StreamExt as _};
use async_graphql::{Context, Subscription, ID};
use domain::ids::{CampaignId, PersonId, UnitId};
use projections::read::{PersonDetail, PersonStatusView};
use projections::ReadModelChange;
use std::sync::Arc;
use tokio::sync::{broadcast, OnceCell};

#[derive(Default)]
pub struct LogSubscription;

#[Subscription]
impl LogSubscription {
    /// Fires whenever this server commits events of the caller's chapter, with the number of the
    /// chapter's newest event (as `logHead` gives it); other chapters' events never fire it. With
    /// `announce`, the first message is the chapter's head as the subscription starts listening: once it
    /// arrives, no later commit of the chapter on this server is missed.
    async fn log_head_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] announce: bool,
    ) -> Result<impl Stream<Item = LogPosition>, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let revalidation = Policy::revalidation(ctx).await?;
        let chapter = access.chapter().to_string();
        // Listening first, then reading the head: a commit in between is in the head, never lost.
        let mut commits = access.store().subscribe_chapters();
        let seen = commits.borrow_and_update().get(&chapter).copied();
        let head = access.store().chapter_head(&chapter).await?;
        let listening = announce.then(|| LogPosition::of_chapter(head));
        let positions = stream::unfold((commits, seen), move |(mut commits, mut seen)| {
            let chapter = chapter.clone();
            async move {
                loop {
                    commits.changed().await.ok()?;
                    let newest = commits.borrow_and_update().get(&chapter).copied();
                    // Another chapter's commit, or one the announced head already counted.
                    if newest == seen {
                        continue;
                    }
                    seen = newest;
                    match newest {
                        Some(newest) if newest != head => {
                            return Some((LogPosition::of_chapter(newest), (commits, seen)))
                        }
                        _ => continue,
                    }
                }
            }
        });
        Ok(while_allowed(
            stream::iter(listening).chain(positions),
            revalidation,
        ))
    }
}

/// What changed on a wall chart: a person's cell, a person's field responses, or a unit's figures (never the
/// whole chart).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WallChartChangeKind {
    PersonCell,
    /// A person's field responses changed (their cell did not): a chart narrowed by
    /// `wallChart(responseIds:)` may gain or lose them (`responseIds` says which they have now).
    PersonResponses,
    UnitFigures,
    /// The subscription listens from now on (first message, only when asked for with `announce`).
    Listening,
}

/// One wall-chart change. `cell`, `unitIds`, `responseIds` and `figures` read the current state when
/// selected.
#[derive(async_graphql::SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct WallChartChange {
    pub kind: WallChartChangeKind,
    pub campaign_id: ID,
    /// The person whose cell or responses changed (PERSON_CELL, PERSON_RESPONSES).
    pub person_id: Option<ID>,
    /// The unit whose figures changed (UNIT_FIGURES).
    pub unit_id: Option<ID>,
    /// The person as they are now, read once for every field of the change that needs them.
    #[graphql(skip)]
    person_now: Arc<OnceCell<Option<PersonDetail>>>,
}

impl WallChartChange {
    fn new(
        kind: WallChartChangeKind,
        campaign: CampaignId,
        person: Option<PersonId>,
        unit: Option<UnitId>,
    ) -> Self {
        Self {
            kind,
            campaign_id: ID(campaign.to_string()),
            person_id: person.map(|person| ID(person.to_string())),
            unit_id: unit.map(|unit| ID(unit.to_string())),
            person_now: Arc::default(),
        }
    }

    /// The change's person now, if there is one and the caller reaches their campaign.
    async fn person_now(&self, ctx: &Context<'_>) -> Result<Option<&PersonDetail>, ApiError> {
        let Some(person) = &self.person_id else {
            return Ok(None);
        };
        let detail = self
            .person_now
            .get_or_try_init(|| async {
                let access = Policy::read(ctx, Permission::Read)?;
                let person = parse::id("personId", person)?;
                let detail = access
                    .read_models()
                    .person(access.chapter(), person, None)
                    .await?;
                Ok::<_, ApiError>(match detail {
                    Some(detail) if access.reaches(detail.campaign_id).await? => Some(detail),
                    _ => None,
                })
            })
            .await?;
        Ok(detail.as_ref())
    }
}

#[async_graphql::ComplexObject]
impl WallChartChange {
    /// The person's cell now (PERSON_CELL and PERSON_RESPONSES).
    async fn cell(&self, ctx: &Context<'_>) -> Result<Option<PersonCell>, ApiError> {
        let Some(detail) = self.person_now(ctx).await? else {
            return Ok(None);
        };
        let access = Policy::read(ctx, Permission::Read)?;
        Ok(Some(access.masked(PersonCell {
            person_id: ID(detail.person_id.to_string()),
            name: detail.name.clone(),
            level: detail.level,
            organizer_id: detail.organizer.map(|organizer| ID(organizer.to_string())),
            follow_up: detail.follow_up,
            step: None,
            last_contact: projections::read::last_contact(
                detail.one_on_ones.iter().map(|talk| talk.held_at),
            ),
        })))
    }

    /// The units the person is directly in now (PERSON_CELL and PERSON_RESPONSES): the rows of today's
    /// chart their cell belongs in, empty when they are in none (unplaced). Null when they are on no chart
    /// of today (removed, merged or forgotten), and for other kinds.
    async fn unit_ids(&self, ctx: &Context<'_>) -> Result<Option<Vec<ID>>, ApiError> {
        Ok(self.person_now(ctx).await?.and_then(|detail| {
            (detail.status == PersonStatusView::Active).then(|| {
                detail
                    .units
                    .iter()
                    .map(|unit| ID(unit.to_string()))
                    .collect()
            })
        }))
    }

    /// The field responses the person has now (PERSON_CELL and PERSON_RESPONSES), each once: whether
    /// they belong on a chart narrowed by `wallChart(responseIds:)`. Null for other kinds.
    async fn response_ids(&self, ctx: &Context<'_>) -> Result<Option<Vec<ID>>, ApiError> {
        Ok(self.person_now(ctx).await?.map(|detail| {
            let mut responses: Vec<ID> = Vec::new();
            for (_, response) in &detail.responses {
                let response = ID(response.to_string());
                if !responses.contains(&response) {
                    responses.push(response);
                }
            }
            responses
        }))
    }

    /// The unit's figures now (UNIT_FIGURES only).
    async fn figures(&self, ctx: &Context<'_>) -> Result<Option<UnitFigures>, ApiError> {
        let Some(unit) = &self.unit_id else {
            return Ok(None);
        };
        let access = Policy::read(ctx, Permission::Read)?;
        let campaign = parse::id("campaignId", &self.campaign_id)?;
        if !access.reaches(campaign).await? {
            return Ok(None);
        }
        let chart = access
            .read_models()
            .wall_chart(access.chapter(), campaign, None, None)
            .await?;
        Ok(chart.and_then(|chart| {
            chart
                .units
                .into_iter()
                .find(|candidate| candidate.unit_id.to_string() == unit.as_str())
                .map(|found| found.figures.into())
        }))
    }
}

/// A change to one of the caller's tasks. `stillMine` is false when it was reassigned to someone else.
/// With `announce`, the first message has `listening: true` and no task: the subscription listens from
/// then on.
#[derive(async_graphql::SimpleObject, Debug, Clone)]
pub struct MyTaskChange {
    pub task_id: Option<ID>,
    pub campaign_id: Option<ID>,
    pub still_mine: bool,
    pub listening: bool,
}

/// Ends `items` as soon as its subscriber may no longer see them (session ended, token revoked, user
/// disabled, role changed): each item is delivered only after the caller was re-checked.
fn while_allowed<S: Stream + Send + 'static>(
    items: S,
    revalidation: Revalidation,
) -> impl Stream<Item = S::Item> + Send + 'static
where
    S::Item: Send,
{
    items.take_while(move |_| {
        let revalidation = revalidation.clone();
        async move { revalidation.still_allowed().await }
    })
}

/// The read models' changes as a stream, skipping what a slow subscriber missed.
fn changes(
    read_models: &projections::ReadModels,
) -> impl Stream<Item = ReadModelChange> + Send + 'static {
    stream::unfold(read_models.changes(), |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(change) => return Some((change, receiver)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a subscriber fell behind and missed changes");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

#[derive(Default)]
pub struct ChangeSubscription;

#[Subscription]
impl ChangeSubscription {
    /// Cell and unit-figure updates of a campaign's wall chart, as they are projected. With `announce`,
    /// the first message is `LISTENING`: a client that loads the chart after it misses no change.
    async fn wall_chart_changes(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        #[graphql(default = false)] announce: bool,
    ) -> Result<impl Stream<Item = WallChartChange>, ApiError> {
        let access = Policy::read(ctx, Permission::Read)?;
        let campaign: CampaignId = parse::id("campaignId", &campaign_id)?;
        let chapter = access.chapter();
        let revalidation = Policy::revalidation(ctx).await?;
        // A campaign outside a narrowed membership never changes, as far as its subscriber can tell.
        let reached = revalidation.scope().reaches(campaign);
        let updates = changes(access.read_models()).filter_map(move |change| {
            let relevant = reached && change.chapter() == chapter && change.campaign() == campaign;
            let update = match change {
                ReadModelChange::PersonCell { person, .. } if relevant => {
                    Some(WallChartChange::new(
                        WallChartChangeKind::PersonCell,
                        campaign,
                        Some(person),
                        None,
                    ))
                }
                ReadModelChange::PersonResponses { person, .. } if relevant => {
                    Some(WallChartChange::new(
                        WallChartChangeKind::PersonResponses,
                        campaign,
                        Some(person),
                        None,
                    ))
                }
                ReadModelChange::UnitFigures { unit, .. } if relevant => {
                    Some(WallChartChange::new(
                        WallChartChangeKind::UnitFigures,
                        campaign,
                        None,
                        Some(unit),
                    ))
                }
                _ => None,
            };
            std::future::ready(update)
        });
        let listening = announce
            .then(|| WallChartChange::new(WallChartChangeKind::Listening, campaign, None, None));
        Ok(while_allowed(
            stream::iter(listening).chain(updates),
            revalidation,
        ))
    }

    /// Changes to the caller's tasks (assigned to them, or just taken away from them).
    async fn my_task_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] announce: bool,
    ) -> Result<impl Stream<Item = MyTaskChange>, ApiError> {
        let access = Policy::read(ctx, Permission::ReadOwn)?;
        let chapter = access.chapter();
        let me = access.identity.user;
        let revalidation = Policy::revalidation(ctx).await?;
        let scope = revalidation.scope().clone();
        let updates = changes(access.read_models()).filter_map(move |change| {
            let update = match change {
                ReadModelChange::Task {
                    chapter: in_chapter,
                    campaign,
                    task,
                    assignee,
                    previous_assignee,
                } if in_chapter == chapter
                    && scope.reaches(campaign)
                    && (assignee == me || previous_assignee == Some(me)) =>
                {
                    Some(MyTaskChange {
                        task_id: Some(ID(task.to_string())),
                        campaign_id: Some(ID(campaign.to_string())),
                        still_mine: assignee == me,
                        listening: false,
                    })
                }
                _ => None,
            };
            std::future::ready(update)
        });
        let listening = announce.then_some(MyTaskChange {
            task_id: None,
            campaign_id: None,
            still_mine: false,
            listening: true,
        });
        Ok(while_allowed(
            stream::iter(listening).chain(updates),
            revalidation,
        ))
    }
}
