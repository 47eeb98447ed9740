//! What kind of "no" a domain error is, so the boundary can tell a missing thing from a broken rule without
//! reading messages.

/// Implemented by every aggregate's error type.
pub trait Rejection {
    /// Whether the command named something that does not exist (or is not visible to the actor's chapter).
    fn is_not_found(&self) -> bool;
}
