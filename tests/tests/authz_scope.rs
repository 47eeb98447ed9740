//! Campaign narrowing, activists' turf by unit, the notes read path and exports, on every backend, through
//! the GraphQL schema as members of a real chapter (accounts created by the admin's own mutations).
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::access::{Identity, Role, Via};
use api::accounts::Accounts;
use api::graphql::{GraphqlSettings, GroundworkSchema, SchemaDeps};
use api::http::ApiOptions;
use domain::ids::{ChapterId, UserId};
use serde_json::{json, Value};
use std::sync::Arc;
use tests::{backend_tests, TestBackend};

backend_tests!(
    a_narrowed_member_sees_and_changes_only_their_campaigns,
    an_activist_works_the_people_of_their_units_and_sub_units,
    notes_are_read_from_the_person_stream_and_logged,
    an_export_needs_the_export_grant_and_shows_only_what_its_caller_may_read,
    an_admin_cannot_take_over_a_member_of_another_chapter,
    a_subscription_ends_when_its_members_campaigns_change,
    a_member_removed_and_added_again_starts_without_their_old_scope,
);

struct Scene {
    api: TestApi,
    schema: GroundworkSchema,
    chapter: ChapterId,
    admin: UserId,
    campaign: String,
    other_campaign: String,
    /// A unit of `campaign` and its sub-unit.
    floor: String,
    room: String,
    /// In `room`.
    roomie: String,
    /// In no unit.
    loner: String,
    /// In `other_campaign`.
    elsewhere: String,
}

fn identity(user: UserId, chapter: ChapterId, role: Role) -> Identity {
    Identity {
        user,
        chapter,
        role,
        personal_data: false,
        can_export: false,
        via: Via::Development,
    }
}

async fn run(schema: &GroundworkSchema, caller: &Identity, query: &str, variables: Value) -> Value {
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(caller.clone());
    serde_json::to_value(schema.execute(request).await).unwrap()
}

/// The answer's data, after checking it has no errors.
fn data(answer: &Value) -> &Value {
    assert!(
        answer["errors"]
            .as_array()
            .is_none_or(|errors| errors.is_empty()),
        "expected no errors: {answer:#}"
    );
    &answer["data"]
}

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

impl Scene {
    fn admin(&self) -> Identity {
        identity(self.admin, self.chapter, Role::Admin)
    }

    async fn as_admin(&self, query: &str, variables: Value) -> Value {
        let answer = run(&self.schema, &self.admin(), query, variables).await;
        data(&answer).clone()
    }

    /// Invites a member with `role` through `addUser` and accepts for them; returns their identity.
    async fn member(&self, email: &str, role: &str) -> Identity {
        let user = tests::invitations::invite_and_accept(
            |query, variables| async move { self.as_admin(query, variables).await },
            self.api.groundwork.store(),
            email,
            role,
        )
        .await;
        let role = Role::parse(role).unwrap();
        identity(user, self.chapter, role)
    }

    /// Waits until the read models show everything committed so far.
    async fn projected(&self) {
        let head = self.api.log_head().await;
        assert!(self
            .api
            .read_models
            .wait_until(head, std::time::Duration::from_secs(30))
            .await
            .unwrap());
    }
}

