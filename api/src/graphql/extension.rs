//! The schema's one extension. async-graphql runs every extension's `resolve` hook around every field it
//! resolves, and a wall chart of 10,000 people is some 70,000 fields: each extension cost a boxed future
//! and a poll per field, about 5 ms of every chart built (docs/performance.md, round 15). So the hooks that
//! act on the request as a whole share one extension, and none of them wraps fields:
//! - error codes, and messages in the request's language ([`super::boundary`]);
//! - one export per request ([`super::sensitive`]);
//! - read-your-writes: a query waits for its caller's last write once it is parsed
//!   ([`super::read_your_writes`]);
//! - tracing spans for the request and its phases (parsing, validation, execution), none per field.

use super::boundary::RequestErrors;
use super::read_your_writes::ReadYourWrites;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextRequest, NextSubscribe, NextValidation,
};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};
use std::sync::Arc;
use tracing::Instrument as _;

/// Makes each request's hooks; without read-your-writes for a schema that only prints its SDL.
pub struct Hooks {
    pub read_your_writes: Option<ReadYourWrites>,
}

impl ExtensionFactory for Hooks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestHooks {
            errors: RequestErrors::default(),
            read_your_writes: self.read_your_writes.clone(),
        })
    }
}

/// The hooks of one request or subscription.
struct RequestHooks {
    errors: RequestErrors,
    read_your_writes: Option<ReadYourWrites>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for RequestHooks {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        self.errors
            .request(ctx, next)
            .instrument(tracing::info_span!("graphql request"))
            .await
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        self.errors.subscribe(ctx, stream, next)
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = super::sensitive::with_export_untaken(request);
        self.errors.prepare_request(ctx, request, next).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = self
            .errors
            .parse_query(ctx, query, variables, next)
            .instrument(tracing::info_span!("graphql parse"))
            .await?;
        if let Some(read_your_writes) = &self.read_your_writes {
            read_your_writes.wait_for_caller(ctx, &document).await;
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .instrument(tracing::info_span!("graphql validation"))
            .await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        next.run(ctx, operation_name)
            .instrument(tracing::info_span!(
                "graphql execute",
                operation = operation_name
            ))
            .await
    }
}
