//! Groundwork's application layer and HTTP surface. Only this crate knows HTTP and GraphQL; it turns
//! requests into domain commands, loads the facts a decision needs, and commits the events through the store.

pub mod access;
pub mod accounts;
pub mod clock;
pub mod command;
pub mod compression;
pub mod config;
pub mod demo;
pub mod error;
pub mod graphql;
pub mod http;
pub mod import;
pub mod invitations;
pub mod keys;
pub mod messages;
pub mod oidc;
pub mod rest;
pub mod service;
pub mod session;
pub mod setup;
pub mod throttle;
pub mod upload;
pub mod web;
pub mod webhooks;
