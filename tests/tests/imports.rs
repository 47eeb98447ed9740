//! Imports of people from files through GraphQL (issue 14): upload and mapping (Action Builder's column
//! names included), a preview that writes nothing, matching by Groundwork id, external id, email and phone,
//! fill or overwrite per column, a commit whose events carry the import's id, the list of imports, and an
//! undo that leaves later changes alone unless told otherwise; files larger than a JSON body as GraphQL
//! multipart uploads, within the upload limit. Every test runs on SQLite and PostgreSQL.

use crate::graphql_support::{Answer, TestApi};
use api::clock::SystemClock;
use api::http::ApiOptions;
use base64::Engine as _;
use serde_json::{json, Value};
use std::sync::Arc;
use store::StoreOptions;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_file_is_previewed_matched_and_committed_whole_rows_at_a_time,
    a_column_fills_only_an_empty_value_unless_it_overwrites,
    undo_compensates_and_leaves_later_changes_alone_unless_told,
    files_as_people_have_them_read_the_same,
    the_mapping_is_saved_per_campaign_and_unknown_columns_must_be_mapped,
    only_roles_that_edit_people_import,
    a_file_larger_than_a_json_body_is_uploaded_as_multipart_previewed_and_committed,
    a_file_over_the_upload_limit_is_refused_naming_the_field_and_the_limit,
    an_import_leaves_the_in_process_caches_bounded,
    two_rows_adding_one_person_are_refused_however_the_value_is_spelled,
);

const UPLOAD: &str = "mutation($input: UploadImportInput!) {
    uploadImport(input: $input) {
        encoding delimiter columns { column target overwrite }
        import { id state fileName }
    }
}";

const PREVIEW: &str = "mutation($input: PreviewImportInput!) {
    previewImport(input: $input) {
        totals { rows create update unchanged error }
        rows { line action personId matchedBy changes errors { line column message } suggestions }
        import { state counts { rows created updated unchanged errors } }
    }
}";

const COMMIT: &str = "mutation($input: CommitImportInput!) {
    commitImport(input: $input) {
        totals { rows create update unchanged error }
        events
        import { state counts { rows created updated unchanged errors } progress { rowsDone rowsTotal } }
    }
}";

const UNDO: &str = "mutation($input: UndoImportInput!) {
    undoImport(input: $input) {
        people events
        laterChanges { personId aspect eventType changedById overwritten }
        refused { personId reason }
        import { state undoneAt }
    }
}";

const PERSON: &str = "query($id: ID!) {
    person(id: $id) {
        name status level preferredLanguage unitIds
        contactPoints { value }
        externalIds { system value }
    }
}";

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn upload_bytes(
    api: &TestApi,
    campaign: &str,
    name: &str,
    bytes: &[u8],
    mapping: Value,
) -> Answer {
    api.graphql(
        UPLOAD,
        json!({"input": {
            "campaignId": campaign, "fileName": name, "contentBase64": base64(bytes),
            "mapping": mapping, "defaultRegion": "US"
        }}),
    )
    .await
}

