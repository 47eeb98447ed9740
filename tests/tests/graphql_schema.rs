//! `schema.graphql` is a committed artifact: it must equal the schema the code builds.

#[test]
fn the_committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let built = api::graphql::sdl();
    assert!(
        committed == built,
        "schema.graphql is out of date with the code; \
         run `cargo run --bin groundwork -- graphql-schema > schema.graphql` and commit the result"
    );
}
