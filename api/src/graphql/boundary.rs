//! The schema extension at the API boundary: every error a resolver returned as an [`ApiError`] gets its
//! stable `extensions.code` here, in one place, for queries, mutations and subscription events alike.

use crate::error::ApiError;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe,
};
use async_graphql::futures_util::stream::{BoxStream, StreamExt};
use async_graphql::{Response, ServerError};
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

fn add_code(error: &mut ServerError) {
    let Some(api_error) = error.source.clone() else {
        return;
    };
    let Some(api_error) = api_error.downcast_ref::<ApiError>() else {
        return;
    };
    let mut extensions = error.extensions.take().unwrap_or_default();
    api_error.write_extensions(&mut extensions);
    error.extensions = Some(extensions);
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        add_codes(next.run(ctx).await)
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
