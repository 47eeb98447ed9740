//! GraphQL requests with files: the GraphQL multipart request (`multipart/form-data` with an `operations`
//! part, a `map` part and the files, in that order), as `uploadImport(input: {file})` takes an import's file.
//! Each part has its own limit: `operations` the JSON body's ([`crate::http::MAX_BODY_BYTES`]), `map` a few
//! KiB, a file the configured upload limit (`GROUNDWORK_MAX_UPLOAD_BYTES`, [`DEFAULT_MAX_UPLOAD_BYTES`] by
//! default). A file is received into an anonymous temporary file as it arrives, never whole in memory; the
//! file goes when the request is done. A part over its limit ends the request with 413 and an error that
//! names the variable the file was for and the limit.

use crate::error::ApiError;
use async_graphql::UploadValue;
use futures::StreamExt as _;
use std::collections::HashMap;
use tokio::io::AsyncWriteExt as _;

/// The largest file a multipart GraphQL request may carry unless configured otherwise: 64 MiB holds a
/// 100,000-row import with room to spare (about 10 MiB with ten columns).
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// The largest upload limit a server may be configured with.
pub const MAX_UPLOAD_LIMIT_BYTES: usize = 1024 * 1024 * 1024;
/// The most files one request may carry.
pub const MAX_FILES: usize = 1;
/// The largest `map` part.
const MAX_MAP_BYTES: usize = 64 * 1024;

/// Whether a request's `Content-Type` is `multipart/form-data`.
pub fn is_multipart(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|value| {
        value
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

/// Why a multipart request was refused: the HTTP status, the message and the input path to blame.
#[derive(Debug)]
pub struct Refused {
    pub status: axum::http::StatusCode,
    pub error: ApiError,
}

impl Refused {
    fn bad(field: Option<&str>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status: axum::http::StatusCode::BAD_REQUEST,
            error: match field {
                Some(field) => ApiError::invalid(field, message),
                None => ApiError::Validation {
                    message,
                    field: None,
                },
            },
        }
    }

    fn too_large(field: Option<&str>, message: String) -> Self {
        Self {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            ..Self::bad(field, message)
        }
    }
}

/// `1 MiB`, `64 MiB`, `512 KiB`, `100 bytes`: a size as a limit is written.
pub fn size_in_words(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads `GROUNDWORK_MAX_UPLOAD_BYTES`: a number of bytes, or of KiB or MiB with that unit after it
/// (`67108864`, `64MiB`, `64 MiB`), from 1 KiB to 1 GiB.
pub fn parse_upload_limit(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => (&text[..at], text[at..].trim()),
        None => (text, ""),
    };
    let scale = match unit.to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 1,
        "kib" => 1024,
        "mib" => 1024 * 1024,
        _ => {
            return Err(format!(
                "`{text}` is not a size: write bytes, or KiB or MiB (`64MiB`)"
            ))
        }
    };
    let bytes = number
        .parse::<usize>()
        .ok()
        .and_then(|number| number.checked_mul(scale))
        .ok_or_else(|| format!("`{text}` is not a size: write bytes, or KiB or MiB (`64MiB`)"))?;
    if !(1024..=MAX_UPLOAD_LIMIT_BYTES).contains(&bytes) {
        return Err(format!(
            "`{text}` is out of range: the upload limit is from 1 KiB to {}",
            size_in_words(MAX_UPLOAD_LIMIT_BYTES)
        ));
    }
    Ok(bytes)
}

/// The input path of an operations path from the `map` part: `variables.input.file` → `input.file`.
fn input_path(path: &str) -> &str {
    path.strip_prefix("variables.").unwrap_or(path)
}

