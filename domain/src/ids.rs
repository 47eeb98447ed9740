//! Typed identifiers for every kind of thing in Groundwork, so a person id can never be passed as a unit id.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID (from storage or a client).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// A fresh random id. Ids are supplied by callers so that commands stay deterministic.
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Parses the textual form of a UUID.
            pub fn parse(text: &str) -> Result<Self, uuid::Error> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

id_type!(
    /// A chapter: the tenant. Nothing of one chapter is visible to another.
    ChapterId
);
id_type!(
    /// A campaign inside a chapter.
    CampaignId
);
id_type!(
    /// A person entity of a campaign.
    PersonId
);
id_type!(
    /// A unit entity of a campaign (worksite, department, building, floor, …).
    UnitId
);
id_type!(
    /// A task assigned to an organizer.
    TaskId
);
id_type!(
    /// A structure test of a campaign.
    StructureTestId
);
id_type!(
    /// A user account: organizers, leads, analysts, admins. Acting users are identified by this.
    UserId
);
id_type!(
    /// A custom-field section of a campaign.
    SectionId
);
id_type!(
    /// A custom field of a campaign.
    FieldId
);
id_type!(
    /// A response (an Action Builder "tag") of a custom field.
    ResponseId
);
id_type!(
    /// A typed connection between two entities.
    ConnectionId
);
id_type!(
    /// A one-on-one conversation.
    ConversationId
);
id_type!(
    /// A contact point (email, phone, postal address) of a person.
    ContactPointId
);
id_type!(
    /// A note about a person.
    NoteId
);
id_type!(
    /// Ties together every event caused by one request.
    CorrelationId
);