/// Uploads `text` and returns the import's id.
async fn upload(api: &TestApi, campaign: &str, name: &str, text: &str, mapping: Value) -> String {
    let answer = upload_bytes(api, campaign, name, text.as_bytes(), mapping).await;
    answer.data()["uploadImport"]["import"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn preview(api: &TestApi, import: &str) -> Value {
    api.graphql(
        PREVIEW,
        json!({"input": {"importId": import, "first": 1000}}),
    )
    .await
    .data()["previewImport"]
        .clone()
}

async fn commit(api: &TestApi, import: &str, skip_errors: bool) -> Answer {
    api.graphql(
        COMMIT,
        json!({"input": {"importId": import, "skipErrors": skip_errors}}),
    )
    .await
}

/// Uploads and commits a file that must have no errors; returns the import's id.
async fn import(api: &TestApi, campaign: &str, text: &str, mapping: Value) -> String {
    let id = upload(api, campaign, "people.csv", text, mapping).await;
    commit(api, &id, false).await.data();
    id
}

async fn person(api: &TestApi, id: &str) -> Value {
    api.graphql(PERSON, json!({"id": id})).await.data()["person"].clone()
}

/// The people of the campaign by name: (name → id).
async fn people_by_name(
    api: &TestApi,
    campaign: &str,
) -> std::collections::BTreeMap<String, String> {
    let answer = api
        .graphql(
            "query($campaign: ID!) { people(campaignId: $campaign, first: 100) { edges { node { id name } } } }",
            json!({"campaign": campaign}),
        )
        .await;
    answer.data()["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            (
                edge["node"]["name"].as_str().unwrap().to_string(),
                edge["node"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(plan: &Value, line: i64) -> &Value {
    plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["line"] == line)
        .unwrap_or_else(|| panic!("no row for line {line} in {plan:#}"))
}

async fn add_email(api: &TestApi, person: &str, email: &str) {
    api.graphql(
        "mutation($input: AddContactPointInput!) { addContactPoint(input: $input) { version } }",
        json!({"input": {"personId": person, "label": "HOME", "email": email}}),
    )
    .await
    .data();
}

async fn a_file_is_previewed_matched_and_committed_whole_rows_at_a_time(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    // The campaign as a first import leaves it: four people, each with something to be matched by.
    let first = import(
        &api,
        &campaign,
        "given_name,family_name,email,phone,external_id:action_builder,unit\n\
         Ana,Silva,ana@example.org,,,Ward 3\n\
         Bo,Chen,,(415) 555-0100,,\n\
         Cy,Diaz,,,ab-1,\n\
         Di,Evans,,,,\n\
         Fe,Gold,fe@example.org,,,\n",
        json!(null),
    )
    .await;
    let people = people_by_name(&api, &campaign).await;
    assert_eq!(people.len(), 5, "{people:?}");
    // A second person with Fe's email: a row with that email matches two people.
    let twin = api.add_person(&campaign, "Fee", "Gold").await;
    add_email(&api, &twin, "FE@example.org").await;

    // Action Builder's column names, a Groundwork id column, spellings of the same email and phone.
    let file = format!(
        "Action Builder ID,First Name,Last Name,Email,Phone Number,Preferred Language,Assessment,Groundwork ID,unit\n\
         ,Ana,Silva,ANA@Example.org,,,2,,\n\
         ,Bo,Chen,,+1 415-555-0100,,,,\n\
         action_builder:ab-1,Cy,Diaz,cy@example.org,,,,,\n\
         ,,,,,es,,{di},\n\
         ,Eve,Ng,eve@example.org,,,9,,\n\
         ,Gus,Ho,not-an-email,,,,,\n\
         ,Fe,Gold,fe@example.org,,,,,\n\
         ,Ana,Silva,ana.two@example.org,,,,,Ward 3\n\
         ,Hal,Ito,hal@example.org,,,4,,\n",
        di = people["Di Evans"]
    );
    let second = upload(
        &api,
        &campaign,
        "from-action-builder.csv",
        &file,
        json!(null),
    )
    .await;
    let head = api.log_head().await;
    let plan = preview(&api, &second).await;
    assert_eq!(
        plan["totals"],
        json!({"rows": 9, "create": 2, "update": 3, "unchanged": 1, "error": 3}),
        "{plan:#}"
    );
    let ana = row(&plan, 2);
    assert_eq!(ana["action"], "UPDATE");
    assert_eq!(ana["personId"], json!(people["Ana Silva"]));
    assert_eq!(ana["matchedBy"], "Email");
    assert_eq!(ana["changes"], json!(["Assessment"]));
    let bo = row(&plan, 3);
    assert_eq!(
        (bo["action"].clone(), bo["matchedBy"].clone()),
        (json!("UNCHANGED"), json!("Phone Number"))
    );
    let cy = row(&plan, 4);
    assert_eq!(cy["matchedBy"], "Action Builder ID");
    assert_eq!(cy["personId"], json!(people["Cy Diaz"]));
    assert_eq!(cy["changes"], json!(["Email"]));
    let di = row(&plan, 5);
    assert_eq!(
        (di["action"].clone(), di["matchedBy"].clone()),
        (json!("UPDATE"), json!("Groundwork ID"))
    );
    // A level off the scale, a broken email and two people with one email: errors with line and column.
    assert_eq!(
        row(&plan, 6)["errors"],
        json!([{"line": 6, "column": "Assessment", "message": row(&plan, 6)["errors"][0]["message"]}])
    );
    assert_eq!(row(&plan, 7)["errors"][0]["column"], "Email");
    let fe = &row(&plan, 8)["errors"][0];
    assert_eq!(fe["column"], "Email");
    assert!(
        fe["message"].as_str().unwrap().contains("matches 2 people"),
        "{fe}"
    );
    // Another Ana Silva in Ward 3 with another email: a new person, with the resemblance only suggested.
    let namesake = row(&plan, 9);
    assert_eq!(namesake["action"], "CREATE");
    assert_eq!(namesake["suggestions"], json!([people["Ana Silva"]]));
    // The preview wrote nothing about people, and counted the rows on the import.
    assert_eq!(api.log_head().await, head, "a preview writes no event");
    assert_eq!(plan["import"]["state"], "PLANNED");
    assert_eq!(plan["import"]["counts"]["errors"], 3);

    // Committing with errors is refused whole; with skipErrors the error rows are left out whole.
    let refused = commit(&api, &second, false).await;
    assert_eq!(refused.error_code(), "VALIDATION");
    assert!(
        refused.error_message().contains("3 of 9 rows have errors"),
        "{}",
        refused.error_message()
    );
    assert_eq!(
        api.log_head().await,
        head,
        "a refused commit writes nothing"
    );
    let committed = commit(&api, &second, true).await;
    let committed = &committed.data()["commitImport"];
    assert_eq!(committed["totals"]["create"], 2);
    assert_eq!(committed["totals"]["update"], 3);
    assert_eq!(committed["import"]["state"], "COMMITTED");
    assert_eq!(
        committed["import"]["progress"],
        json!({"rowsDone": 9, "rowsTotal": 9})
    );

    let after = people_by_name(&api, &campaign).await;
    assert!(
        after.contains_key("Hal Ito")
            && !after.contains_key("Eve Ng")
            && !after.contains_key("Gus Ho")
    );
    assert_eq!(person(&api, &people["Ana Silva"]).await["level"], 2);
    let cy = person(&api, &people["Cy Diaz"]).await;
    assert_eq!(
        cy["externalIds"],
        json!([{"system": "action_builder", "value": "ab-1"}])
    );
    assert_eq!(cy["contactPoints"], json!([{"value": "cy@example.org"}]));
    assert_eq!(
        person(&api, &people["Di Evans"]).await["preferredLanguage"],
        "es"
    );
    let hal = person(&api, &after["Hal Ito"]).await;
    assert_eq!(
        (hal["level"].clone(), hal["status"].clone()),
        (json!(4), json!("ACTIVE"))
    );
    let everyone = api
        .graphql(
            "query($campaign: ID!) { people(campaignId: $campaign, first: 100) { edges { node { name } } } }",
            json!({"campaign": campaign}),
        )
        .await;
    let namesakes = everyone.data()["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|edge| edge["node"]["name"] == "Ana Silva")
        .count();
    assert_eq!(namesakes, 2, "the resemblance was not merged");

    // Every event of the import carries its id: the people it wrote are found by it in the log.
    let streams = api
        .groundwork
        .store()
        .streams_of_import(&second)
        .await
        .unwrap();
    assert_eq!(
        streams.len(),
        5,
        "three updated and two created people: {streams:?}"
    );
    let ana_events = api
        .groundwork
        .store()
        .read_stream("Person", &people["Ana Silva"], 0)
        .await
        .unwrap();
    let tagged: Vec<Option<&String>> = ana_events
        .iter()
        .map(|event| event.metadata.get("import"))
        .collect();
    assert_eq!(tagged.first().copied().flatten(), Some(&first));
    assert_eq!(tagged.last().copied().flatten(), Some(&second));

    // The list says who, when, which file, counts and state.
    let list = api
        .graphql(
            "query($campaign: ID!) { imports(campaignId: $campaign) {
                id fileName createdById state counts { rows created updated unchanged errors } } }",
            json!({"campaign": campaign}),
        )
        .await;
    let imports = list.data()["imports"].as_array().unwrap().clone();
    assert_eq!(imports.len(), 2);
    let listed = imports.iter().find(|i| i["id"] == json!(second)).unwrap();
    assert_eq!(listed["fileName"], "from-action-builder.csv");
    assert_eq!(listed["state"], "COMMITTED");
    assert_eq!(
        listed["counts"],
        json!({"rows": 9, "created": 2, "updated": 3, "unchanged": 1, "errors": 3})
    );
    assert!(listed["createdById"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    let _ = ward;
    api.stop().await;
}

async fn a_column_fills_only_an_empty_value_unless_it_overwrites(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    import(
        &api,
        &campaign,
        "given_name,family_name,email,level,language\nAna,Silva,ana@example.org,2,en\nBo,Chen,bo@example.org,,\n",
        json!(null),
    )
    .await;
    let people = people_by_name(&api, &campaign).await;
    let file = "email,given_name,family_name,level,language\n\
                ana@example.org,Anabel,Silva,4,es\n\
                bo@example.org,Bo,Chen,3,fr\n";
    // Fill (the default): Ana keeps her level, language and name; Bo, who had none, gets a level and language.
    let filling = upload(&api, &campaign, "fill.csv", file, json!(null)).await;
    let plan = preview(&api, &filling).await;
    assert_eq!(row(&plan, 2)["action"], "UNCHANGED", "{plan:#}");
    assert_eq!(row(&plan, 3)["changes"], json!(["language", "level"]));
    commit(&api, &filling, false).await.data();
    let ana = person(&api, &people["Ana Silva"]).await;
    assert_eq!(
        (ana["level"].clone(), ana["preferredLanguage"].clone()),
        (json!(2), json!("en"))
    );
    assert_eq!(person(&api, &people["Bo Chen"]).await["level"], 3);
    // Overwrite, column by column: the level and the given name are replaced, the language is not.
    let overwriting = upload(
        &api,
        &campaign,
        "overwrite.csv",
        file,
        json!([
            {"column": "level", "target": "level", "overwrite": true},
            {"column": "given_name", "target": "given_name", "overwrite": true}
        ]),
    )
    .await;
    let plan = preview(&api, &overwriting).await;
    assert_eq!(
        row(&plan, 2)["changes"],
        json!(["given_name", "level"]),
        "{plan:#}"
    );
    assert_eq!(row(&plan, 3)["action"], "UNCHANGED");
    commit(&api, &overwriting, false).await.data();
    let ana = person(&api, &people["Ana Silva"]).await;
    assert_eq!(ana["name"], "Anabel Silva");
    assert_eq!(
        (ana["level"].clone(), ana["preferredLanguage"].clone()),
        (json!(4), json!("en"))
    );
    api.stop().await;
}

async fn undo_compensates_and_leaves_later_changes_alone_unless_told(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    api.add_unit(&campaign, "Ward 3", None).await;
    import(
        &api,
        &campaign,
        "given_name,family_name,email,level\nAna,Silva,ana@example.org,2\nBo,Chen,bo@example.org,\n",
        json!(null),
    )
    .await;
    let people = people_by_name(&api, &campaign).await;
    let (ana, bo) = (people["Ana Silva"].clone(), people["Bo Chen"].clone());
    let second = import(
        &api,
        &campaign,
        "email,given_name,family_name,level,language,unit,Badge\n\
         ana@example.org,Ana,Silva,4,,,\n\
         bo@example.org,Bo,Chen,,es,Ward 3,B-7\n\
         cy@example.org,Cy,Diaz,1,,,\n",
        json!([
            {"column": "level", "target": "level", "overwrite": true},
            {"column": "Badge", "target": "external_id:badge"}
        ]),
    )
    .await;
    let cy = people_by_name(&api, &campaign).await["Cy Diaz"].clone();
    // Someone assesses Ana after the import, and adds a note-free email to Cy.
    api.assess(&ana, 5, None).await.data();
    add_email(&api, &cy, "cy.work@example.org").await;

    let undo = api
        .graphql(UNDO, json!({"input": {"importId": second}}))
        .await;
    let undo = undo.data()["undoImport"].clone();
    assert_eq!(undo["import"]["state"], "PARTLY_UNDONE", "{undo:#}");
    // Bo is back as he was; Ana's later level and everything of Cy are left, and listed.
    let bo_now = person(&api, &bo).await;
    assert_eq!(bo_now["preferredLanguage"], Value::Null);
    assert_eq!(bo_now["unitIds"], json!([]));
    assert_eq!(bo_now["externalIds"], json!([]));
    assert_eq!(person(&api, &ana).await["level"], 5);
    assert_eq!(person(&api, &cy).await["status"], "ACTIVE");
    let mut aspects: Vec<(String, String, bool)> = undo["laterChanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            (
                change["personId"].as_str().unwrap().to_string(),
                change["aspect"].as_str().unwrap().to_string(),
                change["overwritten"].as_bool().unwrap(),
            )
        })
        .collect();
    aspects.sort();
    let mut expected = vec![
        (ana.clone(), "level".to_string(), false),
        (cy.clone(), "email".to_string(), false),
    ];
    expected.sort();
    assert_eq!(aspects, expected);
    assert!(undo["laterChanges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|change| change["changedById"].is_string() && change["eventType"].is_string()));
    assert_eq!(undo["people"], 1, "only Bo was compensated: {undo:#}");

    // Told to overwrite: Ana's level goes back to what it was before the import, Cy leaves the campaign.
    let again = api
        .graphql(
            UNDO,
            json!({"input": {"importId": second, "overwriteLaterChanges": true}}),
        )
        .await;
    let again = again.data()["undoImport"].clone();
    assert_eq!(again["import"]["state"], "UNDONE", "{again:#}");
    assert_eq!(person(&api, &ana).await["level"], 2);
    assert_eq!(person(&api, &cy).await["status"], "REMOVED");
    // An undone import cannot be undone again.
    let third = api
        .graphql(UNDO, json!({"input": {"importId": second}}))
        .await;
    assert_eq!(third.error_code(), "VALIDATION");
    assert_eq!(third.first_error()["extensions"]["field"], "input.importId");
    api.stop().await;
}

async fn files_as_people_have_them_read_the_same(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    let text = "given_name\tfamily_name\r\nZoë\tŁukasz\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut bom_utf8 = vec![0xEF, 0xBB, 0xBF];
    bom_utf8.extend_from_slice("given_name,family_name\nJosé,Núñez\n".as_bytes());
    let mut windows = b"given_name;family_name\nAnna;M".to_vec();
    windows.extend_from_slice(&[0xFC]);
    windows.extend_from_slice(b"ller\n");
    for (bytes, encoding, delimiter, name) in [
        (utf16, "UTF-16LE", "\t", "Zoë Łukasz"),
        (bom_utf8, "UTF-8", ",", "José Núñez"),
        (windows, "windows-1252", ";", "Anna Müller"),
    ] {
        let answer = upload_bytes(&api, &campaign, "people.csv", &bytes, json!(null)).await;
        let uploaded = &answer.data()["uploadImport"];
        assert_eq!(uploaded["encoding"], encoding);
        assert_eq!(uploaded["delimiter"], delimiter);
        assert_eq!(
            uploaded["columns"],
            json!([
                {"column": "given_name", "target": "given_name", "overwrite": false},
                {"column": "family_name", "target": "family_name", "overwrite": false}
            ])
        );
        let id = uploaded["import"]["id"].as_str().unwrap().to_string();
        commit(&api, &id, false).await.data();
        assert!(
            people_by_name(&api, &campaign).await.contains_key(name),
            "{name} was imported"
        );
    }
    api.stop().await;
}

async fn the_mapping_is_saved_per_campaign_and_unknown_columns_must_be_mapped(
    backend: TestBackend,
) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    let other = api.create_campaign("Hillside").await;
    let file = "given_name,family_name,Badge,Shoe size\nAna,Silva,B-1,38\n";
    // An unknown column is named and refused until it is mapped or ignored.
    let unmapped = upload(&api, &campaign, "a.csv", file, json!(null)).await;
    let answer = api
        .graphql(PREVIEW, json!({"input": {"importId": unmapped}}))
        .await;
    assert_eq!(answer.error_code(), "VALIDATION");
    assert_eq!(answer.first_error()["extensions"]["field"], "input.mapping");
    assert!(
        answer.error_message().contains("`Badge`"),
        "{}",
        answer.error_message()
    );
    // A mapping naming a column the file lacks is refused at once.
    let wrong = upload_bytes(
        &api,
        &campaign,
        "a.csv",
        file.as_bytes(),
        json!([{"column": "Nope", "target": "email"}]),
    )
    .await;
    assert_eq!(wrong.first_error()["extensions"]["field"], "input.mapping");
    // Mapped and committed: the next file of the campaign starts from that mapping; another campaign's does not.
    let mapped = upload(
        &api,
        &campaign,
        "a.csv",
        file,
        json!([
            {"column": "Badge", "target": "external_id:badge"},
            {"column": "Shoe size", "target": "ignore"}
        ]),
    )
    .await;
    commit(&api, &mapped, false).await.data();
    let next = upload_bytes(&api, &campaign, "b.csv", file.as_bytes(), json!(null)).await;
    assert_eq!(
        next.data()["uploadImport"]["columns"][2],
        json!({"column": "Badge", "target": "external_id:badge", "overwrite": false})
    );
    assert_eq!(
        next.data()["uploadImport"]["columns"][3]["target"],
        "ignore"
    );
    let elsewhere = upload_bytes(&api, &other, "b.csv", file.as_bytes(), json!(null)).await;
    assert_eq!(
        elsewhere.data()["uploadImport"]["columns"][2]["target"],
        Value::Null
    );
    // The file that matched by its badge now updates Ana instead of adding her again.
    let id = next.data()["uploadImport"]["import"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let plan = preview(&api, &id).await;
    assert_eq!(plan["totals"]["unchanged"], 1, "{plan:#}");
    assert_eq!(row(&plan, 2)["matchedBy"], "Badge");
    api.stop().await;
}

async fn only_roles_that_edit_people_import(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    let id = upload(&api, &campaign, "a.csv", "given_name\nAna\n", json!(null)).await;
    let analyst = api.with_other_options(api::http::ApiOptions {
        dev_identity: Some(api::access::Identity {
            role: api::access::Role::Analyst,
            ..api::access::Identity::development()
        }),
        ..api::http::ApiOptions::development()
    });
    for (query, variables) in [
        (
            UPLOAD,
            json!({"input": {"campaignId": campaign, "fileName": "a.csv", "contentBase64": base64(b"given_name\nBo\n")}}),
        ),
        (COMMIT, json!({"input": {"importId": id}})),
        (UNDO, json!({"input": {"importId": id}})),
    ] {
        let answer = crate::graphql_support::post_graphql(&analyst, query, variables).await;
        assert_eq!(answer.error_code(), "FORBIDDEN", "{:#}", answer.0);
    }
    let list = crate::graphql_support::post_graphql(
        &analyst,
        "query($campaign: ID!) { imports(campaignId: $campaign) { id } }",
        json!({"campaign": campaign}),
    )
    .await;
    assert_eq!(list.error_code(), "FORBIDDEN");
    // Another chapter's import does not exist for the caller.
    let stranger = api.with_other_options(api::http::ApiOptions {
        dev_identity: Some(api::access::Identity {
            chapter: domain::ids::ChapterId::new_random(),
            ..api::access::Identity::development()
        }),
        ..api::http::ApiOptions::development()
    });
    let answer = crate::graphql_support::post_graphql(
        &stranger,
        "query($id: ID!) { import(id: $id) { id } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(answer.data()["import"], Value::Null);
    api.stop().await;
}

/// The boundary of the multipart bodies the tests build (it appears in no file they send).
const BOUNDARY: &str = "groundwork-test-boundary-7d41";

/// A GraphQL multipart request (`operations`, `map`, then the file) uploading `bytes` as `input.file`.
fn multipart_upload(campaign: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let operations = json!({
        "query": UPLOAD,
        "variables": {"input": {
            "campaignId": campaign, "fileName": name, "file": null, "defaultRegion": "US"
        }},
    });
    let mut body = Vec::with_capacity(bytes.len() + 2048);
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{name}\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// POSTs a multipart body to `router`; the status and the JSON answer.
async fn post_multipart(
    router: &axum::Router,
    body: Vec<u8>,
    language: Option<&str>,
) -> (axum::http::StatusCode, Answer) {
    use tower::ServiceExt as _;
    let mut request = axum::http::Request::builder()
        .method(axum::http::Method::POST)
        .uri("/graphql")
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    if let Some(language) = language {
        request = request.header(axum::http::header::ACCEPT_LANGUAGE, language);
    }
    let response = router
        .clone()
        .oneshot(request.body(axum::body::Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let value: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON ({status}): {}", String::from_utf8_lossy(&bytes)));
    (status, Answer(value))
}

/// A people file of `rows` rows with every column a chapter's list has, plus a long comment column that
/// is ignored (so the file passes the size the test needs with few rows).
fn large_people_file(rows: usize) -> String {
    let mut text =
        String::from("First Name,Last Name,Email,Phone Number,Employee Number,unit,Comment\n");
    for row in 0..rows {
        text.push_str(&format!(
            "Given{row},Family{row},person{row}@example.org,+1 415 555 {:04},E{row:06},Ward 3,\"{}, row {row}\"\n",
            row % 10_000,
            "a comment that a spreadsheet of members carries along and the import leaves out ".repeat(2)
        ));
    }
    text
}

async fn a_file_larger_than_a_json_body_is_uploaded_as_multipart_previewed_and_committed(
    backend: TestBackend,
) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    api.add_unit(&campaign, "Ward 3", None).await;
    let limit = api
        .graphql("{ importUploadLimit }", json!(null))
        .await
        .data()["importUploadLimit"]
        .clone();
    assert_eq!(limit, json!(64 * 1024 * 1024), "64 MiB unless configured");
    let rows = 5_000;
    let file = large_people_file(rows);
    assert!(
        file.len() > api::http::MAX_BODY_BYTES,
        "the file ({} bytes) must not fit in a JSON request",
        file.len()
    );
    // In base64 it cannot go: the JSON body is over its limit.
    let refused = {
        use tower::ServiceExt as _;
        let body = json!({"query": UPLOAD, "variables": {"input": {
            "campaignId": campaign, "fileName": "members.csv", "contentBase64": base64(file.as_bytes())
        }}});
        api.router
            .clone()
            .oneshot(
                axum::http::Request::post("/graphql")
                    .header(axum::http::header::CONTENT_TYPE, "application/json")
                    .body(axum::body::Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
            .unwrap()
            .status()
    };
    assert_eq!(refused, axum::http::StatusCode::PAYLOAD_TOO_LARGE);

    let (status, answer) = post_multipart(
        &api.router,
        multipart_upload(&campaign, "members.csv", file.as_bytes()),
        None,
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{:#}", answer.0);
    let uploaded = &answer.data()["uploadImport"];
    assert_eq!(uploaded["import"]["fileName"], "members.csv");
    assert_eq!(uploaded["encoding"], "UTF-8");
    let id = uploaded["import"]["id"].as_str().unwrap().to_string();
    let api_mapping = json!([{"column": "Comment", "target": "ignore"}]);
    let mapped = api
        .graphql(
            "mutation($input: MapImportInput!) { mapImport(input: $input) { columns { column target } } }",
            json!({"input": {"importId": id, "mapping": api_mapping}}),
        )
        .await;
    let columns = mapped.data()["mapImport"]["columns"].clone();
    assert!(
        columns
            .as_array()
            .unwrap()
            .iter()
            .all(|column| !column["target"].is_null()),
        "{columns:#}"
    );

    // The preview reads the kept file back (in pieces) and plans every row.
    let plan = preview(&api, &id).await;
    assert_eq!(
        plan["totals"],
        json!({"rows": rows, "create": rows, "update": 0, "unchanged": 0, "error": 0}),
        "{:#}",
        plan["rows"][0]
    );
    let committed = commit(&api, &id, false).await;
    let committed = &committed.data()["commitImport"];
    assert_eq!(committed["totals"]["create"], rows);
    assert_eq!(committed["import"]["state"], "COMMITTED");
    assert_eq!(
        committed["import"]["progress"],
        json!({"rowsDone": rows, "rowsTotal": rows})
    );
    let count = api
        .graphql(
            "query($campaign: ID!) { people(campaignId: $campaign, first: 1) { totalCount } }",
            json!({"campaign": campaign}),
        )
        .await;
    assert_eq!(count.data()["people"]["totalCount"], rows);
    let last = api
        .graphql(
            "query($campaign: ID!) { people(campaignId: $campaign, filter: {nameSearch: \"Given4999\"}, first: 1) {
                edges { node { id } } } }",
            json!({"campaign": campaign}),
        )
        .await;
    let last_id = last.data()["people"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let last = person(&api, &last_id).await;
    assert_eq!(last["name"], "Given4999 Family4999");
    assert_eq!(
        last["externalIds"],
        json!([{"system": "employee_number", "value": "E004999"}])
    );
    // Once committed, the file's bytes are no longer kept.
    let mut sink = Vec::new();
    assert!(!api
        .groundwork
        .store()
        .copy_import_content(&id, &mut sink)
        .await
        .unwrap());
    api.stop().await;
}

async fn a_file_over_the_upload_limit_is_refused_naming_the_field_and_the_limit(
    backend: TestBackend,
) {
    let api = TestApi::with_options(
        backend,
        api::http::ApiOptions {
            graphql: api::graphql::GraphqlSettings {
                max_upload_bytes: 64 * 1024,
                ..api::graphql::GraphqlSettings::default()
            },
            ..api::http::ApiOptions::development()
        },
    )
    .await;
    let campaign = api.create_campaign("Riverside").await;
    api.add_unit(&campaign, "Ward 3", None).await;
    let limit = api.graphql("{ importUploadLimit }", json!(null)).await;
    assert_eq!(limit.data()["importUploadLimit"], 64 * 1024);
    let file = large_people_file(400);
    assert!(file.len() > 64 * 1024);
    let (status, answer) = post_multipart(
        &api.router,
        multipart_upload(&campaign, "members.csv", file.as_bytes()),
        None,
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), "VALIDATION");
    assert_eq!(answer.first_error()["extensions"]["field"], "input.file");
    assert_eq!(
        answer.error_message(),
        "input.file: the file is larger than the upload limit of 64 KiB; larger files go through \
         `groundwork people import`"
    );
    let (_, spanish) = post_multipart(
        &api.router,
        multipart_upload(&campaign, "members.csv", file.as_bytes()),
        Some("es"),
    )
    .await;
    assert!(
        spanish
            .error_message()
            .starts_with("input.file: el archivo supera el límite de subida de 64 KiB"),
        "{}",
        spanish.error_message()
    );
    // Nothing was recorded; a file within the limit goes through.
    let list = api
        .graphql(
            "query($campaign: ID!) { imports(campaignId: $campaign) { id } }",
            json!({"campaign": campaign}),
        )
        .await;
    assert_eq!(list.data()["imports"], json!([]));
    let small = large_people_file(100);
    let (status, answer) = post_multipart(
        &api.router,
        multipart_upload(&campaign, "members.csv", small.as_bytes()),
        None,
    )
    .await;
    assert_eq!(status, axum::http::StatusCode::OK, "{:#}", answer.0);
    // A request with both a file and base64, or with neither, says which to give.
    let both = api
        .graphql(
            UPLOAD,
            json!({"input": {"campaignId": campaign, "fileName": "a.csv"}}),
        )
        .await;
    assert_eq!(both.error_code(), "VALIDATION");
    assert_eq!(both.first_error()["extensions"]["field"], "input.file");
    api.stop().await;
}

/// An import of more people than the in-process caches may hold leaves them bounded (issue 14: a
/// 100,000-row file imports with bounded memory). The people a file creates or updates take no new place in
/// the aggregate cache nor in the person → campaign cache, and the key cache stays within its cap; reads
/// and commands on those people then find what they need in the database. Before, every created person
/// went into all three, so the caches grew with the file (up to 20,000 aggregates, without end for the
/// other two).
async fn an_import_leaves_the_in_process_caches_bounded(backend: TestBackend) {
    const ROWS: usize = 120;
    const KEYS: usize = 40;
    let api = TestApi::with_store_options(
        backend,
        ApiOptions::development(),
        Arc::new(SystemClock),
        StoreOptions {
            aggregate_cache: 1_000,
            key_cache: KEYS,
            ..StoreOptions::default()
        },
    )
    .await;
    let campaign = api.create_campaign("Riverside").await;
    let store = api.groundwork.store().clone();
    let aggregates_before = store.aggregate_cache_len();
    let campaigns_before = api.groundwork.person_campaign_cache_len();
    let mut file = String::from("First Name,Last Name,Email,Phone Number,Employee Number\n");
    for row in 0..ROWS {
        file.push_str(&format!(
            "Given{row},Family{row},person{row}@example.org,+1 415 555 {row:04},E{row:06}\n"
        ));
    }
    let first = upload(&api, &campaign, "members.csv", &file, json!(null)).await;
    let plan = preview(&api, &first).await;
    assert_eq!(plan["totals"]["create"], ROWS, "{:#}", plan["rows"][0]);
    let committed = commit(&api, &first, false).await;
    assert_eq!(committed.data()["commitImport"]["totals"]["create"], ROWS);
    let cached = |api: &TestApi| {
        (
            store.aggregate_cache_len(),
            api.groundwork.person_campaign_cache_len(),
            store.key_cache_len(),
        )
    };
    let (aggregates, campaigns, keys) = cached(&api);
    assert_eq!(
        (aggregates, campaigns),
        (aggregates_before, campaigns_before),
        "the {ROWS} people of the file took no place in the aggregate and person → campaign caches"
    );
    assert!(keys <= KEYS, "{keys} keys held, at most {KEYS}");

    // A second file updates half of them (each person loaded in passing): still nothing added.
    let mut updates = String::from("Employee Number,Preferred Language\n");
    for row in 0..ROWS / 2 {
        updates.push_str(&format!("E{row:06},es\n"));
    }
    let second = upload(&api, &campaign, "languages.csv", &updates, json!(null)).await;
    let committed = commit(&api, &second, false).await;
    assert_eq!(
        committed.data()["commitImport"]["totals"]["update"],
        ROWS / 2
    );
    let (aggregates, campaigns, keys) = cached(&api);
    assert_eq!(
        (aggregates, campaigns),
        (aggregates_before, campaigns_before)
    );
    assert!(keys <= KEYS, "{keys} keys held, at most {KEYS}");

    // What the caches do not hold is read from the database: each person's sealed values open (their key
    // read again), and a command on one of them finds their campaign.
    let people = api
        .graphql(
            "query($campaign: ID!) { people(campaignId: $campaign, filter: {nameSearch: \"Given7\"}, first: 20) {
                edges { node { id name } } } }",
            json!({"campaign": campaign}),
        )
        .await;
    let edges = people.data()["people"]["edges"].as_array().unwrap().clone();
    assert!(!edges.is_empty());
    for edge in &edges {
        let id = edge["node"]["id"].as_str().unwrap();
        let shown = person(&api, id).await;
        let row: usize = shown["name"]
            .as_str()
            .unwrap()
            .trim_start_matches("Given")
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut contacts: Vec<&str> = shown["contactPoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|point| point["value"].as_str().unwrap())
            .collect();
        contacts.sort_unstable();
        assert_eq!(
            contacts,
            [
                format!("+1 415 555 {row:04}"),
                format!("person{row}@example.org")
            ],
            "{shown:#}"
        );
        assert_eq!(
            shown["preferredLanguage"],
            json!(if row < ROWS / 2 { Some("es") } else { None })
        );
    }
    let someone = edges[0]["node"]["id"].as_str().unwrap();
    api.assess(someone, 3, None).await.data();
    assert_eq!(person(&api, someone).await["level"], 3);
    assert!(store.key_cache_len() <= KEYS);
    api.stop().await;
}

/// Two rows of one file that would add the same new person (the same email in other case, the same phone
/// number written another way, the same external id) are refused, naming the earlier line; a row that
/// matches two existing people is an error too.
async fn two_rows_adding_one_person_are_refused_however_the_value_is_spelled(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Riverside").await;
    let ana = api.add_person(&campaign, "Ana", "Silva").await;
    add_email(&api, &ana, "shared@example.org").await;
    let twin = api.add_person(&campaign, "Ann", "Silva").await;
    add_email(&api, &twin, "SHARED@example.org").await;
    let file = "First Name,Last Name,Email,Phone Number,Employee Number\n\
         Bo,Chen,bo@example.org,(415) 555-0100,E1\n\
         Cy,Diaz,BO@Example.org,,E2\n\
         Di,Evans,,+1 415-555-0100,E3\n\
         Ed,Fox,,,E1\n\
         Fe,Gold,fe@example.org,,E4\n\
         Gus,Ho,shared@example.org,,E5\n";
    let id = upload(&api, &campaign, "members.csv", file, json!(null)).await;
    let plan = preview(&api, &id).await;
    assert_eq!(
        plan["totals"],
        json!({"rows": 6, "create": 2, "update": 0, "unchanged": 0, "error": 4}),
        "{plan:#}"
    );
    for (line, column) in [(3, "Email"), (4, "Phone Number"), (5, "Employee Number")] {
        let errors = &row(&plan, line)["errors"];
        assert_eq!(errors[0]["column"], column, "line {line}: {errors:#}");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains("line 2 adds a new person with the same value"),
            "line {line}: {errors:#}"
        );
    }
    assert_eq!(row(&plan, 6)["action"], "CREATE");
    assert!(
        row(&plan, 7)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("matches 2 people"),
        "{plan:#}"
    );
    api.stop().await;
}