/// Reads a GraphQL multipart request from `body` (whose `Content-Type` is `content_type`): the operation,
/// with each file in place of the variable the `map` part names for it.
pub async fn receive(
    content_type: &str,
    body: axum::body::Body,
    max_upload_bytes: usize,
    max_operations_bytes: usize,
) -> Result<async_graphql::Request, Refused> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        Refused::bad(
            None,
            "a multipart request needs a boundary in its Content-Type",
        )
    })?;
    let limits = multer::SizeLimit::new()
        // The parts' own limits, and room for the boundaries and part headers between them.
        .whole_stream(
            (max_upload_bytes * MAX_FILES + max_operations_bytes + MAX_MAP_BYTES + 16 * 1024)
                as u64,
        )
        .per_field(max_upload_bytes as u64)
        .for_field("operations", max_operations_bytes as u64)
        .for_field("map", MAX_MAP_BYTES as u64);
    let mut multipart = multer::Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let mut operations: Option<async_graphql::Request> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files: Vec<(String, UploadValue)> = Vec::new();
    let too_large = |error: multer::Error, map: &Option<HashMap<String, Vec<String>>>| {
        let field_name = match &error {
            multer::Error::FieldSizeExceeded { field_name, .. } => field_name.clone(),
            _ => None,
        };
        match field_name.as_deref() {
            Some("operations") => Refused::too_large(
                None,
                format!(
                    "the operations part of a multipart request holds at most {}",
                    size_in_words(max_operations_bytes)
                ),
            ),
            Some("map") => Refused::too_large(
                None,
                format!(
                    "the map part of a multipart request holds at most {}",
                    size_in_words(MAX_MAP_BYTES)
                ),
            ),
            name => {
                let path = name
                    .and_then(|name| map.as_ref()?.get(name)?.first())
                    .map(|path| input_path(path).to_string());
                Refused::too_large(
                    path.as_deref(),
                    format!(
                        "the file is larger than the upload limit of {}; larger files go through \
                         `groundwork people import`",
                        size_in_words(max_upload_bytes)
                    ),
                )
            }
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(
                error @ (multer::Error::FieldSizeExceeded { .. }
                | multer::Error::StreamSizeExceeded { .. }),
            ) => return Err(too_large(error, &map)),
            Err(error) => return Err(malformed(&error)),
        };
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "operations" => {
                let bytes = field.bytes().await.map_err(|error| match error {
                    multer::Error::FieldSizeExceeded { .. }
                    | multer::Error::StreamSizeExceeded { .. } => too_large(error, &map),
                    other => malformed(&other),
                })?;
                operations = Some(serde_json::from_slice(&bytes).map_err(|error| {
                    Refused::bad(
                        None,
                        format!("the operations part is not a GraphQL request: {error}"),
                    )
                })?);
            }
            "map" => {
                let bytes = field.bytes().await.map_err(|error| match error {
                    multer::Error::FieldSizeExceeded { .. }
                    | multer::Error::StreamSizeExceeded { .. } => too_large(error, &map),
                    other => malformed(&other),
                })?;
                map = Some(serde_json::from_slice(&bytes).map_err(|_| {
                    Refused::bad(
                        None,
                        "the map part is not a JSON object of file names to lists of variable paths",
                    )
                })?);
            }
            _ => {
                if operations.is_none() || map.is_none() {
                    return Err(Refused::bad(
                        None,
                        "a multipart request sends its operations and map parts before its files",
                    ));
                }
                if files.len() >= MAX_FILES {
                    return Err(Refused::bad(
                        None,
                        format!("a request carries at most {MAX_FILES} file"),
                    ));
                }
                let filename = field.file_name().unwrap_or(&name).to_string();
                let content_type = field.content_type().map(ToString::to_string);
                let spool = tempfile::tempfile().map_err(|error| internal(&error))?;
                let mut spool = tokio::fs::File::from_std(spool);
                let mut field = field;
                loop {
                    match field.next().await {
                        None => break,
                        Some(Ok(chunk)) => spool
                            .write_all(&chunk)
                            .await
                            .map_err(|error| internal(&error))?,
                        Some(Err(
                            error @ (multer::Error::FieldSizeExceeded { .. }
                            | multer::Error::StreamSizeExceeded { .. }),
                        )) => {
                            let error = match error {
                                multer::Error::StreamSizeExceeded { limit } => {
                                    multer::Error::FieldSizeExceeded {
                                        limit,
                                        field_name: Some(name.clone()),
                                    }
                                }
                                other => other,
                            };
                            return Err(too_large(error, &map));
                        }
                        Some(Err(error)) => return Err(malformed(&error)),
                    }
                }
                spool.flush().await.map_err(|error| internal(&error))?;
                files.push((
                    name,
                    UploadValue {
                        filename,
                        content_type,
                        content: spool.into_std().await,
                    },
                ));
            }
        }
    }
    let mut request = operations
        .ok_or_else(|| Refused::bad(None, "a multipart request needs an operations part"))?;
    let mut map = map.ok_or_else(|| Refused::bad(None, "a multipart request needs a map part"))?;
    for (name, upload) in files {
        let Some(paths) = map.remove(&name) else {
            return Err(Refused::bad(
                None,
                format!("the map part does not say where the file `{name}` goes"),
            ));
        };
        for path in paths {
            let copy = upload.try_clone().map_err(|error| internal(&error))?;
            request.set_upload(&path, copy);
        }
    }
    if let Some(name) = map.keys().next() {
        return Err(Refused::bad(
            None,
            format!("the map part names a file `{name}` that the request does not carry"),
        ));
    }
    Ok(request)
}

fn malformed(error: &multer::Error) -> Refused {
    Refused::bad(None, format!("the multipart request is malformed: {error}"))
}

fn internal(error: &std::io::Error) -> Refused {
    Refused {
        status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        error: ApiError::internal(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_limits_are_read_in_bytes_kib_or_mib() {
        assert_eq!(parse_upload_limit("67108864"), Ok(64 * 1024 * 1024));
        assert_eq!(parse_upload_limit("64MiB"), Ok(64 * 1024 * 1024));
        assert_eq!(parse_upload_limit(" 2 MiB "), Ok(2 * 1024 * 1024));
        assert_eq!(parse_upload_limit("512 KiB"), Ok(512 * 1024));
        assert!(parse_upload_limit("64MB").is_err());
        assert!(parse_upload_limit("12").is_err(), "under 1 KiB");
        assert!(parse_upload_limit("2048 MiB").is_err(), "over 1 GiB");
        assert!(parse_upload_limit("lots").is_err());
    }

    #[test]
    fn sizes_read_as_their_limit_is_written() {
        assert_eq!(size_in_words(64 * 1024 * 1024), "64 MiB");
        assert_eq!(size_in_words(1536 * 1024), "1536 KiB");
        assert_eq!(size_in_words(1000), "1000 bytes");
    }

    #[test]
    fn only_form_data_is_multipart() {
        assert!(is_multipart(Some("multipart/form-data; boundary=x")));
        assert!(is_multipart(Some("Multipart/Form-Data; boundary=x")));
        assert!(!is_multipart(Some("application/json")));
        assert!(!is_multipart(None));
    }
}
