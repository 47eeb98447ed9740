//! The SQL layer for both backends now lives in the store (`store::sql`, ADR 10); this re-export keeps
//! `crate::db::…` paths working until every caller names `store::sql` itself.

pub(crate) use store::sql::{args, AnyRow, Arg, Db, Tx};
