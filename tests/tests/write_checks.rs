//! The write side's checks, on every backend (issue 11, items 4 and 5; issue 12, item 14): every id a command
//! names exists in the chapter (a member for organizers and assignees, a person of the campaign for subjects
//! and connection targets), refusals name the input field, an organizer works only on their own tasks and an
//! activist does not assess through a 1:1; the member directory lists whom work can be assigned to; a 1:1 is
//! held now unless told otherwise and names its issues by response name; a caller's query after their
//! mutation sees it although the mutation selected nothing of it.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::{post_graphql, Answer, TestApi};
use api::access::{Identity, Role, DEV_CHAPTER};
use api::http::ApiOptions;
use axum::Router;
use domain::ids::{ChapterId, UserId};
use serde_json::{json, Value};
use tests::{backend_tests, TestBackend};

backend_tests!(
    references_must_exist_in_the_chapter,
    organizers_work_only_their_own_tasks,
    activists_log_one_on_ones_without_a_level,
    the_member_directory_is_for_those_who_assign_work,
    a_one_on_one_defaults_to_now_and_takes_issues_by_name,
    a_query_after_a_mutation_sees_it,
);

/// Makes `user` a member of `chapter` with `role`.
async fn member(api: &TestApi, user: UserId, chapter: ChapterId, role: &str) {
    api::demo::add_member(
        api.groundwork.store(),
        user,
        chapter,
        &format!("{}@example.org", user.as_uuid().simple()),
        role,
    )
    .await
    .unwrap();
}

/// A router acting as `user` with `role` in the development chapter.
fn acting_as(api: &TestApi, user: UserId, role: Role) -> Router {
    api.with_other_options(ApiOptions {
        dev_identity: Some(Identity {
            user,
            role,
            ..Identity::development()
        }),
        ..ApiOptions::development()
    })
}

/// The refusal's code and `extensions.field`.
fn refusal(answer: &Answer) -> (String, Value) {
    (
        answer.error_code(),
        answer.first_error()["extensions"]["field"].clone(),
    )
}

fn validation(field: &str) -> (String, Value) {
    ("VALIDATION".to_string(), json!(field))
}

async fn assign_organizer(api: &TestApi, person: &str, organizer: &str) -> Answer {
    api.graphql(
        "mutation($p: ID!, $o: ID!) { assignOrganizer(input: {personId: $p, organizerId: $o}) { version } }",
        json!({"p": person, "o": organizer}),
    )
    .await
}

async fn assign_task(api: &TestApi, campaign: &str, assignee: &str, subjects: &[&str]) -> Answer {
    api.graphql(
        "mutation($c: ID!, $a: ID!, $s: [ID!]!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: \"Call back\", assigneeId: $a, subjectIds: $s}) { id } }",
        json!({"c": campaign, "a": assignee, "s": subjects}),
    )
    .await
}

