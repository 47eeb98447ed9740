//! Imports of people from files (docs/adr/0014): one row per import (who, when, the file, its mapping, its
//! counts and state) and the mapping last used per campaign. Plain tables next to the log, like accounts:
//! the people an import wrote are found in the log itself, by the import id in each event's metadata.

use crate::error::StoreError;
use crate::sql::{args, AnyRow};
use crate::store::{BackendKind, Store};
use chrono::{DateTime, Utc};

/// An import as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub import_id: String,
    pub chapter_id: String,
    pub campaign_id: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub file_name: String,
    /// JSON, written and read by the API.
    pub mapping: String,
    /// JSON, written and read by the API.
    pub options: String,
    pub state: String,
    pub counts: ImportCounts,
    pub committed_at: Option<DateTime<Utc>>,
    pub undone_at: Option<DateTime<Utc>>,
    /// JSON, written and read by the API.
    pub undo_report: Option<String>,
}

/// How far an import got and what its rows do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub rows_total: i64,
    pub rows_done: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub errors: i64,
}

/// The size of the pieces an uploaded file is stored in (`import_file_chunks`).
pub const IMPORT_CHUNK_BYTES: usize = 256 * 1024;

/// The next piece of `content`: [`IMPORT_CHUNK_BYTES`] bytes, fewer at the end, none past it.
fn read_chunk(content: &mut (dyn std::io::Read + Send)) -> std::io::Result<Vec<u8>> {
    let mut chunk = vec![0; IMPORT_CHUNK_BYTES];
    let mut filled = 0;
    while filled < chunk.len() {
        match content.read(&mut chunk[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    chunk.truncate(filled);
    Ok(chunk)
}

const COLUMNS: &str = "import_id, chapter_id, campaign_id, created_by, created_at, file_name, mapping, \
     options, state, rows_total, rows_done, created, updated, unchanged, errors, committed_at, undone_at, \
     undo_report";

fn import_row(row: &AnyRow) -> Result<ImportRow, sqlx::Error> {
    Ok(ImportRow {
        import_id: row.text("import_id")?,
        chapter_id: row.text("chapter_id")?,
        campaign_id: row.text("campaign_id")?,
        created_by: row.text("created_by")?,
        created_at: row.time("created_at")?,
        file_name: row.text("file_name")?,
        mapping: row.text("mapping")?,
        options: row.text("options")?,
        state: row.text("state")?,
        counts: ImportCounts {
            rows_total: row.int("rows_total")?,
            rows_done: row.int("rows_done")?,
            created: row.int("created")?,
            updated: row.int("updated")?,
            unchanged: row.int("unchanged")?,
            errors: row.int("errors")?,
        },
        committed_at: row.opt_time("committed_at")?,
        undone_at: row.opt_time("undone_at")?,
        undo_report: row.opt_text("undo_report")?,
    })
}

impl Store {
    /// Records a new import with its file's bytes, read from `content` a piece of [`IMPORT_CHUNK_BYTES`] at a
    /// time and stored in `import_file_chunks` in the same transaction (`None` when the file stays on the
    /// operator's disk). An import is recorded whole or not at all, and no more than a piece of its file is
    /// in memory at once.
    pub async fn insert_import(
        &self,
        row: &ImportRow,
        content: Option<&mut (dyn std::io::Read + Send)>,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "INSERT INTO imports (import_id, chapter_id, campaign_id, created_by, created_at, file_name, \
             content, mapping, options, state) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9)",
            &args![
                &row.import_id,
                &row.chapter_id,
                &row.campaign_id,
                &row.created_by,
                row.created_at,
                &row.file_name,
                &row.mapping,
                &row.options,
                &row.state
            ],
        )
        .await?;
        if let Some(content) = content {
            let mut seq: i64 = 0;
            loop {
                let chunk = read_chunk(content)?;
                if chunk.is_empty() {
                    break;
                }
                tx.execute(
                    "INSERT INTO import_file_chunks (import_id, seq, bytes) VALUES ($1, $2, $3)",
                    &args![&row.import_id, seq, chunk],
                )
                .await?;
                seq += 1;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The import `import_id` of `chapter`, if there is one.
    pub async fn import_row(
        &self,
        chapter: &str,
        import_id: &str,
    ) -> Result<Option<ImportRow>, StoreError> {
        let row = self
            .db()
            .fetch_optional(
                &format!("SELECT {COLUMNS} FROM imports WHERE chapter_id = $1 AND import_id = $2"),
                &args![chapter, import_id],
            )
            .await?;
        Ok(row.as_ref().map(import_row).transpose()?)
    }

    /// The chapter of the import `import_id`, if there is one (for the command line, which names an import
    /// before it knows the chapter).
    pub async fn import_chapter(&self, import_id: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .db()
            .fetch_optional(
                "SELECT chapter_id FROM imports WHERE import_id = $1",
                &args![import_id],
            )
            .await?;
        Ok(row.map(|row| row.text("chapter_id")).transpose()?)
    }

    /// Writes the kept bytes of an import's file to `out`, a piece at a time; `false` when they are not kept
    /// (the import was committed, or its file stayed on the operator's disk).
    pub async fn copy_import_content(
        &self,
        import_id: &str,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<bool, StoreError> {
        let mut seq: i64 = 0;
        loop {
            let row = self
                .db()
                .fetch_optional(
                    "SELECT bytes FROM import_file_chunks WHERE import_id = $1 AND seq = $2",
                    &args![import_id, seq],
                )
                .await?;
            let Some(row) = row else { break };
            out.write_all(&row.bytes("bytes")?)?;
            seq += 1;
        }
        if seq > 0 {
            return Ok(true);
        }
        // A file uploaded before `import_file_chunks` existed is kept whole in `imports.content`.
        let row = self
            .db()
            .fetch_optional(
                "SELECT content FROM imports WHERE import_id = $1",
                &args![import_id],
            )
            .await?;
        match row
            .map(|row| row.opt_bytes("content"))
            .transpose()?
            .flatten()
        {
            Some(bytes) => {
                out.write_all(&bytes)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The imports of a campaign (of every campaign of the chapter without one), newest first.
    pub async fn imports(
        &self,
        chapter: &str,
        campaign: Option<&str>,
    ) -> Result<Vec<ImportRow>, StoreError> {
        let rows = self
            .db()
            .fetch(
                &format!(
                    "SELECT {COLUMNS} FROM imports WHERE chapter_id = $1 \
                     AND ($2 = '' OR campaign_id = $2) ORDER BY created_at DESC, import_id"
                ),
                &args![chapter, campaign.unwrap_or_default()],
            )
            .await?;
        Ok(rows.iter().map(import_row).collect::<Result<_, _>>()?)
    }

    /// Changes an import's mapping and options (before it is committed).
    pub async fn set_import_mapping(
        &self,
        import_id: &str,
        mapping: &str,
        options: &str,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE imports SET mapping = $2, options = $3 WHERE import_id = $1",
                &args![import_id, mapping, options],
            )
            .await?;
        Ok(())
    }

    /// Moves an import to `state` with `counts`, only from one of the states in `from` (so two commits or
    /// two undos of one import cannot both start). False when the import was in another state.
    pub async fn move_import(
        &self,
        import_id: &str,
        from: &[&str],
        state: &str,
        counts: ImportCounts,
    ) -> Result<bool, StoreError> {
        let from = from.join(",");
        let changed = self
            .db()
            .execute(
                "UPDATE imports SET state = $3, rows_total = $4, rows_done = $5, created = $6, \
                 updated = $7, unchanged = $8, errors = $9 \
                 WHERE import_id = $1 AND (',' || $2 || ',') LIKE ('%,' || state || ',%')",
                &args![
                    import_id,
                    from,
                    state,
                    counts.rows_total,
                    counts.rows_done,
                    counts.created,
                    counts.updated,
                    counts.unchanged,
                    counts.errors
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Records a committed import: its time, and its file's bytes are dropped (the log holds what it did).
    pub async fn finish_import_commit(
        &self,
        import_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let _writer = self.writer_turn().await;
        let mut tx = self.db().begin().await?;
        tx.execute(
            "UPDATE imports SET committed_at = $2, content = NULL WHERE import_id = $1",
            &args![import_id, at],
        )
        .await?;
        tx.execute(
            "DELETE FROM import_file_chunks WHERE import_id = $1",
            &args![import_id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records an undo: its time and its report.
    pub async fn finish_import_undo(
        &self,
        import_id: &str,
        at: DateTime<Utc>,
        report: &str,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "UPDATE imports SET undone_at = $2, undo_report = $3 WHERE import_id = $1",
                &args![import_id, at, report],
            )
            .await?;
        Ok(())
    }

    /// The mapping last saved for a campaign.
    pub async fn import_mapping(&self, campaign: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .db()
            .fetch_optional(
                "SELECT mapping FROM import_mappings WHERE campaign_id = $1",
                &args![campaign],
            )
            .await?;
        Ok(row.map(|row| row.text("mapping")).transpose()?)
    }

    /// Saves the mapping a campaign's next import starts from.
    pub async fn save_import_mapping(
        &self,
        campaign: &str,
        mapping: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.db()
            .execute(
                "INSERT INTO import_mappings (campaign_id, mapping, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (campaign_id) DO UPDATE SET mapping = excluded.mapping, \
                 updated_at = excluded.updated_at",
                &args![campaign, mapping, at],
            )
            .await?;
        Ok(())
    }

    /// The person streams that hold events written by import `import_id` (the `import` key of their
    /// metadata), each with the versions of those events, in order. Reads the whole log: undo is rare.
    pub async fn streams_of_import(
        &self,
        import_id: &str,
    ) -> Result<Vec<(String, Vec<u64>)>, StoreError> {
        let sql = match self.backend_kind() {
            BackendKind::Postgres => {
                "SELECT stream_id, stream_version FROM events WHERE stream_type = 'Person' \
                 AND metadata::jsonb ->> 'import' = $1 ORDER BY stream_id, stream_version"
            }
            BackendKind::Sqlite => {
                "SELECT stream_id, stream_version FROM events WHERE stream_type = 'Person' \
                 AND json_extract(metadata, '$.import') = $1 ORDER BY stream_id, stream_version"
            }
        };
        let rows = self.db().fetch(sql, &args![import_id]).await?;
        let mut streams: Vec<(String, Vec<u64>)> = Vec::new();
        for row in rows {
            let stream = row.text("stream_id")?;
            let version = u64::try_from(row.int("stream_version")?).unwrap_or_default();
            match streams.last_mut() {
                Some((last, versions)) if *last == stream => versions.push(version),
                _ => streams.push((stream, vec![version])),
            }
        }
        Ok(streams)
    }
}
