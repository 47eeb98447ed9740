//! Helpers every query uses: the SQL builder, page cursors, decoding of read-model columns (ids, levels,
//! stored words) and the moments the time-travel and weekly queries compare with.

use super::ReadModels;
use crate::codec::StoredEnum;
use crate::error::ProjectionError;
use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate, Utc};
use domain::ids::{
    CampaignId, ChapterId, FieldId, PersonId, ResponseId, StructureTestId, TaskId, UnitId, UserId,
};
use store::sql::{AnyRow, Arg};
use store::BackendKind;

/// The cursor of the item `offset` items into a list.
pub(super) fn cursor(offset: u64) -> String {
    format!("o{offset}")
}

/// The offset of the item after `cursor` (0 without one).
pub(super) fn parse_cursor(cursor: Option<&str>) -> Result<u64, ProjectionError> {
    match cursor {
        None => Ok(0),
        Some(text) => text
            .strip_prefix('o')
            .and_then(|number| number.parse::<u64>().ok())
            .map(|offset| offset + 1)
            .ok_or_else(|| ProjectionError::InvalidCursor(text.to_string())),
    }
}

/// SQL text with numbered placeholders and their arguments, built up piece by piece.
#[derive(Default)]
pub(super) struct Sql {
    pub(super) text: String,
    pub(super) args: Vec<Arg>,
}

impl Sql {
    pub(super) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an argument and returns its placeholder.
    pub(super) fn arg(&mut self, arg: impl Into<Arg>) -> String {
        self.args.push(arg.into());
        format!("${}", self.args.len())
    }

    /// Adds every value as an argument and returns their placeholders, comma-separated (`NULL` for none,
    /// so that `IN (…)` matches nothing).
    pub(super) fn list(&mut self, values: impl IntoIterator<Item = String>) -> String {
        let placeholders: Vec<String> = values.into_iter().map(|value| self.arg(value)).collect();
        if placeholders.is_empty() {
            "NULL".to_string()
        } else {
            placeholders.join(", ")
        }
    }
}

/// One page of a filtered list.
pub(super) struct PageQuery<'a> {
    /// The filter's arguments, which `from` refers to.
    pub(super) sql: Sql,
    /// The columns of each row, as after `SELECT`.
    pub(super) columns: &'a str,
    /// `FROM … WHERE …`: the whole list.
    pub(super) from: &'a str,
    /// As after `ORDER BY`.
    pub(super) order: &'a str,
    pub(super) first: u32,
    pub(super) offset: u64,
}

impl ReadModels {
    /// A page of a list and the size of the whole list: up to `first + 1` rows from `offset` (the extra row
    /// tells whether another page follows).
    ///
    /// On PostgreSQL the page's own statement counts the list (`COUNT(*) OVER ()`): one scan and one round
    /// trip where a `COUNT` and a page each filtered the whole list (docs/performance.md, round 14). A page
    /// past the end has no row to carry the count, so then the count is asked apart. On SQLite, in the
    /// process, the count stays its own statement: a window would have a page that an index hands out in
    /// order, and that could stop after `first + 1` rows, read every row of the list.
    pub(super) async fn counted_page(
        &self,
        query: PageQuery<'_>,
    ) -> Result<(Vec<AnyRow>, i64), ProjectionError> {
        let PageQuery {
            mut sql,
            columns,
            from,
            order,
            first,
            offset,
        } = query;
        let filter_args = sql.args.len();
        let count_sql = format!("SELECT COUNT(*) AS total {from}");
        let windowed = self.db().kind() == BackendKind::Postgres;
        let counted = if windowed {
            None
        } else {
            Some(self.count(&count_sql, &sql.args).await?)
        };
        let limit = sql.arg(i64::from(first) + 1);
        let skip = sql.arg(i64::try_from(offset).unwrap_or(i64::MAX));
        let total_column = if windowed {
            ", COUNT(*) OVER () AS total"
        } else {
            ""
        };
        sql.push(&format!(
            "SELECT {columns}{total_column} {from} ORDER BY {order} LIMIT {limit} OFFSET {skip}"
        ));
        let rows = self.db().fetch(&sql.text, &sql.args).await?;
        let total = match (counted, rows.first()) {
            (Some(total), _) => total,
            (None, Some(row)) => row.int("total")?,
            (None, None) if offset == 0 => 0,
            (None, None) => self.count(&count_sql, &sql.args[..filter_args]).await?,
        };
        Ok((rows, total))
    }

    async fn count(&self, sql: &str, args: &[Arg]) -> Result<i64, ProjectionError> {
        Ok(match self.db().fetch_optional(sql, args).await? {
            Some(row) => row.int("total")?,
            None => 0,
        })
    }
}

/// A column whose text cannot be read as what it should hold.
pub(super) fn decode_error(what: &str, text: &str) -> ProjectionError {
    ProjectionError::Decode {
        what: what.to_string(),
        text: text.to_string(),
    }
}

/// A column holding a stored word ([`StoredEnum`]); unknown text is an error.
pub(super) fn stored<E: StoredEnum>(row: &AnyRow, column: &str) -> Result<E, ProjectionError> {
    E::parse(&row.text(column)?)
}

macro_rules! id_parser {
    ($name:ident, $opt:ident, $type:ty) => {
        pub(super) fn $name(row: &AnyRow, column: &str) -> Result<$type, ProjectionError> {
            let text = row.text(column)?;
            <$type>::parse(&text).map_err(|_| decode_error(column, &text))
        }
        #[allow(dead_code)]
        pub(super) fn $opt(row: &AnyRow, column: &str) -> Result<Option<$type>, ProjectionError> {
            match row.opt_text(column)? {
                Some(text) => <$type>::parse(&text)
                    .map(Some)
                    .map_err(|_| decode_error(column, &text)),
                None => Ok(None),
            }
        }
    };
}

id_parser!(person_id, opt_person_id, PersonId);
id_parser!(campaign_id, opt_campaign_id, CampaignId);
id_parser!(chapter_id, opt_chapter_id, ChapterId);
id_parser!(unit_id, opt_unit_id, UnitId);
id_parser!(user_id, opt_user_id, UserId);
id_parser!(task_id, opt_task_id, TaskId);
id_parser!(test_id, opt_test_id, StructureTestId);
id_parser!(field_id, opt_field_id, FieldId);
id_parser!(response_id, opt_response_id, ResponseId);

/// A level column (`NULL`: unassessed).
pub(super) fn opt_level(row: &AnyRow, column: &str) -> Result<Option<u8>, ProjectionError> {
    Ok(row
        .opt_int(column)?
        .and_then(|level| u8::try_from(level).ok()))
}

/// The Monday of the week `day` is in.
pub(super) fn week_start(day: NaiveDate) -> NaiveDate {
    day - ChronoDuration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The instant a day ends (the start of the next, exclusive).
pub(super) fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    (day + ChronoDuration::days(1))
        .and_hms_opt(0, 0, 0)
        .map(|naive| naive.and_utc())
        .unwrap_or_else(Utc::now)
}

/// `alias.valid_from <= T AND (alias.valid_to IS NULL OR alias.valid_to > T)`.
pub(super) fn valid_at(sql: &mut Sql, alias: &str, at: DateTime<Utc>) -> String {
    let first = sql.arg(at);
    let second = sql.arg(at);
    format!("{alias}.valid_from <= {first} AND ({alias}.valid_to IS NULL OR {alias}.valid_to > {second})")
}