async fn references_must_exist_in_the_chapter(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital").await;
    let other_campaign = api.create_campaign("Clinic").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let luis = api.add_person(&campaign, "Luis", "Pérez").await;
    let elsewhere = api.add_person(&other_campaign, "Eva", "Ruiz").await;
    let organizer = UserId::new_random();
    member(&api, organizer, DEV_CHAPTER, "organizer").await;
    let outsider = UserId::new_random();
    member(&api, outsider, ChapterId::new_random(), "organizer").await;
    let random = UserId::new_random().to_string();

    // assignOrganizer: a random id, the person's own id and another chapter's user are refused.
    for id in [random.as_str(), ana.as_str(), &outsider.to_string()] {
        let refused = assign_organizer(&api, &ana, id).await;
        assert_eq!(refusal(&refused), validation("input.organizerId"), "{id}");
    }
    assign_organizer(&api, &ana, &organizer.to_string())
        .await
        .data();

    // assignTask: the assignee must be a member, the subjects people of the campaign.
    let refused = assign_task(&api, &campaign, &random, &[&ana]).await;
    assert_eq!(refusal(&refused), validation("input.assigneeId"));
    let refused = assign_task(&api, &campaign, &organizer.to_string(), &[&ana, &elsewhere]).await;
    assert_eq!(refusal(&refused), validation("input.subjectIds"));
    let nobody = UserId::new_random().to_string();
    let refused = assign_task(&api, &campaign, &organizer.to_string(), &[&nobody]).await;
    assert_eq!(refusal(&refused), validation("input.subjectIds"));
    let task = assign_task(&api, &campaign, &organizer.to_string(), &[&ana, &luis]).await;
    let task = task.data()["assignTask"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let refused = api
        .graphql(
            "mutation($t: ID!, $a: ID!) { reassignTask(input: {taskId: $t, assigneeId: $a}) { version } }",
            json!({"t": task, "a": outsider.to_string()}),
        )
        .await;
    assert_eq!(refusal(&refused), validation("input.assigneeId"));

    // connect: the target person must be in the campaign.
    let connect = "mutation($p: ID!, $t: ID!) { connect(input: {personId: $p, targetPersonId: $t, kind: \"coworker of\"}) { version } }";
    let refused = api
        .graphql(connect, json!({"p": ana, "t": elsewhere}))
        .await;
    assert_eq!(refusal(&refused), validation("input.targetPersonId"));
    api.graphql(connect, json!({"p": ana, "t": luis}))
        .await
        .data();

    // logOneOnOne: the organizer who held it must be a member; a level off the scale names its input.
    let log = "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }";
    let held_at = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let refused = api
        .graphql(
            log,
            json!({"input": {"personId": ana, "heldAt": held_at, "organizerId": random}}),
        )
        .await;
    assert_eq!(refusal(&refused), validation("input.organizerId"));
    let refused = api
        .graphql(
            log,
            json!({"input": {"personId": ana, "heldAt": held_at, "assessment": 9}}),
        )
        .await;
    assert_eq!(refusal(&refused), validation("input.assessment"));
    let refused = api.assess(&ana, 9, None).await;
    assert_eq!(refusal(&refused), validation("input.level"));
    assert!(refused
        .error_message()
        .contains("level 9 is not on the campaign's scale"));
}

async fn organizers_work_only_their_own_tasks(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let (mine, theirs) = (UserId::new_random(), UserId::new_random());
    member(&api, mine, DEV_CHAPTER, "organizer").await;
    member(&api, theirs, DEV_CHAPTER, "organizer").await;
    let task_of = |answer: Answer| {
        answer.data()["assignTask"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let my_task = task_of(assign_task(&api, &campaign, &mine.to_string(), &[&ana]).await);
    let their_task = task_of(assign_task(&api, &campaign, &theirs.to_string(), &[&ana]).await);
    let organizer = acting_as(&api, mine, Role::Organizer);
    let complete = "mutation($t: ID!) { completeTask(input: {taskId: $t}) { version } }";
    let reopen = "mutation($t: ID!) { reopenTask(input: {taskId: $t}) { version } }";

    let refused = post_graphql(&organizer, complete, json!({"t": their_task})).await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    post_graphql(&organizer, complete, json!({"t": my_task}))
        .await
        .data();
    post_graphql(&organizer, reopen, json!({"t": my_task}))
        .await
        .data();
    // A lead (and an admin) works on anyone's task.
    let lead = acting_as(&api, UserId::new_random(), Role::Lead);
    post_graphql(&lead, complete, json!({"t": their_task}))
        .await
        .data();
    let refused = post_graphql(&organizer, reopen, json!({"t": their_task})).await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    api.graphql(reopen, json!({"t": their_task})).await.data();
}

async fn activists_log_one_on_ones_without_a_level(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let activist_id = UserId::new_random();
    member(&api, activist_id, DEV_CHAPTER, "activist").await;
    assign_organizer(&api, &ana, &activist_id.to_string())
        .await
        .data();
    let activist = acting_as(&api, activist_id, Role::Activist);
    let log = "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }";
    let held_at = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();

    let refused = post_graphql(
        &activist,
        log,
        json!({"input": {"personId": ana, "heldAt": held_at, "assessment": 1}}),
    )
    .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    assert!(refused.error_message().contains("input.assessment"));
    post_graphql(
        &activist,
        log,
        json!({"input": {"personId": ana, "heldAt": held_at}}),
    )
    .await
    .data();
}

async fn the_member_directory_is_for_those_who_assign_work(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let organizer = UserId::new_random();
    member(&api, organizer, DEV_CHAPTER, "organizer").await;
    let activist = UserId::new_random();
    member(&api, activist, DEV_CHAPTER, "activist").await;
    member(&api, UserId::new_random(), ChapterId::new_random(), "lead").await;
    let query = "{ members { userId email role disabled } }";

    for (user, role) in [
        (organizer, Role::Organizer),
        (UserId::new_random(), Role::Lead),
        (UserId::new_random(), Role::Admin),
    ] {
        let answer = post_graphql(&acting_as(&api, user, role), query, json!({})).await;
        let members = answer.data()["members"].as_array().unwrap().clone();
        // Only this chapter's members, and nothing but id, email, role and the disabled flag.
        let mut ids: Vec<&str> = members
            .iter()
            .map(|m| m["userId"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        let mut expected = vec![organizer.to_string(), activist.to_string()];
        expected.sort_unstable();
        assert_eq!(ids, expected, "{role:?}");
        let activist_row = members
            .iter()
            .find(|m| m["userId"] == json!(activist.to_string()))
            .unwrap();
        assert_eq!(activist_row["role"], json!("ACTIVIST"));
        assert_eq!(
            activist_row["email"],
            json!(format!("{}@example.org", activist.as_uuid().simple()))
        );
    }
    for (user, role) in [
        (activist, Role::Activist),
        (UserId::new_random(), Role::Analyst),
    ] {
        let refused = post_graphql(&acting_as(&api, user, role), query, json!({})).await;
        assert_eq!(refused.error_code(), "FORBIDDEN", "{role:?}");
    }
}

/// The campaign's field `name` with its responses, by GraphQL; returns the field's and responses' ids.
async fn field_with_responses(
    api: &TestApi,
    campaign: &str,
    name: &str,
    responses: &[&str],
) -> (String, Vec<String>) {
    let created =
        |answer: Answer, at: &str| answer.data()[at]["createdId"].as_str().unwrap().to_string();
    let section = created(
        api.graphql(
            "mutation($c: ID!) { addFieldSection(input: {campaignId: $c, name: \"Issues\"}) { createdId } }",
            json!({"c": campaign}),
        )
        .await,
        "addFieldSection",
    );
    let field = created(
        api.graphql(
            "mutation($c: ID!, $s: ID!, $n: String!) { addField(input: {campaignId: $c, sectionId: $s, name: $n, type: STANDARD, allowsMultiple: true}) { createdId } }",
            json!({"c": campaign, "s": section, "n": name}),
        )
        .await,
        "addField",
    );
    let mut ids = Vec::new();
    for response in responses {
        ids.push(created(
            api.graphql(
                "mutation($c: ID!, $f: ID!, $n: String!) { addFieldResponse(input: {campaignId: $c, fieldId: $f, name: $n}) { createdId } }",
                json!({"c": campaign, "f": field, "n": response}),
            )
            .await,
            "addFieldResponse",
        ));
    }
    (field, ids)
}

async fn a_one_on_one_defaults_to_now_and_takes_issues_by_name(backend: TestBackend) {
    use domain::person::{Person, PersonEvent};
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    let (field, responses) =
        field_with_responses(&api, &campaign, "Top issues", &["Pay", "Staffing"]).await;
    let log = "mutation($input: LogOneOnOneInput!) { logOneOnOne(input: $input) { version } }";

    let before = chrono::Utc::now();
    api.graphql(
        log,
        json!({"input": {"personId": ana, "issues": [
            {"field": " top issues ", "response": "pay"},
            {"fieldId": field, "responseId": responses[1]},
        ]}}),
    )
    .await
    .data();
    let after = chrono::Utc::now();
    let events = store::AggregateStore::<Person>::new(api.groundwork.store().clone())
        .load_all_events(&ana)
        .await
        .unwrap();
    let (held_at, issues) = events
        .iter()
        .find_map(|event| match &event.payload {
            PersonEvent::OneOnOneLogged {
                held_at, issues, ..
            } => Some((*held_at, issues.clone())),
            _ => None,
        })
        .unwrap();
    assert!(before <= held_at && held_at <= after, "{held_at}");
    let named: Vec<(String, String)> = issues
        .iter()
        .map(|issue| (issue.field_id.to_string(), issue.response_id.to_string()))
        .collect();
    assert_eq!(
        named,
        vec![
            (field.clone(), responses[0].clone()),
            (field.clone(), responses[1].clone())
        ]
    );

    // Unknown names are refused, naming the input path.
    let refused = api
        .graphql(
            log,
            json!({"input": {"personId": ana, "issues": [{"field": "Top issues", "response": "Parking"}]}}),
        )
        .await;
    assert_eq!(refusal(&refused), validation("input.issues[0].response"));
    let refused = api
        .graphql(
            log,
            json!({"input": {"personId": ana, "issues": [{"fieldId": field, "responseId": responses[0]}, {"field": "Shifts", "response": "Pay"}]}}),
        )
        .await;
    assert_eq!(refusal(&refused), validation("input.issues[1].field"));
}

async fn a_query_after_a_mutation_sees_it(backend: TestBackend) {
    let mut api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital").await;
    let ana = api.add_person(&campaign, "Ana", "García").await;
    // Projection stopped: the mutation commits, the read models do not move until a runner starts again.
    api.runner.take().unwrap().stop().await;
    api.graphql(
        "mutation($p: ID!) { renamePerson(input: {personId: $p, givenName: \"Ana María\", familyName: \"García\"}) { version } }",
        json!({"p": ana}),
    )
    .await
    .data();
    let router = api.router.clone();
    let query = tokio::spawn(async move {
        post_graphql(
            &router,
            "query($p: ID!) { person(id: $p) { name } }",
            json!({"p": ana}),
        )
        .await
    });
    // The query waits for the caller's write until projection resumes; a query that did not wait would
    // (almost always, as the runner has yet to start) answer the old name.
    let runner = api.read_models.start(projections::RunnerOptions::default());
    let answer = query.await.unwrap();
    assert_eq!(answer.data()["person"]["name"], json!("Ana María García"));
    runner.stop().await;
}
