//! Authorization for every transport: who is calling ([`Identity`]), what each role may do ([`Role`],
//! [`Permission`]), what of the chapter a caller reaches ([`Scope`], [`Turf`]), what a write needs as it
//! follows from its command ([`demand`], [`authorize_write`]) and the access log. Nothing here knows HTTP or
//! GraphQL: the GraphQL schema's adapters (`crate::graphql::authz`), the command line and the REST API to come
//! use the same policy.

mod demand;
mod identity;
mod log;
mod role;
mod scope;

pub use demand::{
    authorize_operator, authorize_write, demand, permission, require, Demand, TurfWork, Within,
};
pub use identity::{Identity, Masked, Via, DEV_CHAPTER, DEV_USER};
pub use log::{record_access, record_access_detail};
pub use role::{Permission, Role};
pub use scope::{Scope, Turf};
