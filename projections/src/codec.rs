//! One codec per enum the read models store as text: the writer (`apply`) and the readers (`read`) both go
//! through it, so the stored words are written down once. Text this version does not know is an error, never
//! a silent default.

use crate::error::ProjectionError;
use crate::read::PersonStatusView;
use domain::values::{ContactKind, ContactLabel, StepKind, TaskKind, TaskStatus};

/// An enum stored as one word of text.
pub(crate) trait StoredEnum: Sized + Copy + 'static {
    /// What the word says, for the error about a word this version does not know.
    const WHAT: &'static str;
    /// Every variant (complete by construction, see [`stored_enum!`]).
    const ALL: &'static [Self];

    /// The stored word.
    fn as_str(self) -> &'static str;

    /// The variant stored as `text`.
    fn parse(text: &str) -> Result<Self, ProjectionError> {
        Self::ALL
            .iter()
            .copied()
            .find(|variant| variant.as_str() == text)
            .ok_or_else(|| ProjectionError::Decode {
                what: Self::WHAT.to_string(),
                text: text.to_string(),
            })
    }
}

/// Implements [`StoredEnum`] from one list of `Variant => "word"`: `as_str` is an exhaustive match, so a
/// variant missing from the list does not compile, and `ALL` is the same list.
macro_rules! stored_enum {
    ($type:ty, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl StoredEnum for $type {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$(<$type>::$variant),+];

            fn as_str(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $word),+
                }
            }
        }
    };
}

stored_enum!(PersonStatusView, "person status", {
    Active => "active",
    Removed => "removed",
    Merged => "merged",
    Forgotten => "forgotten",
});

stored_enum!(StepKind, "structure-test step", {
    Asked => "asked",
    Committed => "committed",
    Participated => "participated",
    Declined => "declined",
});

stored_enum!(TaskStatus, "task status", {
    Open => "open",
    Done => "done",
    Cancelled => "cancelled",
});

stored_enum!(TaskKind, "task kind", {
    OneOnOne => "one_on_one",
    FollowUp => "follow_up",
    StructureTestAsk => "structure_test_ask",
    DataCheck => "data_check",
});

stored_enum!(ContactKind, "contact kind", {
    Email => "email",
    Phone => "phone",
    Postal => "postal",
});

stored_enum!(ContactLabel, "contact label", {
    Home => "home",
    Work => "work",
    Mobile => "mobile",
    Other => "other",
});

/// What a connection points at (`rm_connections.target_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetKind {
    Person,
    Unit,
}

stored_enum!(TargetKind, "connection target kind", {
    Person => "person",
    Unit => "unit",
});

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::fmt::Debug;

    /// Every variant reads back as itself, and no two variants share a word.
    fn round_trips<E: StoredEnum + PartialEq + Debug>() {
        let mut words = HashSet::new();
        for variant in E::ALL {
            assert_eq!(E::parse(variant.as_str()).ok(), Some(*variant));
            assert!(
                words.insert(variant.as_str()),
                "{} is stored twice",
                variant.as_str()
            );
        }
    }

    /// Text no variant is stored as is an error that names the enum and the text.
    fn unknown_is_an_error<E: StoredEnum + Debug>() {
        for text in ["", "Active", "unknown", " open"] {
            match E::parse(text) {
                Err(ProjectionError::Decode { what, text: got }) => {
                    assert_eq!(what, E::WHAT);
                    assert_eq!(got, text);
                }
                other => panic!("{text:?} as {} gave {other:?}", E::WHAT),
            }
        }
    }

    #[test]
    fn person_status() {
        round_trips::<PersonStatusView>();
        unknown_is_an_error::<PersonStatusView>();
        assert_eq!(PersonStatusView::Active.as_str(), "active");
    }

    #[test]
    fn step_kind() {
        round_trips::<StepKind>();
        unknown_is_an_error::<StepKind>();
    }

    #[test]
    fn task_status() {
        round_trips::<TaskStatus>();
        unknown_is_an_error::<TaskStatus>();
        assert_eq!(TaskStatus::Open.as_str(), "open");
    }

    #[test]
    fn task_kind() {
        round_trips::<TaskKind>();
        unknown_is_an_error::<TaskKind>();
    }

    #[test]
    fn contact_kind_and_label() {
        round_trips::<ContactKind>();
        unknown_is_an_error::<ContactKind>();
        round_trips::<ContactLabel>();
        unknown_is_an_error::<ContactLabel>();
    }

    #[test]
    fn target_kind() {
        round_trips::<TargetKind>();
        unknown_is_an_error::<TargetKind>();
    }
}
