//! The analysts' series: levels, coverage and 1:1s per week, and a structure test's daily curve, counted
//! from the history tables.

use super::sql::{end_of_day, opt_level, opt_user_id, person_id, stored, week_start};
use super::views::{
    CoverageWeek, CurvePoint, LevelCount, OrganizerWeek, PersonStatusView, WeeklyDistribution,
};
use super::ReadModels;
use crate::error::ProjectionError;
use chrono::{DateTime, Duration as ChronoDuration, NaiveDate, Utc};
use domain::ids::{CampaignId, ChapterId, PersonId, StructureTestId, UserId};
use domain::values::StepKind;
use std::collections::BTreeMap;
use store::sql::args;

impl ReadModels {
    /// The wall-chart history rows of a campaign's people.
    async fn person_history(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
    ) -> Result<
        Vec<(
            PersonId,
            Option<u8>,
            Option<UserId>,
            PersonStatusView,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        )>,
        ProjectionError,
    > {
        self.db()
            .fetch(
                "SELECT h.person_id, h.level, h.organizer, h.status, h.valid_from, h.valid_to \
                 FROM rm_person_history h JOIN rm_campaigns c ON c.campaign_id = h.campaign_id \
                 WHERE h.campaign_id = $1 AND c.chapter_id = $2",
                &args![campaign.to_string(), chapter.to_string()],
            )
            .await?
            .iter()
            .map(|row| {
                Ok((
                    person_id(row, "person_id")?,
                    opt_level(row, "level")?,
                    opt_user_id(row, "organizer")?,
                    stored(row, "status")?,
                    row.time("valid_from")?,
                    row.opt_time("valid_to")?,
                ))
            })
            .collect()
    }

    /// How many people stood at each level at the end of each week, from the week of `from` for `weeks` weeks.
    pub async fn assessment_distribution_weekly(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        from: NaiveDate,
        weeks: u32,
    ) -> Result<Vec<WeeklyDistribution>, ProjectionError> {
        let history = self.person_history(chapter, campaign).await?;
        let mut result = Vec::new();
        for week in 0..weeks {
            let start = week_start(from) + ChronoDuration::weeks(i64::from(week));
            let at = end_of_day(start + ChronoDuration::days(6)) - ChronoDuration::microseconds(1);
            let mut per_level: BTreeMap<u8, u32> = BTreeMap::new();
            let mut unassessed = 0;
            for (_, level, _, status, valid_from, valid_to) in &history {
                if *status == PersonStatusView::Active
                    && *valid_from <= at
                    && valid_to.is_none_or(|to| to > at)
                {
                    match level {
                        Some(level) => *per_level.entry(*level).or_default() += 1,
                        None => unassessed += 1,
                    }
                }
            }
            result.push(WeeklyDistribution {
                week_start: start,
                per_level: per_level
                    .into_iter()
                    .map(|(level, count)| LevelCount { level, count })
                    .collect(),
                unassessed,
            });
        }
        Ok(result)
    }

    /// 1:1s held per organizer per week in `[from, to)`.
    pub async fn one_on_ones_per_organizer_weekly(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OrganizerWeek>, ProjectionError> {
        let rows = self
            .one_on_one_rows(
                "SELECT conversation_id, person_id, organizer, held_at, assessment, logged_by, issues FROM rm_one_on_ones \
                 WHERE chapter_id = $1 AND campaign_id = $2 AND held_at >= $3 AND held_at < $4",
                &args![chapter.to_string(), campaign.to_string(), from, to],
            )
            .await?;
        let mut counts: BTreeMap<(NaiveDate, UserId), u32> = BTreeMap::new();
        for row in rows {
            *counts
                .entry((week_start(row.held_at.date_naive()), row.organizer))
                .or_default() += 1;
        }
        Ok(counts
            .into_iter()
            .map(|((week_start, organizer), one_on_ones)| OrganizerWeek {
                week_start,
                organizer,
                one_on_ones,
            })
            .collect())
    }

    /// Active people with and without an organizer at the end of each week.
    pub async fn coverage_weekly(
        &self,
        chapter: ChapterId,
        campaign: CampaignId,
        from: NaiveDate,
        weeks: u32,
    ) -> Result<Vec<CoverageWeek>, ProjectionError> {
        let history = self.person_history(chapter, campaign).await?;
        let mut result = Vec::new();
        for week in 0..weeks {
            let start = week_start(from) + ChronoDuration::weeks(i64::from(week));
            let at = end_of_day(start + ChronoDuration::days(6)) - ChronoDuration::microseconds(1);
            let mut coverage = CoverageWeek {
                week_start: start,
                people: 0,
                covered: 0,
                uncovered: 0,
            };
            for (_, _, organizer, status, valid_from, valid_to) in &history {
                if *status == PersonStatusView::Active
                    && *valid_from <= at
                    && valid_to.is_none_or(|to| to > at)
                {
                    coverage.people += 1;
                    if organizer.is_some() {
                        coverage.covered += 1;
                    } else {
                        coverage.uncovered += 1;
                    }
                }
            }
            result.push(coverage);
        }
        Ok(result)
    }

    /// A structure test's latest steps counted at the end of each day from `from` to `to` (inclusive).
    pub async fn structure_test_curve(
        &self,
        chapter: ChapterId,
        test: StructureTestId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CurvePoint>, ProjectionError> {
        if self.load_test(chapter, test).await?.is_none() {
            return Ok(Vec::new());
        }
        let rows = self
            .db()
            .fetch(
                "SELECT step, valid_from, valid_to FROM rm_test_step_history WHERE test_id = $1",
                &args![test.to_string()],
            )
            .await?;
        let mut history = Vec::new();
        for row in &rows {
            history.push((
                stored::<StepKind>(row, "step")?,
                row.time("valid_from")?,
                row.opt_time("valid_to")?,
            ));
        }
        let mut points = Vec::new();
        let mut day = from;
        while day <= to && points.len() < 3660 {
            let at = end_of_day(day) - ChronoDuration::microseconds(1);
            let mut point = CurvePoint {
                day,
                asked: 0,
                committed: 0,
                participated: 0,
                declined: 0,
            };
            for (step, valid_from, valid_to) in &history {
                if *valid_from <= at && valid_to.is_none_or(|to| to > at) {
                    match step {
                        StepKind::Asked => point.asked += 1,
                        StepKind::Committed => point.committed += 1,
                        StepKind::Participated => point.participated += 1,
                        StepKind::Declined => point.declined += 1,
                    }
                }
            }
            points.push(point);
            day += ChronoDuration::days(1);
        }
        Ok(points)
    }
}
