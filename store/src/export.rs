//! Export and import as JSON lines: a header, the wrapped person keys, the forgotten people, every event in
//! global order with its stored text embedded verbatim, and an end line with counts. Keys stay wrapped by
//! the master key, so an export holds no plaintext personal data and no usable key on its own; importing
//! and exporting again gives the same bytes.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use uuid::Uuid;

use crate::backend::{StoredForgotten, StoredKey, StoredRow, IMPORT_BATCH};
use crate::crypto::{unwrap_key, MasterKey};
use crate::error::StoreError;

const FORMAT: &str = "groundwork-event-store";
const FORMAT_VERSION: u32 = 1;

/// What an export or import moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransferSummary {
    pub person_keys: u64,
    pub forgotten_people: u64,
    pub events: u64,
}

fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[derive(Serialize, Deserialize)]
struct HeaderLine {
    kind: String,
    format: String,
    version: u32,
}

#[derive(Serialize, Deserialize)]
struct KeyLine {
    kind: String,
    person_id: String,
    wrapped_key: String,
    created_at: String,
}

#[derive(Serialize, Deserialize)]
struct ForgottenLine {
    kind: String,
    person_id: String,
    forgotten_at: String,
}

#[derive(Serialize)]
struct EventLineOut<'a> {
    kind: &'a str,
    position: i64,
    tx: i64,
    stream_type: &'a str,
    stream_id: &'a str,
    stream_version: i64,
    event_type: &'a str,
    schema_version: i64,
    data_subject: Option<&'a str>,
    recorded_at: String,
    metadata: &'a RawValue,
    payload: &'a RawValue,
}

#[derive(Deserialize)]
struct EventLineIn<'a> {
    position: i64,
    tx: i64,
    stream_type: String,
    stream_id: String,
    stream_version: i64,
    event_type: String,
    schema_version: i64,
    data_subject: Option<String>,
    recorded_at: String,
    #[serde(borrow)]
    metadata: &'a RawValue,
    #[serde(borrow)]
    payload: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
struct EndLine {
    kind: String,
    person_keys: u64,
    forgotten_people: u64,
    events: u64,
}

#[derive(Deserialize)]
struct KindOnly {
    kind: String,
}

/// Writes export lines, buffering so that 100k events do not mean 100k small writes.
pub(crate) struct ExportWriter<'a> {
    out: &'a mut (dyn AsyncWrite + Unpin + Send),
    buffer: Vec<u8>,
    pub(crate) summary: TransferSummary,
}

const FLUSH_AT: usize = 1 << 16;

impl<'a> ExportWriter<'a> {
    pub(crate) fn new(out: &'a mut (dyn AsyncWrite + Unpin + Send)) -> Self {
        Self {
            out,
            buffer: Vec::with_capacity(FLUSH_AT * 2),
            summary: TransferSummary::default(),
        }
    }

    fn line(&mut self, value: &impl Serialize) -> Result<(), StoreError> {
        serde_json::to_writer(&mut self.buffer, value).map_err(|source| StoreError::Serialize {
            what: "export line".to_string(),
            source,
        })?;
        self.buffer.push(b'\n');
        Ok(())
    }

