//! The schema extension at the API boundary: every error a resolver returned as an [`ApiError`] gets its
//! stable `extensions.code` here, in one place, for queries, mutations and subscription events alike, and its
//! message in the language the request asked for (`crate::messages`).

use crate::error::ApiError;
use crate::messages::{self, Language};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextRequest, NextSubscribe,
};
use async_graphql::futures_util::stream::{BoxStream, StreamExt};
use async_graphql::{ErrorExtensionValues, Response, ServerError};
use std::sync::Arc;

/// Adds error codes to responses.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

fn add_codes(mut response: Response) -> Response {
    for error in &mut response.errors {
        add_code(error);
    }
    response
}

/// Writes each error's message in `language` (codes and fields never change).
fn translate(mut response: Response, language: Language) -> Response {
    if language != Language::English {
        for error in &mut response.errors {
            error.message = messages::translate(&error.message, language);
        }
    }
    response
}

fn add_code(error: &mut ServerError) {
    let Some(api_error) = error.source.clone() else {
        return;
    };
    let Some(api_error) = api_error.downcast_ref::<ApiError>() else {
        return;
    };
    let mut extensions = error.extensions.take().unwrap_or_default();
    write_extensions(api_error, &mut extensions);
    error.extensions = Some(extensions);
}

/// Writes `error`'s code (and its details: `currentVersion`, `field`, `reference`) into a GraphQL error's
/// extensions.
fn write_extensions(error: &ApiError, extensions: &mut ErrorExtensionValues) {
    extensions.set("code", error.code());
    match error {
        ApiError::Conflict { current, .. } => {
            // GraphQL's Int is 32 bits; a version past that is reported as the largest Int.
            extensions.set(
                "currentVersion",
                i32::try_from(*current).unwrap_or(i32::MAX),
            );
        }
        ApiError::Validation {
            field: Some(field), ..
        }
        | ApiError::NotFound {
            field: Some(field), ..
        } => extensions.set("field", field.as_str()),
        ApiError::Internal { reference } => extensions.set("reference", reference.as_str()),
        ApiError::Unavailable { reference, .. } => {
            extensions.set("reference", reference.as_str());
            extensions.set("retryable", true);
        }
        ApiError::Stale { position, .. } => {
            extensions.set("position", position.as_str());
            extensions.set("retryable", true);
        }
        _ => {}
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        add_codes(next.run(ctx).await)
    }

    /// The language is request data (or, on a WebSocket, the connection's), which only the execution
    /// phase sees; a request refused before it runs (GraphQL's own validation) stays in English.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let language = ctx.data_opt::<Language>().copied().unwrap_or_default();
        translate(next.run(ctx, operation_name).await, language)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(add_codes).boxed()
    }
}
