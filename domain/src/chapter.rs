//! The chapter aggregate: a tenant of Groundwork. Nothing of one chapter is visible to another.

use crate::context::Context;
use crate::ids::ChapterId;
use crate::schema::StoredAggregate;
use crate::values::Label;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

/// The chapter needs no facts from other aggregates.
pub type ChapterContext = Context<()>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapterCommand {
    /// Creates the chapter. The actor must act in the chapter being created.
    CreateChapter {
        chapter_id: ChapterId,
        name: Label,
    },
    RenameChapter {
        name: Label,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChapterEvent {
    ChapterCreated { chapter_id: ChapterId, name: Label },
    ChapterRenamed { name: Label, previous_name: Label },
}

impl DomainEvent for ChapterEvent {
    fn event_type(&self) -> String {
        match self {
            Self::ChapterCreated { .. } => "ChapterCreated",
            Self::ChapterRenamed { .. } => "ChapterRenamed",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChapterError {
    #[error("the chapter already exists")]
    AlreadyExists,
    #[error("the chapter was not found")]
    NotFound,
}

impl crate::rejection::Rejection for ChapterError {
    fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ChapterState {
    id: ChapterId,
    name: Label,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chapter {
    state: Option<ChapterState>,
}

impl Chapter {
    pub fn id(&self) -> Option<ChapterId> {
        self.state.as_ref().map(|state| state.id)
    }

    pub fn name(&self) -> Option<&Label> {
        self.state.as_ref().map(|state| &state.name)
    }

    /// Decides which events a command causes, without changing the chapter.
    pub fn decide(
        &self,
        command: ChapterCommand,
        context: &ChapterContext,
    ) -> Result<Vec<ChapterEvent>, ChapterError> {
        match command {
            ChapterCommand::CreateChapter { chapter_id, name } => {
                if self.state.is_some() {
                    return Err(ChapterError::AlreadyExists);
                }
                if chapter_id != context.actor.chapter {
                    return Err(ChapterError::NotFound);
                }
                Ok(vec![ChapterEvent::ChapterCreated { chapter_id, name }])
            }
            ChapterCommand::RenameChapter { name } => {
                let state = self.existing(context)?;
                Ok(vec![ChapterEvent::ChapterRenamed {
                    name,
                    previous_name: state.name.clone(),
                }])
            }
        }
    }

    /// The chapter's state, if it exists and the actor acts in it; another chapter is told it does not exist.
    fn existing(&self, context: &ChapterContext) -> Result<&ChapterState, ChapterError> {
        match &self.state {
            Some(state) if state.id == context.actor.chapter => Ok(state),
            _ => Err(ChapterError::NotFound),
        }
    }
}

impl Aggregate for Chapter {
    const TYPE: &'static str = "Chapter";
    type Command = ChapterCommand;
    type Event = ChapterEvent;
    type Error = ChapterError;
    type Services = ChapterContext;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(command, services)?;
        crate::write_all(self, sink, events).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ChapterEvent::ChapterCreated { chapter_id, name } => {
                self.state = Some(ChapterState {
                    id: chapter_id,
                    name,
                });
            }
            ChapterEvent::ChapterRenamed { name, .. } => {
                if let Some(state) = &mut self.state {
                    state.name = name;
                }
            }
        }
    }
}

impl StoredAggregate for Chapter {
    const SNAPSHOT_VERSION: u32 = 1;

    fn event_schema_version(_event_type: &str) -> u32 {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use cqrs_es::test::TestFramework;

    fn context() -> ChapterContext {
        Context::new(fixtures::actor(), ())
    }

    fn created() -> ChapterEvent {
        ChapterEvent::ChapterCreated {
            chapter_id: fixtures::CHAPTER,
            name: fixtures::label("Riverside"),
        }
    }

    #[tokio::test]
    async fn a_chapter_is_created() {
        TestFramework::<Chapter>::with(context())
            .given_no_previous_events()
            .when_async(ChapterCommand::CreateChapter {
                chapter_id: fixtures::CHAPTER,
                name: fixtures::label("Riverside"),
            })
            .await
            .then_expect_events(vec![created()]);
    }

    #[tokio::test]
    async fn a_chapter_cannot_be_created_twice() {
        TestFramework::<Chapter>::with(context())
            .given(vec![created()])
            .when_async(ChapterCommand::CreateChapter {
                chapter_id: fixtures::CHAPTER,
                name: fixtures::label("Again"),
            })
            .await
            .then_expect_error(ChapterError::AlreadyExists);
    }

    #[tokio::test]
    async fn a_chapter_cannot_be_created_from_another_chapter() {
        TestFramework::<Chapter>::with(Context::new(
            fixtures::actor_in(fixtures::OTHER_CHAPTER),
            (),
        ))
        .given_no_previous_events()
        .when_async(ChapterCommand::CreateChapter {
            chapter_id: fixtures::CHAPTER,
            name: fixtures::label("Riverside"),
        })
        .await
        .then_expect_error(ChapterError::NotFound);
    }

    #[tokio::test]
    async fn a_chapter_is_renamed() {
        TestFramework::<Chapter>::with(context())
            .given(vec![created()])
            .when_async(ChapterCommand::RenameChapter {
                name: fixtures::label("Riverside North"),
            })
            .await
            .then_expect_events(vec![ChapterEvent::ChapterRenamed {
                name: fixtures::label("Riverside North"),
                previous_name: fixtures::label("Riverside"),
            }]);
    }

    #[tokio::test]
    async fn a_missing_chapter_cannot_be_renamed() {
        TestFramework::<Chapter>::with(context())
            .given_no_previous_events()
            .when_async(ChapterCommand::RenameChapter {
                name: fixtures::label("Riverside"),
            })
            .await
            .then_expect_error(ChapterError::NotFound);
    }

    #[tokio::test]
    async fn another_chapter_cannot_rename_a_chapter() {
        TestFramework::<Chapter>::with(Context::new(
            fixtures::actor_in(fixtures::OTHER_CHAPTER),
            (),
        ))
        .given(vec![created()])
        .when_async(ChapterCommand::RenameChapter {
            name: fixtures::label("Taken over"),
        })
        .await
        .then_expect_error(ChapterError::NotFound);
    }
}