    async fn flush_if_full(&mut self) -> Result<(), StoreError> {
        if self.buffer.len() >= FLUSH_AT {
            self.out.write_all(&self.buffer).await?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// The header, then keys and forgotten people sorted by person id (byte order, not the database's
    /// collation, so both backends export the same bytes).
    pub(crate) async fn start(
        &mut self,
        mut keys: Vec<StoredKey>,
        mut forgotten: Vec<StoredForgotten>,
    ) -> Result<(), StoreError> {
        self.line(&HeaderLine {
            kind: "header".to_string(),
            format: FORMAT.to_string(),
            version: FORMAT_VERSION,
        })?;
        keys.sort_by(|a, b| a.person_id.cmp(&b.person_id));
        for key in &keys {
            self.line(&KeyLine {
                kind: "person_key".to_string(),
                person_id: key.person_id.clone(),
                wrapped_key: BASE64.encode(&key.wrapped_key),
                created_at: timestamp(&key.created_at),
            })?;
            self.summary.person_keys += 1;
            self.flush_if_full().await?;
        }
        forgotten.sort_by(|a, b| a.person_id.cmp(&b.person_id));
        for person in &forgotten {
            self.line(&ForgottenLine {
                kind: "forgotten_person".to_string(),
                person_id: person.person_id.clone(),
                forgotten_at: timestamp(&person.forgotten_at),
            })?;
            self.summary.forgotten_people += 1;
            self.flush_if_full().await?;
        }
        Ok(())
    }

    pub(crate) async fn event(&mut self, row: &StoredRow) -> Result<(), StoreError> {
        let raw = |text: &'_ str, what: &str| -> Result<Box<RawValue>, StoreError> {
            RawValue::from_string(text.to_string()).map_err(|source| StoreError::Deserialize {
                what: format!("stored {what} of event at position {}", row.position),
                source,
            })
        };
        let metadata = raw(&row.metadata, "metadata")?;
        let payload = raw(&row.payload, "payload")?;
        self.line(&EventLineOut {
            kind: "event",
            position: row.position,
            tx: row.tx_id,
            stream_type: &row.stream_type,
            stream_id: &row.stream_id,
            stream_version: row.stream_version,
            event_type: &row.event_type,
            schema_version: row.schema_version,
            data_subject: row.data_subject.as_deref(),
            recorded_at: timestamp(&row.recorded_at),
            metadata: &metadata,
            payload: &payload,
        })?;
        self.summary.events += 1;
        self.flush_if_full().await
    }

    pub(crate) async fn finish(&mut self) -> Result<(), StoreError> {
        let summary = self.summary;
        self.line(&EndLine {
            kind: "end".to_string(),
            person_keys: summary.person_keys,
            forgotten_people: summary.forgotten_people,
            events: summary.events,
        })?;
        self.out.write_all(&self.buffer).await?;
        self.buffer.clear();
        self.out.flush().await?;
        Ok(())
    }
}

/// One parsed, checked line of an export.
pub(crate) enum ImportLine {
    Key(StoredKey),
    Forgotten(StoredForgotten),
    Event(StoredRow),
}

/// Reads an export line by line and checks its structure: the header first, sections in order, keys that
/// the store's master key can unwrap, and an end line whose counts match.
pub(crate) struct ImportReader<'a, R> {
    reader: R,
    master: &'a MasterKey,
    line_number: usize,
    section: u8,
    summary: TransferSummary,
    buffer: String,
}

const SECTION_KEYS: u8 = 1;
const SECTION_FORGOTTEN: u8 = 2;
const SECTION_EVENTS: u8 = 3;
const SECTION_END: u8 = 4;

impl<'a, R: AsyncBufRead + Unpin> ImportReader<'a, R> {
    pub(crate) fn new(reader: R, master: &'a MasterKey) -> Self {
        Self {
            reader,
            master,
            line_number: 0,
            section: 0,
            summary: TransferSummary::default(),
            buffer: String::new(),
        }
    }

    fn invalid(&self, reason: impl Into<String>) -> StoreError {
        StoreError::InvalidExport {
            line: self.line_number,
            reason: reason.into(),
        }
    }

    fn parse<'de, T: Deserialize<'de>>(&self, text: &'de str) -> Result<T, StoreError> {
        serde_json::from_str(text).map_err(|error| self.invalid(error.to_string()))
    }

    fn time(&self, text: &str) -> Result<DateTime<Utc>, StoreError> {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .map_err(|_| self.invalid(format!("`{text}` is not an RFC 3339 timestamp")))
    }

    fn person(&self, text: &str) -> Result<Uuid, StoreError> {
        Uuid::parse_str(text).map_err(|_| self.invalid(format!("`{text}` is not a person id")))
    }

    fn enter(&mut self, section: u8) -> Result<(), StoreError> {
        if section < self.section {
            return Err(self.invalid("sections are out of order"));
        }
        self.section = section;
        Ok(())
    }

    /// The next record, or `None` after a valid end line.
    pub(crate) async fn next(&mut self) -> Result<Option<ImportLine>, StoreError> {
        loop {
            self.buffer.clear();
            let read = self.reader.read_line(&mut self.buffer).await?;
            self.line_number += 1;
            if read == 0 {
                return if self.section == SECTION_END {
                    Ok(None)
                } else {
                    Err(self.invalid("the export ends before its end line (truncated?)"))
                };
            }
            let text = std::mem::take(&mut self.buffer);
            let text_trimmed = text.trim_end_matches(['\n', '\r']);
            let result = self.parse_line(text_trimmed);
            self.buffer = text;
            match result? {
                Some(line) => return Ok(Some(line)),
                None => continue,
            }
        }
    }

