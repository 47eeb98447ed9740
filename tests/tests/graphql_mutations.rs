//! The GraphQL mutations, driven through the router as a client would, on every backend: organizing a
//! campaign end to end, and each kind of bad request getting its documented error code and changing nothing.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, TestApi};
use api::access::{Identity, Role};
use api::http::ApiOptions;
use serde_json::json;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_campaign_is_organized_through_mutations,
    a_stale_expected_version_is_a_conflict_and_changes_nothing,
    an_unknown_id_is_not_found,
    a_level_outside_the_scale_is_a_validation_error,
    malformed_input_names_the_field_and_applies_nothing,
    a_wrong_argument_type_is_a_graphql_validation_error,
    a_retried_idempotency_key_applies_once,
    a_reused_idempotency_key_for_another_mutation_is_refused,
    a_role_without_the_permission_is_forbidden,
    every_mutation_applies,
);

async fn a_campaign_is_organized_through_mutations(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let chapter = api
        .graphql(
            r#"mutation { createChapter(input: {name: "Riverside"}) { id version } }"#,
            json!({}),
        )
        .await;
    assert_eq!(chapter.data()["createChapter"]["version"], 1);

    let campaign = api.create_campaign("Warehouse drive").await;
    let site = api.add_unit(&campaign, "North site", None).await;
    let night = api.add_unit(&campaign, "Night shift", Some(&site)).await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let ben = api.add_person(&campaign, "Ben", "").await;

    for person in [&ana, &ben] {
        let joined = api
            .graphql(
                "mutation($input: JoinUnitInput!) { joinUnit(input: $input) { version } }",
                json!({"input": {"personId": person, "unitId": night}}),
            )
            .await;
        assert_eq!(joined.data()["joinUnit"]["version"], 2);
    }
    let assessed = api.assess(&ana, 2, Some(2)).await;
    assert_eq!(assessed.data()["assessPerson"]["version"], 3);
    assert_eq!(assessed.data()["assessPerson"]["replayed"], false);

    let logged = api
        .graphql(
            "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version createdId } }",
            json!({"input": {
                "personId": ben, "heldAt": "2026-02-01T18:00:00Z",
                "notes": "Worried about the night rota", "assessment": 3, "nextStep": "Meet again"
            }}),
        )
        .await;
    assert!(logged.data()["logOneOnOne"]["createdId"].is_string());

    let me = api.graphql("{ me { userId role } }", json!({})).await;
    let task = api
        .graphql(
            "mutation($input: AssignTaskInput!) { assignTask(input: $input) { id version } }",
            json!({"input": {
                "campaignId": campaign, "kind": "FOLLOW_UP", "title": "Call Ben back",
                "assigneeId": me.data()["me"]["userId"], "subjectIds": [ben], "due": "2099-03-01"
            }}),
        )
        .await;
    let task_id = task.data()["assignTask"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let done = api
        .graphql(
            "mutation($input: CompleteTaskInput!) { completeTask(input: $input, expectedVersion: 1) { version } }",
            json!({"input": {"taskId": task_id}}),
        )
        .await;
    assert_eq!(done.data()["completeTask"]["version"], 2);

    let test = api
        .graphql(
            "mutation($input: CreateStructureTestInput!) { createStructureTest(input: $input) { id } }",
            json!({"input": {
                "campaignId": campaign, "name": "Wear the button on Tuesday",
                "scopeUnitIds": [site], "goalPercent": 70, "deadline": "2099-03-03"
            }}),
        )
        .await;
    let test_id = test.data()["createStructureTest"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let step = api
        .graphql(
            "mutation($input: RecordStructureTestStepInput!) { recordStructureTestStep(input: $input) { version } }",
            json!({"input": {"personId": ana, "structureTestId": test_id, "step": "COMMITTED"}}),
        )
        .await;
    assert_eq!(step.data()["recordStructureTestStep"]["version"], 4);
}

async fn a_stale_expected_version_is_a_conflict_and_changes_nothing(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    api.assess(&ana, 2, Some(1)).await.data();
    let before = api.log_head().await;

    let stale = api.assess(&ana, 1, Some(1)).await;

    assert_eq!(stale.error_code(), "CONFLICT");
    assert_eq!(stale.first_error()["extensions"]["currentVersion"], 2);
    assert!(stale.0["data"].is_null());
    assert_eq!(
        api.log_head().await,
        before,
        "a conflict must change nothing"
    );
}

async fn an_unknown_id_is_not_found(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let before = api.log_head().await;
    let nobody = uuid::Uuid::new_v4().to_string();

    assert_eq!(api.assess(&nobody, 2, None).await.error_code(), "NOT_FOUND");
    let renamed = api
        .graphql(
            "mutation($input: RenameCampaignInput!) { renameCampaign(input: $input) { version } }",
            json!({"input": {"campaignId": nobody, "name": "Ghost"}}),
        )
        .await;
    assert_eq!(renamed.error_code(), "NOT_FOUND");
    let person = api
        .graphql(
            "mutation($input: AddPersonInput!) { addPerson(input: $input) { id } }",
            json!({"input": {"campaignId": nobody, "givenName": "Ana"}}),
        )
        .await;
    assert_eq!(person.error_code(), "NOT_FOUND");
    assert_eq!(api.log_head().await, before);
}

async fn a_level_outside_the_scale_is_a_validation_error(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let before = api.log_head().await;

    let off_scale = api.assess(&ana, 9, None).await;
    assert_eq!(off_scale.error_code(), "VALIDATION");
    assert!(
        off_scale
            .error_message()
            .contains("not on the campaign's scale"),
        "{}",
        off_scale.error_message()
    );

    let zero = api.assess(&ana, 0, None).await;
    assert_eq!(zero.error_code(), "VALIDATION");
    assert_eq!(zero.first_error()["extensions"]["field"], "input.level");
    assert_eq!(api.log_head().await, before);
}

async fn malformed_input_names_the_field_and_applies_nothing(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let before = api.log_head().await;

    let bad_email = api
        .graphql(
            "mutation($input: AddContactPointInput!) { addContactPoint(input: $input) { version } }",
            json!({"input": {"personId": ana, "label": "WORK", "email": "ana-at-example.org"}}),
        )
        .await;
    assert_eq!(bad_email.error_code(), "VALIDATION");
    assert_eq!(
        bad_email.first_error()["extensions"]["field"],
        "input.email"
    );
    assert!(bad_email.error_message().contains("email address"));

    let blank_name = api
        .graphql(
            "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
            json!({"input": {"name": "   ", "goal": 10}}),
        )
        .await;
    assert_eq!(
        blank_name.first_error()["extensions"]["field"],
        "input.name"
    );

    let not_an_id = api
        .graphql(
            "mutation($input: AssessPersonInput!) { assessPerson(input: $input) { version } }",
            json!({"input": {"personId": "ana", "level": 2}}),
        )
        .await;
    assert_eq!(not_an_id.error_code(), "VALIDATION");
    assert_eq!(
        not_an_id.first_error()["extensions"]["field"],
        "input.personId"
    );
    assert_eq!(api.log_head().await, before);
}

async fn a_wrong_argument_type_is_a_graphql_validation_error(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let before = api.log_head().await;
    let answer = api
        .graphql(
            r#"mutation { assessPerson(input: {personId: "x", level: "high"}) { version } }"#,
            json!({}),
        )
        .await;
    assert!(answer.0["data"].is_null(), "{:#}", answer.0);
    assert!(
        answer.error_message().contains("level"),
        "{}",
        answer.error_message()
    );
    assert_eq!(api.log_head().await, before);
}

async fn a_retried_idempotency_key_applies_once(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Drive").await;
    let ana = api.add_person(&campaign, "Ana", "").await;
    let query = r#"mutation($person: ID!) {
        assessPerson(input: {personId: $person, level: 2}, idempotencyKey: "assess-ana-1") {
            id version replayed
        }
    }"#;

    let first = api.graphql(query, json!({"person": ana})).await;
    let head_after_first = api.log_head().await;
    let retry = api.graphql(query, json!({"person": ana})).await;

    assert_eq!(first.data()["assessPerson"]["version"], 2);
    assert_eq!(retry.data()["assessPerson"]["version"], 2);
    assert_eq!(retry.data()["assessPerson"]["replayed"], true);
    assert_eq!(
        api.log_head().await,
        head_after_first,
        "the retry applied again"
    );

    // A new key applies again.
    let other = api
        .graphql(
            &query.replace("assess-ana-1", "assess-ana-2"),
            json!({"person": ana}),
        )
        .await;
    assert_eq!(other.data()["assessPerson"]["version"], 3);
}

async fn a_reused_idempotency_key_for_another_mutation_is_refused(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let create = |name: &str| {
        format!(
            r#"mutation {{ createCampaign(input: {{name: "{name}", goal: 5}}, idempotencyKey: "k") {{ id }} }}"#
        )
    };
    api.graphql(&create("First"), json!({})).await.data();
    let reused = api.graphql(&create("Second"), json!({})).await;
    assert_eq!(reused.error_code(), "VALIDATION");
    assert_eq!(
        reused.first_error()["extensions"]["field"],
        "idempotencyKey"
    );
}

async fn a_role_without_the_permission_is_forbidden(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let analyst = api.with_other_options(ApiOptions {
        dev_identity: Some(Identity {
            role: Role::Analyst,
            ..Identity::development()
        }),
        ..ApiOptions::development()
    });
    let before = api.log_head().await;
    let refused = post_graphql(
        &analyst,
        r#"mutation { createCampaign(input: {name: "Drive", goal: 5}) { id } }"#,
        json!({}),
    )
    .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    assert_eq!(api.log_head().await, before);

    let me = post_graphql(&analyst, "{ me { role } }", json!({})).await;
    assert_eq!(me.data()["me"]["role"], "ANALYST");
}

/// Runs `mutation` with `input` and returns its result, failing the test on any error.
async fn apply(api: &TestApi, mutation: &str, input: serde_json::Value) -> serde_json::Value {
    let input_type = format!("{}{}Input", mutation[..1].to_uppercase(), &mutation[1..]);
    let query = format!(
        "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ id createdId version }} }}"
    );
    let answer = api.graphql(&query, json!({ "input": input })).await;
    answer.data()[mutation].clone()
}

async fn every_mutation_applies(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let created = |result: &serde_json::Value| result["createdId"].as_str().unwrap().to_string();
    let id = |result: &serde_json::Value| result["id"].as_str().unwrap().to_string();

    apply(&api, "createChapter", json!({"name": "Riverside"})).await;
    apply(&api, "renameChapter", json!({"name": "Riverside North"})).await;
    let c = api.create_campaign("Drive").await;
    apply(
        &api,
        "renameCampaign",
        json!({"campaignId": c, "name": "Big drive"}),
    )
    .await;
    apply(
        &api,
        "changeCampaignGoal",
        json!({"campaignId": c, "goal": 80}),
    )
    .await;
    apply(
        &api,
        "relabelAssessmentLevel",
        json!({"campaignId": c, "level": 3, "label": "Unsure", "colour": "#ffffaa"}),
    )
    .await;
    apply(
        &api,
        "addAssessmentLevel",
        json!({"campaignId": c, "label": "Unknown", "colour": "#cccccc"}),
    )
    .await;
    let site = api.add_unit(&c, "Site", None).await;
    let floor = api.add_unit(&c, "Floor", None).await;
    apply(
        &api,
        "renameUnit",
        json!({"campaignId": c, "unitId": floor, "name": "Floor 1"}),
    )
    .await;
    apply(
        &api,
        "moveUnit",
        json!({"campaignId": c, "unitId": floor, "parentId": site}),
    )
    .await;
    let section = created(
        &apply(
            &api,
            "addFieldSection",
            json!({"campaignId": c, "name": "Issues"}),
        )
        .await,
    );
    apply(
        &api,
        "renameFieldSection",
        json!({"campaignId": c, "sectionId": section, "name": "Workplace issues"}),
    )
    .await;
    let field = created(&apply(&api, "addField", json!({"campaignId": c, "sectionId": section, "name": "Issue", "type": "STANDARD", "allowsMultiple": true})).await);
    let seniority = created(
        &apply(
            &api,
            "addField",
            json!({"campaignId": c, "sectionId": section, "name": "Years", "type": "NUMBER"}),
        )
        .await,
    );
    apply(
        &api,
        "renameField",
        json!({"campaignId": c, "fieldId": field, "name": "Issues"}),
    )
    .await;
    let pay = created(
        &apply(
            &api,
            "addFieldResponse",
            json!({"campaignId": c, "fieldId": field, "name": "Pay"}),
        )
        .await,
    );
    let rota = created(
        &apply(
            &api,
            "addFieldResponse",
            json!({"campaignId": c, "fieldId": field, "name": "Rota"}),
        )
        .await,
    );
    apply(
        &api,
        "renameFieldResponse",
        json!({"campaignId": c, "fieldId": field, "responseId": rota, "name": "Night rota"}),
    )
    .await;

    let ana = api.add_person(&c, "Ana", "García").await;
    let ben = api.add_person(&c, "Ben", "").await;
    let dup = api.add_person(&c, "Ana", "Garcia").await;
    apply(
        &api,
        "renamePerson",
        json!({"personId": ana, "givenName": "Ana María", "familyName": "García"}),
    )
    .await;
    let email = created(
        &apply(
            &api,
            "addContactPoint",
            json!({"personId": ana, "label": "WORK", "email": "ana@example.org"}),
        )
        .await,
    );
    apply(&api, "addContactPoint", json!({"personId": ana, "label": "HOME", "address": {"lines": ["1 Main St"], "locality": "Springfield", "country": "us"}})).await;
    apply(
        &api,
        "setDoNotContact",
        json!({"personId": ana, "contactPointId": email, "doNotContact": true}),
    )
    .await;
    apply(
        &api,
        "removeContactPoint",
        json!({"personId": ana, "contactPointId": email}),
    )
    .await;
    apply(
        &api,
        "setPreferredLanguage",
        json!({"personId": ana, "language": "es"}),
    )
    .await;
    apply(&api, "joinUnit", json!({"personId": ana, "unitId": floor})).await;
    apply(&api, "joinUnit", json!({"personId": ben, "unitId": site})).await;
    apply(&api, "leaveUnit", json!({"personId": ben, "unitId": site})).await;
    apply(
        &api,
        "addPersonFieldResponse",
        json!({"personId": ana, "fieldId": field, "responseId": pay}),
    )
    .await;
    apply(
        &api,
        "addPersonFieldResponse",
        json!({"personId": ana, "fieldId": field, "responseId": rota}),
    )
    .await;
    apply(
        &api,
        "removePersonFieldResponse",
        json!({"personId": ana, "fieldId": field, "responseId": rota}),
    )
    .await;
    apply(
        &api,
        "retireFieldResponse",
        json!({"campaignId": c, "fieldId": field, "responseId": rota}),
    )
    .await;
    apply(
        &api,
        "setPersonFieldValue",
        json!({"personId": ana, "fieldId": seniority, "number": 7.5}),
    )
    .await;
    apply(
        &api,
        "clearPersonFieldValue",
        json!({"personId": ana, "fieldId": seniority}),
    )
    .await;
    apply(
        &api,
        "assessPerson",
        json!({"personId": ana, "level": 2, "note": "Solid"}),
    )
    .await;
    apply(&api, "clearAssessment", json!({"personId": ana})).await;
    let link = created(
        &apply(
            &api,
            "connect",
            json!({"personId": ana, "targetPersonId": ben, "kind": "coworker of"}),
        )
        .await,
    );
    apply(
        &api,
        "deactivateConnection",
        json!({"personId": ana, "connectionId": link}),
    )
    .await;
    // Organizers and assignees are members of the chapter (random ids are refused: write_checks).
    let mut members = Vec::new();
    for _ in 0..2 {
        let user = domain::ids::UserId::new_random();
        api::demo::add_member(
            api.groundwork.store(),
            user,
            api::access::DEV_CHAPTER,
            &format!("{}@example.org", user.as_uuid().simple()),
            "organizer",
        )
        .await
        .unwrap();
        members.push(user.to_string());
    }
    apply(
        &api,
        "assignOrganizer",
        json!({"personId": ben, "organizerId": members[0]}),
    )
    .await;
    apply(&api, "unassignOrganizer", json!({"personId": ben})).await;
    apply(&api, "flagFollowUp", json!({"personId": ben})).await;
    apply(&api, "clearFollowUp", json!({"personId": ben})).await;
    apply(
        &api,
        "addNote",
        json!({"personId": ben, "text": "Works nights"}),
    )
    .await;
    apply(&api, "logOneOnOne", json!({"personId": ben, "heldAt": "2026-01-10T12:00:00Z", "issues": [{"fieldId": field, "responseId": pay}], "assessment": 2})).await;
    let test = id(&apply(&api, "createStructureTest", json!({"campaignId": c, "name": "Petition", "scopeUnitIds": [site], "goalPercent": 60, "deadline": "2099-01-01"})).await);
    apply(
        &api,
        "recordStructureTestStep",
        json!({"personId": ana, "structureTestId": test, "step": "ASKED"}),
    )
    .await;
    apply(
        &api,
        "renameStructureTest",
        json!({"structureTestId": test, "name": "Sign the petition"}),
    )
    .await;
    apply(
        &api,
        "changeStructureTestDeadline",
        json!({"structureTestId": test, "deadline": "2099-02-01"}),
    )
    .await;
    apply(&api, "closeStructureTest", json!({"structureTestId": test})).await;
    let task = id(&apply(&api, "assignTask", json!({"campaignId": c, "kind": "DATA_CHECK", "title": "Check Ben", "assigneeId": members[0]})).await);
    apply(
        &api,
        "reassignTask",
        json!({"taskId": task, "assigneeId": members[1]}),
    )
    .await;
    apply(
        &api,
        "changeTaskDueDate",
        json!({"taskId": task, "due": "2099-05-01"}),
    )
    .await;
    apply(&api, "cancelTask", json!({"taskId": task})).await;
    apply(&api, "reopenTask", json!({"taskId": task})).await;
    apply(&api, "completeTask", json!({"taskId": task})).await;
    apply(
        &api,
        "mergePeople",
        json!({"survivorId": ana, "duplicateId": dup}),
    )
    .await;
    apply(&api, "removePersonFromCampaign", json!({"personId": ben})).await;
    let unconfirmed = api
        .graphql(
            "mutation($input: ForgetPersonInput!) { forgetPerson(input: $input, confirm: \"yes\") { id } }",
            json!({"input": {"personId": ben}}),
        )
        .await;
    assert_eq!(unconfirmed.error_code(), "VALIDATION");
    let forgotten = api
        .graphql(
            "mutation($input: ForgetPersonInput!) { forgetPerson(input: $input, confirm: \"FORGET\") { id } }",
            json!({"input": {"personId": ben}}),
        )
        .await;
    assert_eq!(forgotten.data()["forgetPerson"]["id"], ben.as_str());
    apply(
        &api,
        "retireUnit",
        json!({"campaignId": c, "unitId": floor}),
    )
    .await;
    apply(&api, "archiveCampaign", json!({"campaignId": c})).await;
    apply(&api, "unarchiveCampaign", json!({"campaignId": c})).await;
    api.stop().await;
}
