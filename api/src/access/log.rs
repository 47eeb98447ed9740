//! The access log: who read something sensitive or erased someone, recorded before it is shown or done.

use super::Identity;
use crate::error::ApiError;

/// Records in the access log that `identity` did `action` (a sensitive read, an erasure) on `subject`.
/// A read whose record cannot be written fails: nothing sensitive is shown unlogged.
pub async fn record_access(
    store: &store::Store,
    identity: &Identity,
    action: &str,
    subject: Option<String>,
) -> Result<(), ApiError> {
    store
        .record_access(&store::AccessLogRow {
            id: uuid::Uuid::new_v4().to_string(),
            at: chrono::Utc::now(),
            user_id: identity.user.to_string(),
            chapter_id: identity.chapter.to_string(),
            action: action.to_string(),
            subject_id: subject,
        })
        .await?;
    Ok(())
}

/// Records in the access log, like [`record_access`], with a detail (an export's row count).
pub async fn record_access_detail(
    store: &store::Store,
    identity: &Identity,
    action: &str,
    subject: Option<String>,
    detail: &str,
) -> Result<(), ApiError> {
    store
        .record_access_detail(
            &store::AccessLogRow {
                id: uuid::Uuid::new_v4().to_string(),
                at: chrono::Utc::now(),
                user_id: identity.user.to_string(),
                chapter_id: identity.chapter.to_string(),
                action: action.to_string(),
                subject_id: subject,
            },
            detail,
        )
        .await?;
    Ok(())
}
