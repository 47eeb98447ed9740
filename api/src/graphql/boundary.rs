//! The schema extension at the API boundary: every error a resolver returned as an [`ApiError`] gets its
//! stable `extensions.code` here, in one place, for queries, mutations and subscription events alike, and its
//! message in the language the request asked for (`crate::messages`) — GraphQL's own errors too: a query
//! that is not GraphQL, or does not match the schema (an unknown field, a missing argument, a value of the
//! wrong type), is refused before anything runs, with async-graphql's message translated here (the names it
//! quotes are kept).

use crate::error::ApiError;
use crate::messages::{self, Language};
use async_graphql::extensions::{
    Extension, ExtensionContext, NextParseQuery, NextPrepareRequest, NextRequest, NextSubscribe,
};
use async_graphql::futures_util::stream::{BoxStream, StreamExt};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, Response, ServerError};
use async_graphql::{Request, ServerResult, Variables};
use std::any::TypeId;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The hooks of one request (or subscription), run by the schema's extension (`super::extension`): they add
/// error codes to the response and write its messages in the request's language. Remembers the language,
/// read when the request is prepared (before GraphQL parses and validates it, so its own errors can be
/// translated too), and whether the query failed to parse.
#[derive(Default)]
pub(super) struct RequestErrors {
    language: OnceLock<Language>,
    /// Shared with a subscription's stream, which outlives the hook that builds it.
    syntax_error: Arc<AtomicBool>,
}

impl RequestErrors {
    fn language(&self, ctx: &ExtensionContext<'_>) -> Language {
        self.language
            .get()
            .copied()
            .or_else(|| ctx.data_opt::<Language>().copied())
            .unwrap_or_default()
    }
}

/// Codes, then messages in `language` (a syntax error first says where it is).
fn finish(response: Response, language: Language, syntax_error: bool) -> Response {
    let mut response = add_codes(response);
    if syntax_error && language != Language::English {
        for error in &mut response.errors {
            if error.source.is_none() {
                error.message = syntax_message(error, language);
            }
        }
        return response;
    }
    translate(response, language)
}

/// A syntax error in `language`: where it is, then the parser's own excerpt of the query (which points at
/// the place and is not prose).
fn syntax_message(error: &ServerError, language: Language) -> String {
    let (line, column) = error
        .locations
        .first()
        .map_or((0, 0), |place| (place.line, place.column));
    messages::translate(
        &format!(
            "the query is not valid GraphQL (line {line}, column {column}): {}",
            error.message.trim()
        ),
        language,
    )
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

/// A request refused before it ran (a multipart upload over its limit, say) as a GraphQL response: the
/// error with its code and details, its message in `language`.
pub fn refused(error: &ApiError, language: Language) -> Response {
    let mut server_error =
        ServerError::new(messages::translate(&error.to_string(), language), None);
    let mut extensions = ErrorExtensionValues::default();
    write_extensions(error, &mut extensions);
    server_error.extensions = Some(extensions);
    Response::from_errors(vec![server_error])
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestErrors {
    /// Every error of the answer, whichever phase refused the request: parsing, validation or execution.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let syntax_error = self.syntax_error.load(Ordering::Relaxed);
        finish(response, self.language(ctx), syntax_error)
    }

    /// The language is request data over HTTP (or, on a WebSocket, the connection's data), read here
    /// before the request's data moves into the execution.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let language = request
            .data
            .get(&TypeId::of::<Language>())
            .and_then(|data| data.downcast_ref::<Language>())
            .or_else(|| ctx.data_opt::<Language>())
            .copied()
            .unwrap_or_default();
        // Set once per request; a second value could only be the same request's.
        let _ = self.language.set(language);
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = next.run(ctx, query, variables).await;
        if parsed.is_err() {
            self.syntax_error.store(true, Ordering::Relaxed);
        }
        parsed
    }

    /// Subscription events (and a subscription refused before it runs), on the connection's language.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let language = ctx.data_opt::<Language>().copied().unwrap_or_default();
        let syntax_error = Arc::clone(&self.syntax_error);
        next.run(ctx, stream)
            .map(move |response| finish(response, language, syntax_error.load(Ordering::Relaxed)))
            .boxed()
    }
}
