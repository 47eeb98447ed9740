//! The GraphQL enums mirrored from domain values that mutations take and answers show alike, so the
//! mutation modules and the read side share them without depending on each other.

use async_graphql::Enum;

/// A person's participation step in a structure test ("not asked" is the absence of a step).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::values::StepKind")]
pub enum StepKind {
    Asked,
    Committed,
    Participated,
    Declined,
}

/// The kind of work a task asks for.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::values::TaskKind")]
pub enum TaskKind {
    OneOnOne,
    FollowUp,
    StructureTestAsk,
    DataCheck,
}

/// Where a task stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "domain::values::TaskStatus")]
pub enum TaskStatus {
    Open,
    Done,
    Cancelled,
}