    fn parse_line(&mut self, text: &str) -> Result<Option<ImportLine>, StoreError> {
        if self.section == SECTION_END {
            return Err(self.invalid("nothing may follow the end line"));
        }
        let kind: KindOnly = self.parse(text)?;
        if self.line_number == 1 {
            let header: HeaderLine = self.parse(text)?;
            if header.kind != "header" || header.format != FORMAT {
                return Err(self.invalid(format!("not a {FORMAT} export")));
            }
            if header.version != FORMAT_VERSION {
                return Err(self.invalid(format!("unsupported export version {}", header.version)));
            }
            return Ok(None);
        }
        match kind.kind.as_str() {
            "person_key" => {
                self.enter(SECTION_KEYS)?;
                let line: KeyLine = self.parse(text)?;
                let person = self.person(&line.person_id)?;
                let wrapped_key = BASE64
                    .decode(&line.wrapped_key)
                    .map_err(|_| self.invalid("wrapped_key is not base64"))?;
                // Fails with WrongMasterKey when this store's master key did not write the export.
                unwrap_key(self.master, person, &wrapped_key)?;
                self.summary.person_keys += 1;
                Ok(Some(ImportLine::Key(StoredKey {
                    person_id: line.person_id,
                    wrapped_key,
                    created_at: self.time(&line.created_at)?,
                })))
            }
            "forgotten_person" => {
                self.enter(SECTION_FORGOTTEN)?;
                let line: ForgottenLine = self.parse(text)?;
                self.person(&line.person_id)?;
                self.summary.forgotten_people += 1;
                Ok(Some(ImportLine::Forgotten(StoredForgotten {
                    person_id: line.person_id,
                    forgotten_at: self.time(&line.forgotten_at)?,
                })))
            }
            "event" => {
                self.enter(SECTION_EVENTS)?;
                let line: EventLineIn<'_> = self.parse(text)?;
                if let Some(subject) = &line.data_subject {
                    self.person(subject)?;
                }
                self.summary.events += 1;
                Ok(Some(ImportLine::Event(StoredRow {
                    position: line.position,
                    tx_id: line.tx,
                    stream_type: line.stream_type,
                    stream_id: line.stream_id,
                    stream_version: line.stream_version,
                    event_type: line.event_type,
                    schema_version: line.schema_version,
                    data_subject: line.data_subject,
                    recorded_at: self.time(&line.recorded_at)?,
                    // The exact text, so the next export reproduces it byte for byte.
                    payload: line.payload.get().to_string(),
                    metadata: line.metadata.get().to_string(),
                    // Numbered again in the global order when the import finishes (ADR 19).
                    chapter_position: None,
                    subject_key: None,
                })))
            }
            "end" => {
                self.enter(SECTION_END)?;
                let line: EndLine = self.parse(text)?;
                let expected = TransferSummary {
                    person_keys: line.person_keys,
                    forgotten_people: line.forgotten_people,
                    events: line.events,
                };
                if expected != self.summary {
                    return Err(self.invalid(format!(
                        "the end line announces {expected:?} but the export holds {:?}",
                        self.summary
                    )));
                }
                Ok(None)
            }
            other => Err(self.invalid(format!("unknown line kind `{other}`"))),
        }
    }

    pub(crate) fn summary(&self) -> TransferSummary {
        self.summary
    }
}

/// Rows collected until a batch is full.
#[derive(Default)]
pub(crate) struct ImportBatch {
    pub keys: Vec<StoredKey>,
    pub forgotten: Vec<StoredForgotten>,
    pub events: Vec<StoredRow>,
}

impl ImportBatch {
    pub(crate) fn push(&mut self, line: ImportLine) {
        match line {
            ImportLine::Key(key) => self.keys.push(key),
            ImportLine::Forgotten(person) => self.forgotten.push(person),
            ImportLine::Event(event) => self.events.push(event),
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.keys.len() + self.forgotten.len() + self.events.len() >= IMPORT_BATCH * 4
    }
}
