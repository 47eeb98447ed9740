//! Chapter mutations: the tenant itself. The chapter is always the caller's own.

use super::parse;
use super::write::{mutate, MutationResult};
use crate::command::Command;
use crate::error::ApiError;
use async_graphql::{Context, InputObject, Object};
use domain::chapter::ChapterCommand;

#[derive(InputObject)]
pub struct CreateChapterInput {
    pub name: String,
}

#[derive(InputObject)]
pub struct RenameChapterInput {
    pub name: String,
}

#[derive(Default)]
pub struct ChapterMutation;

#[Object]
impl ChapterMutation {
    /// Creates the caller's chapter (its id is the caller's chapter id).
    async fn create_chapter(
        &self,
        ctx: &Context<'_>,
        input: CreateChapterInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let chapter = super::authz::Policy::identity(ctx)?.chapter;
            Ok(Command::Chapter(
                chapter,
                ChapterCommand::CreateChapter {
                    chapter_id: chapter,
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }

    /// Renames the caller's chapter.
    async fn rename_chapter(
        &self,
        ctx: &Context<'_>,
        input: RenameChapterInput,
        expected_version: Option<i32>,
        idempotency_key: Option<String>,
    ) -> Result<MutationResult, ApiError> {
        let command = (|| {
            let chapter = super::authz::Policy::identity(ctx)?.chapter;
            Ok(Command::Chapter(
                chapter,
                ChapterCommand::RenameChapter {
                    name: parse::label("input.name", &input.name)?,
                },
            ))
        })();
        mutate(ctx, command, expected_version, idempotency_key).await
    }
}
