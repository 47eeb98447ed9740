//! Groundwork's integration tests as one binary: each module is one area, and `graphql_support` drives the
//! GraphQL API for the others. One binary links the workspace once; the tests share the process, so none of
//! them may change process-wide state (environment variables, the log subscriber) behind the others' backs.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod accounts;
mod app_gaps;
mod authz_matrix;
mod authz_scope;
mod backup_drill;
mod chapter_positions;
mod cli;
mod control_characters;
mod core_service;
mod core_snapshots;
mod crash_safety;
mod erasure;
mod graphql_app_support;
mod graphql_http;
mod graphql_mutations;
mod graphql_queries;
mod graphql_schema;
mod graphql_support;
mod graphql_wall_chart_answers;
mod hardening;
mod http_compression;
mod idempotency;
mod imports;
mod invitations;
mod level_of_record;
mod oidc;
mod projection_quarantine;
mod projections_read_models;
mod read_back;
mod read_back_as_it_was;
mod read_back_complete;
mod rest_api;
mod secrets;
mod security;
mod store_aggregate_cache;
mod store_conformance;
mod store_connect;
mod store_postgres;
mod web_assets;
mod webhooks;
mod write_checks;