async fn scene(backend: TestBackend) -> Scene {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    let password = secrecy::SecretString::from("a long enough passphrase");
    let (admin, chapter) = api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Chapter",
        &password,
    )
    .await
    .unwrap();
    let schema = api::graphql::schema(SchemaDeps {
        groundwork: api.groundwork.clone(),
        read_models: api.read_models.clone(),
        accounts: Arc::new(Accounts::new(api.groundwork.store().clone())),
        settings: GraphqlSettings::default(),
    });
    let mut scene = Scene {
        api,
        schema,
        chapter,
        admin,
        campaign: String::new(),
        other_campaign: String::new(),
        floor: String::new(),
        room: String::new(),
        roomie: String::new(),
        loner: String::new(),
        elsewhere: String::new(),
    };
    let campaign = |name: &'static str| {
        let scene = &scene;
        async move {
            scene
                .as_admin(
                    "mutation($n: String!) { createCampaign(input: {name: $n, goal: 10}) { id } }",
                    json!({"n": name}),
                )
                .await["createCampaign"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let (first, second) = (campaign("Drive").await, campaign("Other drive").await);
    let unit = |campaign: String, name: &'static str, parent: Option<String>| {
        let scene = &scene;
        async move {
            scene
                .as_admin(
                    "mutation($c: ID!, $n: String!, $p: ID) { addUnit(input: {campaignId: $c, name: $n, kind: \"Unit\", parentId: $p}) { createdId } }",
                    json!({"c": campaign, "n": name, "p": parent}),
                )
                .await["addUnit"]["createdId"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let floor = unit(first.clone(), "Floor 1", None).await;
    let room = unit(first.clone(), "Room 101", Some(floor.clone())).await;
    let person = |campaign: String, given: &'static str| {
        let scene = &scene;
        async move {
            scene
                .as_admin(
                    "mutation($c: ID!, $g: String!) { addPerson(input: {campaignId: $c, givenName: $g, familyName: \"Rivera\"}) { id } }",
                    json!({"c": campaign, "g": given}),
                )
                .await["addPerson"]["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let roomie = person(first.clone(), "Ana").await;
    let loner = person(first.clone(), "Ben").await;
    let elsewhere = person(second.clone(), "Cat").await;
    scene
        .as_admin(
            "mutation($p: ID!, $u: ID!) { joinUnit(input: {personId: $p, unitId: $u}) { version } }",
            json!({"p": roomie, "u": room}),
        )
        .await;
    scene.campaign = first;
    scene.other_campaign = second;
    scene.floor = floor;
    scene.room = room;
    scene.roomie = roomie;
    scene.loner = loner;
    scene.elsewhere = elsewhere;
    scene.projected().await;
    scene
}

async fn a_narrowed_member_sees_and_changes_only_their_campaigns(backend: TestBackend) {
    let scene = scene(backend).await;
    let organizer = scene.member("org@example.org", "organizer").await;
    let narrow = |campaigns: Vec<String>| {
        let scene = &scene;
        let user = organizer.user;
        async move {
            scene
                .as_admin(
                    "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { campaignIds } }",
                    json!({"u": user.to_string(), "c": campaigns}),
                )
                .await["setUserCampaigns"]["campaignIds"]
                .clone()
        }
    };
    assert_eq!(
        narrow(vec![scene.other_campaign.clone()]).await,
        json!([scene.other_campaign])
    );
    let ask = |query: &'static str, variables: Value| {
        let scene = &scene;
        let organizer = organizer.clone();
        async move { run(&scene.schema, &organizer, query, variables).await }
    };
    // Reads: the other campaign only; the first one looks like another chapter's.
    let campaigns = ask("{ campaigns { id } }", json!({})).await;
    assert_eq!(
        data(&campaigns)["campaigns"],
        json!([{"id": scene.other_campaign}])
    );
    let reads = ask(
        "query($c: ID!, $p: ID!) { campaign(id: $c) { id } people(campaignId: $c) { totalCount } wallChart(campaignId: $c) { totals { people } } person(id: $p) { id } personNotes(personId: $p) { text } activity(campaignId: $c) { totalCount } }",
        json!({"c": scene.campaign, "p": scene.roomie}),
    )
    .await;
    let reads = data(&reads);
    assert!(reads["campaign"].is_null(), "{reads:#}");
    assert_eq!(reads["people"]["totalCount"], 0);
    assert!(reads["wallChart"].is_null());
    assert!(reads["person"].is_null());
    assert!(reads["personNotes"].is_null());
    assert_eq!(reads["activity"]["totalCount"], 0);
    let own = ask(
        "query($c: ID!, $p: ID!) { people(campaignId: $c) { totalCount } person(id: $p) { id } }",
        json!({"c": scene.other_campaign, "p": scene.elsewhere}),
    )
    .await;
    assert_eq!(data(&own)["people"]["totalCount"], 1);
    assert_eq!(data(&own)["person"]["id"], scene.elsewhere.as_str());
    // Chapter-wide task lists hold only the reached campaign's tasks.
    for (campaign, title) in [
        (&scene.campaign, "First"),
        (&scene.other_campaign, "Second"),
    ] {
        scene
            .as_admin(
                "mutation($c: ID!, $a: ID!, $t: String!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: $t, assigneeId: $a, subjectIds: []}) { id } }",
                json!({"c": campaign, "a": organizer.user.to_string(), "t": title}),
            )
            .await;
    }
    scene.projected().await;
    let tasks = ask(
        "{ tasks { totalCount edges { node { title } } } myTasks { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(data(&tasks)["tasks"]["totalCount"], 1, "{tasks:#}");
    assert_eq!(data(&tasks)["tasks"]["edges"][0]["node"]["title"], "Second");
    assert_eq!(data(&tasks)["myTasks"]["totalCount"], 1);
    // Writes: NOT_FOUND on the other campaign's things, as for another chapter's; nothing changes.
    let rename = "mutation($p: ID!) { renamePerson(input: {personId: $p, givenName: \"Renamed\"}) { version } }";
    let refused = ask(rename, json!({"p": scene.roomie})).await;
    assert_eq!(code(&refused), "NOT_FOUND", "{refused:#}");
    let added = ask(
        "mutation($c: ID!) { addPerson(input: {campaignId: $c, givenName: \"Dee\"}) { id } }",
        json!({"c": scene.campaign}),
    )
    .await;
    assert_eq!(code(&added), "NOT_FOUND", "{added:#}");
    let allowed = ask(rename, json!({"p": scene.elsewhere})).await;
    data(&allowed);
    scene.projected().await;
    let names = scene
        .as_admin(
            "query($a: ID!, $b: ID!) { a: person(id: $a) { name } b: person(id: $b) { name } }",
            json!({"a": scene.roomie, "b": scene.elsewhere}),
        )
        .await;
    assert_eq!(names["a"]["name"], "Ana Rivera");
    assert_eq!(names["b"]["name"], "Renamed");
    // A lead narrowed to a campaign cannot create campaigns for the chapter.
    let lead = scene.member("lead@example.org", "lead").await;
    scene
        .as_admin(
            "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { id } }",
            json!({"u": lead.user.to_string(), "c": [scene.other_campaign]}),
        )
        .await;
    let created = run(
        &scene.schema,
        &lead,
        "mutation { createCampaign(input: {name: \"Mine\", goal: 1}) { id } }",
        json!({}),
    )
    .await;
    assert_eq!(code(&created), "FORBIDDEN", "{created:#}");
    // Admins are never narrowed; another chapter's campaign cannot be named.
    let admin_narrowed = run(
        &scene.schema,
        &scene.admin(),
        "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { id } }",
        json!({"u": scene.admin.to_string(), "c": [scene.campaign]}),
    )
    .await;
    assert_eq!(code(&admin_narrowed), "VALIDATION", "{admin_narrowed:#}");
    let unknown = run(
        &scene.schema,
        &scene.admin(),
        "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { id } }",
        json!({"u": organizer.user.to_string(), "c": [uuid::Uuid::new_v4().to_string()]}),
    )
    .await;
    assert_eq!(code(&unknown), "NOT_FOUND", "{unknown:#}");
    // Narrowed to both campaigns, a task list names the campaign it is about.
    narrow(vec![scene.campaign.clone(), scene.other_campaign.clone()]).await;
    let unnamed = ask("{ tasks { totalCount } }", json!({})).await;
    assert_eq!(code(&unnamed), "VALIDATION", "{unnamed:#}");
    let named = ask(
        "query($c: ID!) { tasks(filter: {campaignId: $c}) { edges { node { title } } } }",
        json!({"c": scene.campaign}),
    )
    .await;
    assert_eq!(
        data(&named)["tasks"]["edges"][0]["node"]["title"],
        "First",
        "{named:#}"
    );
    // Widened again: the whole chapter.
    assert!(narrow(Vec::new()).await.is_null());
    let campaigns = ask("{ campaigns { id } }", json!({})).await;
    assert_eq!(
        data(&campaigns)["campaigns"].as_array().unwrap().len(),
        2,
        "{campaigns:#}"
    );
    scene.api.stop().await;
}

async fn an_activist_works_the_people_of_their_units_and_sub_units(backend: TestBackend) {
    let scene = scene(backend).await;
    let activist = scene.member("act@example.org", "activist").await;
    let lead = scene.member("lead@example.org", "lead").await;
    let ask = |query: &'static str, variables: Value| {
        let scene = &scene;
        let activist = activist.clone();
        async move { run(&scene.schema, &activist, query, variables).await }
    };
    let people = "query($c: ID!) { people(campaignId: $c) { totalCount edges { node { id } } } }";
    let before = ask(people, json!({"c": scene.campaign})).await;
    assert_eq!(data(&before)["people"]["totalCount"], 0, "{before:#}");
    let note = "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Met at the gate\"}) { createdId } }";
    assert_eq!(
        code(&ask(note, json!({"p": scene.roomie})).await),
        "FORBIDDEN"
    );
    // The lead gives the activist the floor; its room's people are theirs now.
    let assigned = run(
        &scene.schema,
        &lead,
        "mutation($u: ID!, $c: ID!, $f: ID!) { assignTurfUnit(input: {userId: $u, campaignId: $c, unitId: $f}) { turfUnits { unitId } } }",
        json!({"u": activist.user.to_string(), "c": scene.campaign, "f": scene.floor}),
    )
    .await;
    assert_eq!(
        data(&assigned)["assignTurfUnit"]["turfUnits"],
        json!([{"unitId": scene.floor}])
    );
    let after = ask(people, json!({"c": scene.campaign})).await;
    assert_eq!(data(&after)["people"]["totalCount"], 1, "{after:#}");
    assert_eq!(
        data(&after)["people"]["edges"][0]["node"]["id"],
        scene.roomie.as_str()
    );
    let person = "query($p: ID!) { person(id: $p) { id } }";
    assert_eq!(
        data(&ask(person, json!({"p": scene.roomie})).await)["person"]["id"],
        scene.roomie.as_str()
    );
    assert!(data(&ask(person, json!({"p": scene.loner})).await)["person"].is_null());
    // Writes on the turf: a note, their own 1:1, a structure-test step; nothing else, nowhere else.
    data(&ask(note, json!({"p": scene.roomie})).await);
    assert_eq!(
        code(&ask(note, json!({"p": scene.loner})).await),
        "FORBIDDEN"
    );
    let one_on_one = "mutation($p: ID!, $o: ID) { logOneOnOne(input: {personId: $p, organizerId: $o, heldAt: \"2026-05-01T10:00:00Z\", notes: \"Worried about shifts\"}) { createdId } }";
    data(&ask(one_on_one, json!({"p": scene.roomie, "o": null})).await);
    let as_someone_else = ask(
        one_on_one,
        json!({"p": scene.roomie, "o": lead.user.to_string()}),
    )
    .await;
    assert_eq!(code(&as_someone_else), "FORBIDDEN", "{as_someone_else:#}");
    let assess = ask(
        "mutation($p: ID!) { assessPerson(input: {personId: $p, level: 2}) { version } }",
        json!({"p": scene.roomie}),
    )
    .await;
    assert_eq!(code(&assess), "FORBIDDEN", "{assess:#}");
    let test = scene
        .as_admin(
            "mutation($c: ID!) { createStructureTest(input: {campaignId: $c, name: \"Petition\", goalPercent: 70, deadline: \"2026-12-31\", scopeUnitIds: []}) { id } }",
            json!({"c": scene.campaign}),
        )
        .await["createStructureTest"]["id"]
        .clone();
    let step = "mutation($p: ID!, $t: ID!) { recordStructureTestStep(input: {personId: $p, structureTestId: $t, step: ASKED}) { version } }";
    data(&ask(step, json!({"p": scene.roomie, "t": test})).await);
    assert_eq!(
        code(&ask(step, json!({"p": scene.loner, "t": test})).await),
        "FORBIDDEN"
    );
    // Their own tasks they complete; others' they cannot touch.
    let task = |assignee: UserId| {
        let scene = &scene;
        async move {
            scene
                .as_admin(
                    "mutation($c: ID!, $a: ID!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: \"Call back\", assigneeId: $a, subjectIds: []}) { id } }",
                    json!({"c": scene.campaign, "a": assignee.to_string()}),
                )
                .await["assignTask"]["id"]
                .clone()
        }
    };
    let mine = task(activist.user).await;
    let theirs = task(lead.user).await;
    let complete = "mutation($t: ID!) { completeTask(input: {taskId: $t}) { version } }";
    data(&ask(complete, json!({"t": mine})).await);
    assert_eq!(
        code(&ask(complete, json!({"t": theirs})).await),
        "FORBIDDEN"
    );
    // Unassigned: the room's people are out of reach again.
    let unassigned = run(
        &scene.schema,
        &lead,
        "mutation($u: ID!, $c: ID!, $f: ID!) { unassignTurfUnit(input: {userId: $u, campaignId: $c, unitId: $f}) { turfUnits { unitId } } }",
        json!({"u": activist.user.to_string(), "c": scene.campaign, "f": scene.floor}),
    )
    .await;
    assert_eq!(
        data(&unassigned)["unassignTurfUnit"]["turfUnits"],
        json!([])
    );
    assert!(data(&ask(person, json!({"p": scene.roomie})).await)["person"].is_null());
    assert_eq!(
        code(&ask(note, json!({"p": scene.roomie})).await),
        "FORBIDDEN"
    );
    // A unit of another campaign, or one that does not exist, cannot be assigned.
    let wrong_unit = run(
        &scene.schema,
        &lead,
        "mutation($u: ID!, $c: ID!, $f: ID!) { assignTurfUnit(input: {userId: $u, campaignId: $c, unitId: $f}) { id } }",
        json!({"u": activist.user.to_string(), "c": scene.other_campaign, "f": scene.floor}),
    )
    .await;
    assert_eq!(code(&wrong_unit), "NOT_FOUND", "{wrong_unit:#}");
    scene.api.stop().await;
}

async fn notes_are_read_from_the_person_stream_and_logged(backend: TestBackend) {
    let scene = scene(backend).await;
    let organizer = scene.member("org@example.org", "organizer").await;
    let activist = scene.member("act@example.org", "activist").await;
    scene
        .as_admin(
            "mutation($p: ID!, $o: ID!) { assignOrganizer(input: {personId: $p, organizerId: $o}) { version } }",
            json!({"p": scene.roomie, "o": activist.user.to_string()}),
        )
        .await;
    let write = |caller: Identity, query: &'static str| {
        let scene = &scene;
        async move {
            let answer = run(&scene.schema, &caller, query, json!({"p": scene.roomie})).await;
            data(&answer).clone()
        }
    };
    write(
        organizer.clone(),
        "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Organizer's private note\"}) { version } }",
    )
    .await;
    write(
        organizer.clone(),
        "mutation($p: ID!) { logOneOnOne(input: {personId: $p, heldAt: \"2026-05-01T10:00:00Z\", notes: \"Fears retaliation\", nextStep: \"Meet the committee\", assessment: 2}) { version } }",
    )
    .await;
    write(
        activist.clone(),
        "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Activist's note\"}) { version } }",
    )
    .await;
    let notes = "query($p: ID!) { personNotes(personId: $p) { kind text erased writtenById } }";
    let read = |caller: Identity| {
        let scene = &scene;
        async move { run(&scene.schema, &caller, notes, json!({"p": scene.roomie})).await }
    };
    let all = read(scene.admin()).await;
    let texts: Vec<&str> = data(&all)["personNotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|note| note["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Organizer's private note",
            "Fears retaliation",
            "Meet the committee",
            "Activist's note"
        ],
        "{all:#}"
    );
    assert_eq!(data(&all)["personNotes"][1]["kind"], "ONE_ON_ONE");
    assert_eq!(data(&all)["personNotes"][2]["kind"], "NEXT_STEP");
    // The activist sees only what they wrote.
    let own = read(activist.clone()).await;
    assert_eq!(
        data(&own)["personNotes"],
        json!([{"kind": "NOTE", "text": "Activist's note", "erased": false, "writtenById": activist.user.to_string()}])
    );
    // Analysts only with the personal-data grant.
    let analyst = identity(UserId::new_random(), scene.chapter, Role::Analyst);
    assert_eq!(code(&read(analyst.clone()).await), "FORBIDDEN");
    let granted = read(Identity {
        personal_data: true,
        ..analyst
    })
    .await;
    assert_eq!(data(&granted)["personNotes"].as_array().unwrap().len(), 4);
    // Every read is in the access log; the refused one is not.
    let log = scene
        .as_admin(
            "{ accessLog(first: 50) { action subjectId userId } }",
            json!({}),
        )
        .await;
    let reads: Vec<&Value> = log["accessLog"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "READ_NOTES")
        .collect();
    assert_eq!(reads.len(), 3, "{log:#}");
    assert!(reads
        .iter()
        .all(|entry| entry["subjectId"] == scene.roomie.as_str()));
    assert!(reads
        .iter()
        .any(|entry| entry["userId"] == activist.user.to_string().as_str()));
    // The notes' plaintext is nowhere at rest: not in a read model, not in the sealed events.
    let bytes = scene.api.backend.raw_bytes();
    for text in [
        "Organizer's private note",
        "Fears retaliation",
        "Activist's note",
    ] {
        assert!(
            !bytes
                .windows(text.len())
                .any(|window| window == text.as_bytes()),
            "plaintext `{text}` found at rest"
        );
    }
    // Forgotten: the notes are still listed, erased.
    scene
        .as_admin(
            "mutation($p: ID!) { forgetPerson(input: {personId: $p}, confirm: \"FORGET\") { version } }",
            json!({"p": scene.roomie}),
        )
        .await;
    let erased = read(scene.admin()).await;
    let erased = data(&erased)["personNotes"].as_array().unwrap().clone();
    assert_eq!(erased.len(), 4);
    assert!(erased
        .iter()
        .all(|note| note["text"].is_null() && note["erased"] == true));
    scene.api.stop().await;
}

async fn an_export_needs_the_export_grant_and_shows_only_what_its_caller_may_read(
    backend: TestBackend,
) {
    let scene = scene(backend).await;
    let export = "query($c: ID!) { exportPeople(campaignId: $c) { rows csv } }";
    let organizer = scene.member("org@example.org", "organizer").await;
    let refused = run(
        &scene.schema,
        &organizer,
        export,
        json!({"c": scene.campaign}),
    )
    .await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused:#}");
    // The admin grants export; the identity of the next request carries it.
    let granted = scene
        .as_admin(
            "mutation($u: ID!) { setUserRole(input: {userId: $u, role: ORGANIZER, canExport: true}) { canExport } }",
            json!({"u": organizer.user.to_string()}),
        )
        .await;
    assert_eq!(granted["setUserRole"]["canExport"], true);
    let exporter = Identity {
        can_export: true,
        ..organizer.clone()
    };
    let answer = run(
        &scene.schema,
        &exporter,
        export,
        json!({"c": scene.campaign}),
    )
    .await;
    let exported = &data(&answer)["exportPeople"];
    assert_eq!(exported["rows"], 2);
    let csv = exported["csv"].as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "person_id,name,level,organizer_id,follow_up,status,preferred_language,unit_ids"
    );
    assert!(
        lines[1].starts_with(&format!("{},Ana Rivera,", scene.roomie)),
        "{csv}"
    );
    assert!(lines[1].ends_with(&scene.room), "{csv}");
    assert!(
        lines[2].starts_with(&format!("{},Ben Rivera,", scene.loner)),
        "{csv}"
    );
    // An analyst's export is masked; an activist's holds their turf only.
    let analyst = Identity {
        can_export: true,
        ..identity(UserId::new_random(), scene.chapter, Role::Analyst)
    };
    let masked = run(
        &scene.schema,
        &analyst,
        export,
        json!({"c": scene.campaign}),
    )
    .await;
    let masked = data(&masked)["exportPeople"]["csv"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!masked.contains("Rivera"), "{masked}");
    assert_eq!(masked.lines().count(), 3);
    let activist = scene.member("act@example.org", "activist").await;
    scene
        .as_admin(
            "mutation($u: ID!, $c: ID!, $f: ID!) { assignTurfUnit(input: {userId: $u, campaignId: $c, unitId: $f}) { id } }",
            json!({"u": activist.user.to_string(), "c": scene.campaign, "f": scene.room}),
        )
        .await;
    let turf = run(
        &scene.schema,
        &Identity {
            can_export: true,
            ..activist.clone()
        },
        export,
        json!({"c": scene.campaign}),
    )
    .await;
    assert_eq!(data(&turf)["exportPeople"]["rows"], 1, "{turf:#}");
    // Narrowed to the other campaign: the first one exports nothing.
    scene
        .as_admin(
            "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { id } }",
            json!({"u": organizer.user.to_string(), "c": [scene.other_campaign]}),
        )
        .await;
    let narrowed = run(
        &scene.schema,
        &exporter,
        export,
        json!({"c": scene.campaign}),
    )
    .await;
    assert!(data(&narrowed)["exportPeople"].is_null(), "{narrowed:#}");
    // Each export is in the access log with its row count.
    let log = scene
        .as_admin(
            "{ accessLog(first: 50) { action subjectId detail userId } }",
            json!({}),
        )
        .await;
    let exports: Vec<&Value> = log["accessLog"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "EXPORT")
        .collect();
    assert_eq!(exports.len(), 3, "{log:#}");
    assert!(exports
        .iter()
        .all(|entry| entry["subjectId"] == scene.campaign.as_str()));
    let mut details: Vec<&str> = exports
        .iter()
        .map(|entry| entry["detail"].as_str().unwrap())
        .collect();
    details.sort_unstable();
    assert_eq!(details, ["1 rows", "2 rows", "2 rows"]);
    scene.api.stop().await;
}

async fn an_admin_cannot_take_over_a_member_of_another_chapter(backend: TestBackend) {
    let scene = scene(backend).await;
    let password = secrecy::SecretString::from("another long passphrase");
    let (other_admin, _) = api::accounts::create_chapter_with_admin(
        &scene.api.groundwork,
        "b-admin@example.org",
        "Chapter B",
        &password,
    )
    .await
    .unwrap();
    // The admin of chapter A invites B's admin as an organizer of A: only an invitation, nothing more, until
    // its holder accepts it (ADR 16).
    let invited = scene
        .as_admin(
            "mutation { addUser(input: {email: \"b-admin@example.org\", role: ORGANIZER}) { invitation { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        invited["addUser"]["invitation"]["email"],
        "b-admin@example.org"
    );
    let users = scene.as_admin("{ users { id } }", json!({})).await;
    assert!(
        !users.to_string().contains(&other_admin.to_string()),
        "{users:#}"
    );
    // So B's admin is nobody in A: no new password, no disabling.
    for mutation in [
        "mutation($u: ID!) { resetUserPassword(userId: $u) }",
        "mutation($u: ID!) { disableUser(userId: $u) { id } }",
    ] {
        let answer = run(
            &scene.schema,
            &scene.admin(),
            mutation,
            json!({"u": other_admin.to_string()}),
        )
        .await;
        assert_eq!(code(&answer), "NOT_FOUND", "{answer:#}");
    }
    let signed_in = Accounts::new(scene.api.groundwork.store().clone())
        .sign_in("b-admin@example.org", &password, None, None)
        .await;
    assert!(signed_in.is_ok(), "B's admin keeps their password");
    scene.api.stop().await;
}

async fn a_subscription_ends_when_its_members_campaigns_change(backend: TestBackend) {
    use futures::StreamExt as _;
    let scene = scene(backend).await;
    let organizer = scene.member("org@example.org", "organizer").await;
    let mut changes = scene.schema.execute_stream(
        async_graphql::Request::new("subscription { myTaskChanges { taskId stillMine } }")
            .data(organizer.clone()),
    );
    // The first poll starts the subscription; nothing has happened yet.
    let nothing_yet =
        tokio::time::timeout(std::time::Duration::from_millis(200), changes.next()).await;
    assert!(nothing_yet.is_err(), "{nothing_yet:?}");
    let assign = |campaign: String| {
        let scene = &scene;
        let user = organizer.user;
        async move {
            scene
                .as_admin(
                    "mutation($c: ID!, $a: ID!) { assignTask(input: {campaignId: $c, kind: FOLLOW_UP, title: \"Call\", assigneeId: $a}) { id } }",
                    json!({"c": campaign, "a": user.to_string()}),
                )
                .await["assignTask"]["id"]
                .clone()
        }
    };
    // A guard against hanging, not a timed assertion.
    let patience = std::time::Duration::from_secs(60);
    let task = assign(scene.campaign.clone()).await;
    let delivered = tokio::time::timeout(patience, changes.next())
        .await
        .unwrap()
        .unwrap();
    let delivered = serde_json::to_value(delivered).unwrap();
    assert_eq!(delivered["data"]["myTaskChanges"]["taskId"], task);
    // Narrowed: the subscription ends at its next delivery, even for a task of a campaign still reached.
    scene
        .as_admin(
            "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { id } }",
            json!({"u": organizer.user.to_string(), "c": [scene.other_campaign]}),
        )
        .await;
    assign(scene.other_campaign.clone()).await;
    let ended = tokio::time::timeout(patience, changes.next())
        .await
        .unwrap();
    assert!(ended.is_none(), "{ended:?}");
    scene.api.stop().await;
}

async fn a_member_removed_and_added_again_starts_without_their_old_scope(backend: TestBackend) {
    let scene = scene(backend).await;
    let activist = scene.member("act@example.org", "activist").await;
    let user = activist.user.to_string();
    scene
        .as_admin(
            "mutation($u: ID!, $c: ID!, $f: ID!) { assignTurfUnit(input: {userId: $u, campaignId: $c, unitId: $f}) { id } }",
            json!({"u": user, "c": scene.campaign, "f": scene.floor}),
        )
        .await;
    scene
        .as_admin(
            "mutation($u: ID!, $c: [ID!]!) { setUserCampaigns(input: {userId: $u, campaignIds: $c}) { id } }",
            json!({"u": user, "c": [scene.campaign]}),
        )
        .await;
    let scope_of = |users: &Value| {
        users["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|member| member["id"] == user.as_str())
            .map(|member| (member["campaignIds"].clone(), member["turfUnits"].clone()))
    };
    let users = "{ users { id campaignIds turfUnits { unitId } } }";
    let (campaigns, turf) = scope_of(&scene.as_admin(users, json!({})).await).unwrap();
    assert_eq!(campaigns, json!([scene.campaign]));
    assert_eq!(turf, json!([{"unitId": scene.floor}]));

    let removed = scene
        .as_admin(
            "mutation($u: ID!) { removeUser(userId: $u) }",
            json!({"u": user}),
        )
        .await;
    assert_eq!(removed["removeUser"], true);
    assert_eq!(scope_of(&scene.as_admin(users, json!({})).await), None);

    // Added again, the same account has a plain membership: no old narrowing, no old turf.
    let again = scene.member("act@example.org", "activist").await;
    assert_eq!(again.user, activist.user);
    let (campaigns, turf) = scope_of(&scene.as_admin(users, json!({})).await).unwrap();
    assert!(
        campaigns.is_null() || campaigns == json!([]),
        "old narrowing came back: {campaigns}"
    );
    assert_eq!(turf, json!([]), "old turf came back");
}
