//! Read models projected from the event log, following the store's global order. (The GraphQL read-models issue fills this crate.)
