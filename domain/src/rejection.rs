//! What kind of "no" a domain error is, so the boundary can tell a missing thing from a broken rule without
//! reading messages.

/// Implemented by every aggregate's error type.
pub trait Rejection {
    /// Whether the command named something that does not exist (or is not visible to the actor's chapter).
    fn is_not_found(&self) -> bool;

    /// The input field to blame, named as clients send it (`level`, `organizerId`, …), when one is. Each
    /// aggregate's error type holds its whole mapping in its implementation, so it can be audited in one place;
    /// a transport adds its own prefix (`input.`) or column name.
    fn field(&self) -> Option<&'static str> {
        None
    }
}
