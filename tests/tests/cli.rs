//! The `groundwork` binary as an operator runs it: real processes (`tests::process`), a temporary working
//! directory and data directory per test, and a fresh PostgreSQL database where the test runs on PostgreSQL.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;
use tests::process::{backend_name, http_get, mode_of, serve, Sandbox, COMMAND_TIMEOUT};
use tests::{decode_base64, ws, Kind};

/// Plain text the demo writes into personal fields (every demo person has an `@example.org` address; the
/// names are among the demo's family names and long enough not to turn up by chance in base64).
const DEMO_PLAINTEXT: &[&str] = &[
    "example.org",
    "+1 555",
    "asked to be called after 6 pm",
    "Johnson",
    "Williams",
    "Kowalski",
    "Hernández",
    "Martínez",
    "Okafor",
];

/// The export's lines of one kind, parsed.
fn lines_of_kind(export: &str, kind: &str) -> Vec<serde_json::Value> {
    export
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|line| line["kind"] == kind)
        .collect()
}

fn person_key_ids(export: &str) -> Vec<String> {
    lines_of_kind(export, "person_key")
        .iter()
        .map(|line| line["person_id"].as_str().unwrap().to_string())
        .collect()
}

/// A person the demo added to its campaign.
fn some_demo_person(export: &str) -> String {
    lines_of_kind(export, "event")
        .iter()
        .find(|line| line["event_type"] == "PersonAddedToCampaign")
        .map(|line| line["stream_id"].as_str().unwrap().to_string())
        .expect("the demo adds people to its campaign")
}

/// Runs each listed `fn name(kind: Kind)` once per backend, as `sqlite::name` and `postgres::name`.
macro_rules! on_each_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(tests::Kind::Sqlite) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(tests::Kind::Postgres) })*
        }
    };
}

on_each_backend!(
    migrate_creates_the_database_and_a_private_key_file_and_can_run_again,
    serve_answers_healthz_with_its_backend,
    demo_exports_and_imports_into_a_fresh_store_byte_for_byte,
    import_refuses_a_non_empty_store_and_a_wrong_master_key,
    forget_destroys_the_persons_key_and_needs_yes,
    forgetting_on_the_command_line_reaches_a_running_server,
    the_master_key_never_prints,
    a_corrupt_key_file_is_refused,
    a_key_file_others_can_read_is_refused_with_chmod,
    a_master_key_that_is_not_base64_is_refused,
    a_listen_address_that_is_not_one_is_refused,
    admin_create_makes_a_first_admin_who_can_sign_in,
    people_import_stores_a_whole_file_or_nothing_of_it,
    the_command_line_acts_only_as_an_account_of_the_chapter,
    people_and_the_wall_chart_export_from_the_command_line_and_as_downloads,
    people_import_previews_updates_lists_and_undoes,
    webhooks_arrive_at_least_once_through_a_receiver_outage_and_a_killed_server,
);

/// The account the demo's chapter is created with; the commands on its people run as this account.
const LEAD: &str = "lead@example.org";

/// The demo's campaign, from an export.
fn demo_campaign(export: &str) -> String {
    lines_of_kind(export, "event")
        .iter()
        .find(|line| line["event_type"] == "CampaignCreated")
        .map(|line| line["stream_id"].as_str().unwrap().to_string())
        .expect("the demo creates a campaign")
}

fn people_import_stores_a_whole_file_or_nothing_of_it(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.demo_with_admin(LEAD, "3");
    let before = sandbox.export();
    let campaign = demo_campaign(&before);
    let added = |export: &str| {
        lines_of_kind(export, "event")
            .iter()
            .filter(|line| line["event_type"] == "PersonAddedToCampaign")
            .count()
    };
    assert_eq!(added(&before), 3);
    let import = |file: &str| {
        sandbox.run(&[
            "people",
            "import",
            "--as",
            LEAD,
            "--campaign",
            &campaign,
            file,
        ])
    };

    // Line 4 has a broken email: the error names the line and the column, and nothing is stored.
    let broken = sandbox.write(
        "broken.csv",
        "given_name,family_name,email,phone,unit,responses,level,language\n\
         Rosa,Quintero,rosa@example.org,+1 555 010 0001,Riverside General Hospital/Emergency/Night shift,Top issues: Pay,3,es\n\
         \"Lee, Jr.\",Park,lee@example.org,,riverside general hospital / surgery,Top issues: Staffing; Top issues: Safety,,\n\
         Omar,Haddad,not-an-email,,,,2,\n",
    );
    let failure = import(&broken);
    let message = failure.assert_failure_naming("line 4, column email");
    assert!(message.contains("broken.csv"), "{message}");
    assert_eq!(
        sandbox.export(),
        before,
        "a broken row stores nothing of the file"
    );

    // A unit path that does not exist and an unknown column are named the same way.
    let unknown_unit = sandbox.write(
        "unit.csv",
        "given_name,family_name,unit\nAna,Silva,Riverside General Hospital/Radiology\n",
    );
    import(&unknown_unit).assert_failure_naming("line 2, column unit");
    let unknown_column = sandbox.write(
        "column.csv",
        "given_name,family_name,emial\nAna,Silva,a@b.org\n",
    );
    import(&unknown_column).assert_failure_naming("column `emial` matches nothing");
    // A level the domain refuses is caught before anything is written, too.
    let off_scale = sandbox.write(
        "level.csv",
        "given_name,family_name,level\nAna,Silva,2\nBo,Chen,9\n",
    );
    import(&off_scale).assert_failure_naming("line 3");
    assert_eq!(sandbox.export(), before);

    // The fixed file goes in whole.
    let fixed = sandbox.write(
        "fixed.csv",
        "given_name,family_name,email,phone,unit,responses,level,language\n\
         Rosa,Quintero,rosa@example.org,+1 555 010 0001,Riverside General Hospital/Emergency/Night shift,Top issues: Pay,3,es\n\
         \"Lee, Jr.\",Park,lee@example.org,,riverside general hospital / surgery,Top issues: Staffing; Top issues: Safety,,\n\
         Omar,Haddad,omar@example.org,,,,2,\n",
    );
    let stored = import(&fixed);
    assert!(
        stored
            .assert_success()
            .stderr
            .contains("imported 3 rows (3 created, 0 updated, 0 unchanged, 0 left out)"),
        "{stored:#?}"
    );
    let after = sandbox.export();
    assert_eq!(added(&after), 6);
    assert_eq!(
        person_key_ids(&after).len(),
        6,
        "each imported person got a key"
    );
    for plaintext in ["rosa@example.org", "Quintero", "+1 555 010 0001"] {
        assert!(!after.contains(plaintext), "the export shows `{plaintext}`");
    }
    let events = lines_of_kind(&after, "event");
    let count = |event_type: &str| {
        events
            .iter()
            .filter(|line| line["event_type"] == event_type)
            .count()
    };
    let before_events = lines_of_kind(&before, "event");
    let count_before = |event_type: &str| {
        before_events
            .iter()
            .filter(|line| line["event_type"] == event_type)
            .count()
    };
    // Rosa and Lee join a unit; Rosa and Omar are assessed; three emails and one phone; three responses.
    assert_eq!(
        count("PersonJoinedUnit") - count_before("PersonJoinedUnit"),
        2
    );
    assert_eq!(count("PersonAssessed") - count_before("PersonAssessed"), 2);
    assert_eq!(
        count("ContactPointAdded") - count_before("ContactPointAdded"),
        4
    );
    assert_eq!(
        count("PersonFieldResponseAdded") - count_before("PersonFieldResponseAdded"),
        3
    );
    // All of one file's people are in one transaction.
    let new_tx: std::collections::BTreeSet<i64> = events
        .iter()
        .skip(before_events.len())
        .map(|line| line["tx"].as_i64().unwrap())
        .collect();
    assert_eq!(new_tx.len(), 1, "one transaction for the file");
}

fn people_import_previews_updates_lists_and_undoes(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.demo_with_admin(LEAD, "3");
    let campaign = demo_campaign(&sandbox.export());
    let run = |args: &[&str]| {
        let mut all = vec!["people"];
        all.extend_from_slice(args);
        sandbox.run(&all)
    };
    let first = sandbox.write(
        "first.csv",
        "First Name;Last Name;Email;Employee Number\nRosa;Quintero;rosa@example.org;E-1\nOmar;Haddad;;E-2\n",
    );
    let import = |file: &str, extra: &[&str]| {
        let mut args = vec!["import", "--as", LEAD, "--campaign", &campaign];
        args.extend_from_slice(extra);
        args.push(file);
        run(&args)
    };
    // A dry run shows the plan of every row and writes nothing.
    let before = sandbox.export();
    let dry = import(&first, &["--dry-run"]);
    dry.assert_success();
    assert!(dry.stdout.contains("line 2: create"), "{dry:#?}");
    assert!(dry.stderr.contains("separated by semicolons"), "{dry:#?}");
    assert!(
        dry.stderr
            .contains("column `Employee Number` → external_id:employee_number"),
        "{dry:#?}"
    );
    assert!(dry.stderr.contains("2 to create"), "{dry:#?}");
    let events = |export: &str| lines_of_kind(export, "event").len();
    assert_eq!(
        events(&sandbox.export()),
        events(&before),
        "a dry run writes no event"
    );
    // Committed, with its progress told.
    let stored = import(&first, &[]);
    stored.assert_success();
    assert!(stored.stderr.contains("progress 2/2 rows"), "{stored:#?}");
    // A second file matches Omar by his employee number and overwrites nothing but his email, which was empty.
    let second = sandbox.write(
        "second.csv",
        "Employee Number,First Name,Last Name,Email\nE-2,Omar,Haddad,omar@example.org\nE-1,Rosa,Q.,\n",
    );
    let updated = import(&second, &[]);
    assert!(
        updated
            .assert_success()
            .stderr
            .contains("0 created, 1 updated, 1 unchanged"),
        "{updated:#?}"
    );
    // The list names both files, newest first, with their counts.
    let list = run(&["imports", "--as", LEAD, "--campaign", &campaign]);
    list.assert_success();
    let lines: Vec<&str> = list.stdout.lines().collect();
    // The dry run is listed too, as planned.
    assert_eq!(lines.len(), 4, "{list:#?}");
    assert!(
        lines[1].ends_with("second.csv") && lines[1].contains("committed"),
        "{list:#?}"
    );
    assert!(
        lines[2..].iter().all(|line| line.ends_with("first.csv")),
        "{list:#?}"
    );
    assert!(
        lines[2..].iter().any(|line| line.contains("planned")),
        "{list:#?}"
    );
    let second_id = lines[1].split_whitespace().next().unwrap().to_string();
    // Undone: Omar's email goes again.
    let undone = run(&["undo-import", &second_id, "--as", LEAD]);
    assert!(
        undone
            .assert_success()
            .stderr
            .contains("1 events for 1 people; 0 later changes"),
        "{undone:#?}"
    );
    let after = sandbox.export();
    let removed = lines_of_kind(&after, "event")
        .iter()
        .filter(|line| line["event_type"] == "ContactPointRemoved")
        .count();
    assert_eq!(removed, 1, "the undo removed the email the import added");
    run(&["undo-import", &second_id, "--as", LEAD])
        .assert_failure_naming("only a committed import");
}

#[test]
fn keygen_prints_a_fresh_32_byte_key_each_time() {
    let sandbox = Sandbox::new(Kind::Sqlite);
    let first = sandbox.run(&["keygen"]);
    let second = sandbox.run(&["keygen"]);
    for run in [&first, &second] {
        run.assert_success();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines.len(), 1, "{run:#?}");
        assert!(lines[0]
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"+/=".contains(&byte)));
        assert_eq!(decode_base64(lines[0]).len(), 32, "{run:#?}");
    }
    assert_ne!(first.stdout, second.stdout);
    assert!(
        !sandbox.data_dir().exists(),
        "keygen must not create a data directory"
    );
}

fn migrate_creates_the_database_and_a_private_key_file_and_can_run_again(kind: Kind) {
    let sandbox = Sandbox::new(kind);
    sandbox.run(&["migrate"]).assert_success();
    assert_eq!(mode_of(&sandbox.key_file()), 0o600);
    let sqlite_file = sandbox.data_dir().join("groundwork.sqlite3");
    assert_eq!(sqlite_file.exists(), kind == Kind::Sqlite);
    let key = sandbox.key_text();
    assert_eq!(decode_base64(&key).len(), 32);

    sandbox.run(&["migrate"]).assert_success();
    assert_eq!(sandbox.key_text(), key, "a second run keeps the key");
}

fn serve_answers_healthz_with_its_backend(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    let (server, port, health) = serve(&mut sandbox);
    assert_eq!(health["status"], "ok");
    assert_eq!(health["backend"], backend_name(kind));
    assert_eq!(
        http_get(port, "/no-such-page").map(|(status, _)| status),
        Some(404)
    );
    let finished = server.kill();
    assert!(finished.stderr.contains(&format!("127.0.0.1:{port}")));
    assert!(
        !finished.stderr.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal: {finished:#?}"
    );
}

fn demo_exports_and_imports_into_a_fresh_store_byte_for_byte(kind: Kind) {
    let source = Sandbox::new(kind);
    let demo = source.run(&["demo", "--people", "30"]);
    assert!(
        demo.assert_success().stdout.contains("30 people"),
        "{demo:#?}"
    );
    let export = source.export();
    assert_eq!(person_key_ids(&export).len(), 30);
    let key = source.key_text();
    for secret in std::iter::once(key.as_str()).chain(DEMO_PLAINTEXT.iter().copied()) {
        assert!(!export.contains(secret), "the export shows `{secret}`");
    }

    // The same key by copying the key file (std::fs::copy keeps its mode).
    let copy = Sandbox::new(kind);
    std::fs::create_dir_all(copy.data_dir()).unwrap();
    std::fs::copy(source.key_file(), copy.key_file()).unwrap();
    let file = copy.write("a.jsonl", &export);
    let import = copy.run(&["events", "import", &file]);
    assert!(import.assert_success().stderr.contains("imported"));
    assert_eq!(copy.export(), export);

    // The same key given in the environment.
    let mut by_environment = Sandbox::new(kind);
    by_environment.set("GROUNDWORK_MASTER_KEY", &key);
    let file = by_environment.write("a.jsonl", &export);
    by_environment
        .run(&["events", "import", &file])
        .assert_success();
    assert_eq!(by_environment.export(), export);
}

fn import_refuses_a_non_empty_store_and_a_wrong_master_key(kind: Kind) {
    let source = Sandbox::new(kind);
    source.run(&["demo", "--people", "5"]).assert_success();
    let export = source.export();

    let file = source.write("a.jsonl", &export);
    source
        .run(&["events", "import", &file])
        .assert_failure_naming("not empty");
    assert_eq!(source.export(), export, "a refused import changes nothing");

    let mut other = Sandbox::new(kind);
    let file = other.write("a.jsonl", &export);
    other
        .run(&["events", "import", &file])
        .assert_failure_naming("wrong master key");
    // The failed import left nothing behind: the right key imports into the same store.
    other.set("GROUNDWORK_MASTER_KEY", &source.key_text());
    other.run(&["events", "import", &file]).assert_success();
    assert_eq!(other.export(), export);
}

fn forget_destroys_the_persons_key_and_needs_yes(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.demo_with_admin(LEAD, "5");
    let before = sandbox.export();
    let person = some_demo_person(&before);
    assert!(person_key_ids(&before).contains(&person));

    sandbox
        .run(&["people", "forget", &person, "--as", LEAD])
        .assert_failure_naming("--yes");
    assert_eq!(sandbox.export(), before, "without --yes nothing changes");
    sandbox
        .run(&["people", "forget", &person, "--yes"])
        .assert_failure_naming("--as");
    assert_eq!(sandbox.export(), before, "without --as nothing changes");

    let forget = sandbox.run(&["people", "forget", &person, "--as", LEAD, "--yes"]);
    assert!(forget.assert_success().stderr.contains(&person));
    // The access log names the account the operator acted as, like an erasure asked for over GraphQL.
    let log = sandbox.access_log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].1, "FORGET_PERSON");
    assert_eq!(log[0].2.as_deref(), Some(person.as_str()));
    assert_eq!(
        log[0].0,
        sandbox.user_of(LEAD),
        "the account the operator named"
    );
    let after = sandbox.export();
    assert!(!person_key_ids(&after).contains(&person));
    assert_eq!(person_key_ids(&after).len(), 4);
    let forgotten = lines_of_kind(&after, "forgotten_person");
    assert_eq!(forgotten.len(), 1);
    assert_eq!(forgotten[0]["person_id"], person.as_str());

    sandbox
        .run(&["people", "forget", &person, "--as", LEAD, "--yes"])
        .assert_failure_naming("already been forgotten");
    sandbox
        .run(&["people", "forget", "not-a-uuid", "--as", LEAD, "--yes"])
        .assert_failure_naming("not a person id");
}

/// A server is running (here in the test's process, with its own pool and key cache) and has read a
/// person's notes, so it holds their key in memory. `groundwork people forget` in another process: as soon
/// as that command ends, the server answers the notes as erased and the person without a name.
fn forgetting_on_the_command_line_reaches_a_running_server(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    let chapter = sandbox.demo_with_admin(LEAD, "5");
    let export = sandbox.export();
    let person = lines_of_kind(&export, "event")
        .iter()
        .find(|line| line["event_type"] == "PersonAddedToCampaign")
        .map(|line| line["stream_id"].as_str().unwrap().to_string())
        .expect("the demo adds people");
    let url = sandbox.database_url();
    let identity = api::access::Identity {
        user: domain::ids::UserId::parse(&sandbox.user_of(LEAD)).unwrap(),
        chapter: domain::ids::ChapterId::parse(&chapter).unwrap(),
        role: api::access::Role::Admin,
        personal_data: true,
        can_export: true,
        via: api::access::Via::Development,
    };
    let master_key = store::MasterKey::from_base64(&sandbox.key_text()).unwrap();
    let query =
        "query($p: ID!) { personNotes(personId: $p) { text erased } person(id: $p) { name } }";
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let store = store::Store::connect(&url, master_key, store::StoreOptions::default())
                .await
                .unwrap();
            let groundwork = std::sync::Arc::new(api::service::Groundwork::with_store(store));
            let read_models = projections::ReadModels::new(groundwork.store());
            let runner = read_models.start(projections::RunnerOptions::default());
            let head = groundwork.store().head().await.unwrap();
            assert!(read_models
                .wait_until(head, Duration::from_secs(60))
                .await
                .unwrap());
            let (log, projected) = (groundwork.clone(), read_models.clone());
            let server = api::http::app_with(
                groundwork,
                read_models,
                api::http::ApiOptions {
                    dev_identity: Some(identity),
                    ..api::http::ApiOptions::default()
                },
            );
            let variables = serde_json::json!({"p": person});
            let noted = crate::graphql_support::post_graphql(
                &server,
                "mutation($p: ID!) { addNote(input: {personId: $p, text: \"Asked about nights\"}) { id } }",
                variables.clone(),
            )
            .await;
            assert!(noted.data()["addNote"]["id"].is_string(), "{noted:?}");
            let before =
                crate::graphql_support::post_graphql(&server, query, variables.clone()).await;
            let notes = before.data()["personNotes"].as_array().unwrap().clone();
            assert!(!notes.is_empty());
            assert!(
                notes.iter().all(|note| note["text"].is_string()),
                "{before:?}"
            );
            assert!(before.data()["person"]["name"].is_string(), "{before:?}");

            tokio::task::block_in_place(|| {
                sandbox
                    .run(&["people", "forget", &person, "--as", LEAD, "--yes"])
                    .assert_success();
            });

            let after = crate::graphql_support::post_graphql(&server, query, variables).await;
            let notes = after.data()["personNotes"].as_array().unwrap().clone();
            assert!(!notes.is_empty());
            assert!(
                notes
                    .iter()
                    .all(|note| note["text"].is_null() && note["erased"] == true),
                "{after:?}"
            );
            // The name is a projected field: gone once this server has projected the forgetting (the notes,
            // sealed, were unreadable at once).
            let head = log.store().head().await.unwrap();
            assert!(projected
                .wait_until(head, Duration::from_secs(60))
                .await
                .unwrap());
            let variables = serde_json::json!({"p": person});
            let after = crate::graphql_support::post_graphql(&server, query, variables).await;
            assert!(after.data()["person"]["name"].is_null(), "{after:?}");
            runner.stop().await;
        });
}

/// The command line goes through the same authorization layer as GraphQL: it acts as a named account, with
/// that account's role in the chapter of the people concerned.
fn the_command_line_acts_only_as_an_account_of_the_chapter(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.demo_with_admin(LEAD, "3");
    // An admin of another chapter.
    sandbox
        .run(&[
            "admin",
            "create",
            "--email",
            "elsewhere@example.org",
            "--chapter-name",
            "Elsewhere",
        ])
        .assert_success();
    let before = sandbox.export();
    let person = some_demo_person(&before);
    let campaign = demo_campaign(&before);
    let file = sandbox.write("one.csv", "given_name,family_name\nAna,Silva\n");
    for account in ["elsewhere@example.org", "nobody@example.org"] {
        sandbox
            .run(&["people", "forget", &person, "--as", account, "--yes"])
            .assert_failure_naming("not an enabled account with a role in chapter");
        sandbox
            .run(&[
                "people",
                "import",
                "--as",
                account,
                "--campaign",
                &campaign,
                &file,
            ])
            .assert_failure_naming("not an enabled account with a role in chapter");
    }
    sandbox
        .run(&["people", "forget", &person, "--as", "not an email", "--yes"])
        .assert_failure_naming("email");
    assert_eq!(
        sandbox.export(),
        before,
        "a refused command changes nothing"
    );
    assert!(sandbox.access_log().is_empty());

    // The chapter's own admin may.
    sandbox
        .run(&[
            "people",
            "import",
            "--as",
            LEAD,
            "--campaign",
            &campaign,
            &file,
        ])
        .assert_success();
    let imported = sandbox.export();
    let by = lines_of_kind(&imported, "event")
        .into_iter()
        .rev()
        .find(|line| line["event_type"] == "PersonAddedToCampaign")
        .expect("the import added a person");
    assert!(
        by.to_string().contains(&sandbox.user_of(LEAD)),
        "the imported person's history names the account: {by}"
    );
}

#[test]
fn forget_without_yes_touches_nothing() {
    let sandbox = Sandbox::new(Kind::Sqlite);
    sandbox
        .run(&[
            "people",
            "forget",
            "00000000-0000-0000-0000-000000000001",
            "--as",
            LEAD,
        ])
        .assert_failure_naming("--yes");
    assert!(!sandbox.data_dir().exists());
}

fn the_master_key_never_prints(kind: Kind) {
    // The key from a key file, with every log line the binary can write.
    let mut sandbox = Sandbox::new(kind);
    sandbox.set("GROUNDWORK_LOG", "trace");
    let mut runs = vec![sandbox.run(&["migrate"])];
    runs.push(sandbox.run(&["demo", "--people", "3"]));
    let (server, _, _) = serve(&mut sandbox);
    runs.push(server.kill());
    let key = sandbox.key_text();
    for run in &runs {
        run.assert_never_shows(&key);
    }
    assert!(runs[1].stdout.contains("3 people"));

    // The key from the environment.
    let key = Sandbox::new(Kind::Sqlite)
        .run(&["keygen"])
        .stdout
        .trim()
        .to_string();
    let mut sandbox = Sandbox::new(kind);
    sandbox.set("GROUNDWORK_LOG", "trace");
    sandbox.set("GROUNDWORK_MASTER_KEY", &key);
    let mut runs = vec![sandbox.run(&["migrate"])];
    runs.push(sandbox.run(&["demo", "--people", "3"]));
    let (server, _, _) = serve(&mut sandbox);
    runs.push(server.kill());
    for run in &runs {
        run.assert_never_shows(&key);
    }
    assert!(
        !sandbox.key_file().exists(),
        "a given key writes no key file"
    );
}

fn a_corrupt_key_file_is_refused(kind: Kind) {
    let sandbox = Sandbox::new(kind);
    sandbox.write_key_file("this-is-garbage-not-a-key\n", 0o600);
    let failure = sandbox.run(&["migrate"]);
    failure.assert_failure_naming("is corrupt");
    failure.assert_never_shows("this-is-garbage");
}

fn a_key_file_others_can_read_is_refused_with_chmod(kind: Kind) {
    let key = Sandbox::new(Kind::Sqlite)
        .run(&["keygen"])
        .stdout
        .trim()
        .to_string();
    let sandbox = Sandbox::new(kind);
    sandbox.write_key_file(&format!("{key}\n"), 0o644);
    let failure = sandbox.run(&["migrate"]);
    failure.assert_failure_naming("chmod 600");
    failure.assert_never_shows(&key);
}

fn a_master_key_that_is_not_base64_is_refused(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.set("GROUNDWORK_MASTER_KEY", "notbase64");
    let failure = sandbox.run(&["migrate"]);
    failure.assert_failure_naming("GROUNDWORK_MASTER_KEY is not a valid master key");
    failure.assert_never_shows("notbase64");
}

fn a_listen_address_that_is_not_one_is_refused(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.set("GROUNDWORK_LISTEN", "nonsense");
    sandbox
        .run(&["serve"])
        .assert_failure_naming("GROUNDWORK_LISTEN `nonsense`");
}

#[test]
fn a_database_url_of_another_kind_is_refused_before_anything_is_created() {
    let mut sandbox = Sandbox::new(Kind::Sqlite);
    sandbox.set("DATABASE_URL", "mysql://gw:s3cretpw@x/db");
    let failure = sandbox.run(&["migrate"]);
    failure.assert_failure_naming("unsupported scheme `mysql`");
    failure.assert_never_shows("s3cretpw");
    assert!(!sandbox.key_file().exists(), "no key file for a bad URL");
}

#[test]
fn an_unreachable_postgres_is_named_without_its_password() {
    let mut sandbox = Sandbox::new(Kind::Sqlite);
    sandbox.set("DATABASE_URL", "postgres://postgres:s3cretpw@127.0.0.1:1/x");
    let failure = sandbox.run(&["migrate"]);
    failure.assert_failure_naming("cannot reach the PostgreSQL database");
    failure.assert_never_shows("s3cretpw");
}

#[test]
fn a_postgres_role_that_does_not_exist_is_named_without_the_password() {
    let mut sandbox = Sandbox::new(Kind::Sqlite);
    let server = tests::postgres_server_url();
    let host = server.split_once('@').unwrap().1.split('/').next().unwrap();
    let url = format!("postgres://gw_test_no_such_role:s3cretpw@{host}/postgres");
    sandbox.set("DATABASE_URL", &url);
    let failure = sandbox.run(&["migrate"]);
    failure.assert_failure_naming("refused the connection");
    failure.assert_never_shows("s3cretpw");
}

/// A bare HTTP/1.1 POST of a GraphQL request; the answer's JSON body.
fn post_graphql(port: u16, query: &str, variables: serde_json::Value) -> serde_json::Value {
    let body = serde_json::json!({"query": query, "variables": variables}).to_string();
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    // The server may answer in chunks; a GraphQL answer is one JSON object, so take it from the first brace.
    let json = body
        .find('{')
        .and_then(|start| body.rfind('}').map(|end| &body[start..=end]))
        .unwrap_or_else(|| panic!("no JSON in the answer: {head}\n{body}"));
    let answer: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(
        answer.get("errors").is_none(),
        "the mutation failed: {answer}"
    );
    answer
}

/// Two `groundwork serve` processes on one PostgreSQL: only one of them runs the projections, yet a
/// mutation sent to the first reaches a wall-chart subscription on the second.
#[test]
fn two_servers_on_one_postgres_share_subscriptions() {
    let mut sandbox = Sandbox::new(Kind::Postgres);
    let key = sandbox
        .run(&["keygen"])
        .assert_success()
        .stdout
        .trim()
        .to_string();
    sandbox.set("GROUNDWORK_MASTER_KEY", &key);
    sandbox.set("GROUNDWORK_DEV_IDENTITY", "true");
    let (_first, first_port, _) = serve(&mut sandbox);
    let (_second, second_port, _) = serve(&mut sandbox);

    let created = post_graphql(
        first_port,
        "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }",
        serde_json::json!({"input": {"name": "Two servers", "goal": 10}}),
    );
    let campaign = created["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let second = std::net::SocketAddr::from(([127, 0, 0, 1], second_port));
        let mut socket = ws::open(second, &[]).await;
        ws::subscribe(
            &mut socket,
            "1",
            "subscription($c: ID!) { wallChartChanges(campaignId: $c, announce: true) { kind personId } }",
            serde_json::json!({"c": campaign}),
        )
        .await;
        ws::listening(&mut socket).await;
        // A person added on the first server reaches the second one's subscription.
        let person = tokio::task::spawn_blocking(move || {
            let answer = post_graphql(
                first_port,
                "mutation($input: AddPersonInput!) { addPerson(input: $input) { id } }",
                serde_json::json!({"input": {"campaignId": campaign, "givenName": "Ana", "familyName": "Silva"}}),
            );
            answer["data"]["addPerson"]["id"].as_str().unwrap().to_string()
        })
        .await
        .unwrap();
        let mut message = ws::next_json(&mut socket).await;
        loop {
            let change = &message["payload"]["data"]["wallChartChanges"];
            assert_eq!(message["type"], "next", "{message:#}");
            if change["kind"] == "PERSON_CELL" {
                assert_eq!(
                    change["personId"].as_str(),
                    Some(person.as_str()),
                    "{message:#}"
                );
                break;
            }
            message = ws::next_json(&mut socket).await;
        }
    });
}

/// A bare HTTP/1.1 POST; the status and the raw head and body of the answer.
fn post_raw(port: u16, path: &str, extra_headers: &str, body: &str) -> (u16, String, String) {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         {extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

fn admin_create_makes_a_first_admin_who_can_sign_in(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    let create = [
        "admin",
        "create",
        "--email",
        "first@example.org",
        "--chapter-name",
        "Riverside tenants",
    ];
    // No password anywhere: refused (standard input is empty).
    sandbox
        .run(&create)
        .assert_failure_naming("no password given");
    sandbox.set("GROUNDWORK_ADMIN_PASSWORD", "first admin passphrase 2291");
    let created = sandbox.run(&create);
    created.assert_success();
    created.assert_never_shows("first admin passphrase 2291");
    let chapter = created.stdout.trim().to_string();
    assert_eq!(chapter.len(), 36, "the chapter id: {chapter}");

    let (_server, port, _) = serve(&mut sandbox);
    let (status, _, _) = post_raw(port, "/graphql", "", r#"{"query": "{ me { role } }"}"#);
    assert_eq!(status, 401, "nothing without an identity");
    let (status, head, body) = post_raw(
        port,
        "/auth/sign-in",
        "X-Groundwork-CSRF: 1\r\n",
        r#"{"email": "first@example.org", "password": "first admin passphrase 2291"}"#,
    );
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(body.contains(&chapter) && body.contains("admin"), "{body}");
    let cookie_line = head
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap();
    assert!(cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Lax"));
    assert!(
        !cookie_line.contains("Secure"),
        "a server on 127.0.0.1 serves plain http: {cookie_line}"
    );
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(
            head.to_ascii_lowercase().contains(header),
            "{header} missing: {head}"
        );
    }
}

/// Webhooks end to end: a receiver that verifies signatures is down (it drops every connection), comes back,
/// and `groundwork serve` is killed while a delivery waits for the receiver's answer; after a restart every
/// event of the log has arrived at least once, and the one cut off arrived again with the same id and body.
fn webhooks_arrive_at_least_once_through_a_receiver_outage_and_a_killed_server(kind: Kind) {
    use std::collections::BTreeSet;
    use std::sync::{Arc, Condvar, Mutex};
    let mut sandbox = Sandbox::new(kind);
    let key = sandbox
        .run(&["keygen"])
        .assert_success()
        .stdout
        .trim()
        .to_string();
    sandbox.set("GROUNDWORK_MASTER_KEY", &key);
    sandbox.set("GROUNDWORK_DEV_IDENTITY", "true");
    sandbox.set("GROUNDWORK_WEBHOOK_ALLOW", "loopback");
    sandbox.set("GROUNDWORK_WEBHOOK_BACKOFF_MS", "20");
    sandbox.set("GROUNDWORK_WEBHOOK_BACKOFF_MAX_MS", "200");
    sandbox.set("GROUNDWORK_WEBHOOK_POLL_MS", "50");
    // Long enough that the server is killed while its delivery still waits.
    sandbox.set("GROUNDWORK_WEBHOOK_TIMEOUT_MS", "60000");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // The receiver is down: its port accepts connections and drops them, counting each.
    let down = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let receiver_port = down.local_addr().unwrap().port();
    let dropped = Arc::new((Mutex::new(0usize), Condvar::new()));
    let counting = dropped.clone();
    let down_task = runtime.spawn(async move {
        loop {
            if let Ok((socket, _)) = down.accept().await {
                drop(socket);
                *counting.0.lock().unwrap() += 1;
                counting.1.notify_all();
            }
        }
    });

    let (first, first_port, _) = serve(&mut sandbox);
    let created = post_graphql(
        first_port,
        "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }",
        serde_json::json!({"input": {"url": format!("http://127.0.0.1:{receiver_port}/hook"), "eventTypes": ["*"]}}),
    );
    let secret = created["data"]["createWebhookEndpoint"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let endpoint = created["data"]["createWebhookEndpoint"]["endpoint"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let baseline: Vec<(Option<i64>,)> = sandbox.select("SELECT MAX(position) FROM events");
    let baseline = baseline[0].0.unwrap_or(0);
    let add_person = |port: u16, campaign: &str, name: &str| {
        post_graphql(
            port,
            "mutation($input: AddPersonInput!) { addPerson(input: $input) { id } }",
            serde_json::json!({"input": {"campaignId": campaign, "givenName": name, "familyName": "Webhook"}}),
        );
    };
    let campaign = post_graphql(
        first_port,
        "mutation { createCampaign(input: {name: \"Hooks\", goal: 10}) { id } }",
        serde_json::json!({}),
    )["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    add_person(first_port, &campaign, "Ana");
    // At least two attempts fail while the receiver is down.
    let (count, signal) = &*dropped;
    let (attempts, timeout) = signal
        .wait_timeout_while(count.lock().unwrap(), COMMAND_TIMEOUT, |attempts| {
            *attempts < 2
        })
        .unwrap();
    assert!(
        !timeout.timed_out(),
        "only {} attempts reached the receiver",
        *attempts
    );
    drop(attempts);

    // The receiver comes back on the same port.
    down_task.abort();
    let _ = runtime.block_on(down_task);
    let receiver = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", receiver_port))
            .await
            .unwrap();
        crate::webhooks::Receiver::on(listener)
    });
    receiver.set_secret(&secret);
    let expected = |sandbox: &Sandbox| -> BTreeSet<String> {
        // Each event's id is its number in its chapter (ADR 19).
        let rows: Vec<(i64,)> = sandbox.select(&format!(
            "SELECT chapter_position FROM events WHERE position > {baseline} ORDER BY position"
        ));
        rows.into_iter()
            .map(|(number,)| format!("evt_c{number}"))
            .collect()
    };
    let so_far = expected(&sandbox);
    assert!(so_far.len() >= 2, "{so_far:?}");
    runtime.block_on(receiver.wait_for_ids(&so_far));

    // The server is killed while the receiver holds a delivery unanswered.
    let release = receiver.hold_next();
    let before = receiver.received().len();
    add_person(first_port, &campaign, "Ben");
    let held = runtime.block_on(receiver.wait_for(before + 1))[before].clone();
    first.kill();
    release.notify_one();

    // Restarted, it delivers the cut-off event again, then the new ones.
    let (_second, second_port, _) = serve(&mut sandbox);
    add_person(second_port, &campaign, "Cleo");
    let all = expected(&sandbox);
    let received = runtime.block_on(receiver.wait_for_ids(&all));
    for delivery in &received {
        assert!(delivery.signature_ok, "{delivery:#?}");
        assert!(
            all.contains(&delivery.id),
            "an unexpected delivery: {delivery:#?}"
        );
        assert_eq!(delivery.body["data"]["eventId"], delivery.id.as_str());
    }
    let again: Vec<_> = received
        .iter()
        .filter(|delivery| delivery.id == held.id)
        .collect();
    assert!(
        again.len() >= 2,
        "the cut-off delivery did not come again: {received:#?}"
    );
    assert!(again.iter().all(|delivery| delivery.body == held.body));
    let first_event = all.iter().next().unwrap().clone();
    let log = post_graphql(
        second_port,
        "query($id: ID!) { webhookEndpoint(id: $id) { deliveries(first: 500) { eventId status attempts } } }",
        serde_json::json!({"id": endpoint}),
    );
    let deliveries = log["data"]["webhookEndpoint"]["deliveries"]
        .as_array()
        .unwrap()
        .clone();
    let first_delivery = deliveries
        .iter()
        .find(|delivery| delivery["eventId"] == first_event.as_str())
        .unwrap_or_else(|| panic!("{first_event} is not in the delivery log: {log:#}"));
    assert_eq!(first_delivery["status"], "DELIVERED", "{log:#}");
    assert!(first_delivery["attempts"].as_i64().unwrap() >= 2, "{log:#}");
}

/// Exports from the command line and as HTTP downloads: chosen columns, the same filters as the people list,
/// the wall chart, formula cells defused, the export grant required, and every export in the access log.
fn people_and_the_wall_chart_export_from_the_command_line_and_as_downloads(kind: Kind) {
    let mut sandbox = Sandbox::new(kind);
    sandbox.demo_with_admin(LEAD, "6");
    let campaign = demo_campaign(&sandbox.export());
    let before = sandbox.access_log().len();
    let people = sandbox
        .run(&[
            "people",
            "export",
            "--campaign",
            &campaign,
            "--as",
            LEAD,
            "--columns",
            "name,level",
            "--filter",
            r#"{"levels":[1,2,3,4,5]}"#,
        ])
        .assert_success()
        .stdout
        .clone();
    let mut lines = people.lines();
    assert_eq!(lines.next(), Some("name,level"));
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "{people}");
    assert!(
        rows.iter().all(|row| !row.ends_with(',')),
        "assessed people only: {people}"
    );
    let chart = sandbox
        .run(&[
            "people",
            "export",
            "--campaign",
            &campaign,
            "--as",
            LEAD,
            "--wall-chart",
        ])
        .assert_success()
        .stdout
        .clone();
    assert!(
        chart.starts_with("unit_id,parent_id,depth,unit,kind,retired,people,assessed,level_1,"),
        "{chart}"
    );
    assert!(
        chart.lines().last().unwrap().starts_with(",,,Total,"),
        "{chart}"
    );
    let log = sandbox.access_log();
    let actions: Vec<&str> = log[before..]
        .iter()
        .map(|(_, action, _)| action.as_str())
        .collect();
    assert_eq!(actions, ["EXPORT", "EXPORT_WALL_CHART"]);
    // The bad column is named.
    sandbox
        .run(&[
            "people",
            "export",
            "--campaign",
            &campaign,
            "--as",
            LEAD,
            "--columns",
            "name,shoe_size",
        ])
        .assert_failure_naming("SHOE_SIZE");

    // As a download, for the development identity (an admin with the export grant).
    // (`demo_with_admin` set the development chapter to the demo's.)
    sandbox.set("GROUNDWORK_DEV_IDENTITY", "true");
    let (_server, port, _) = serve(&mut sandbox);
    let (status, head, body) = get_raw(
        port,
        &format!("/export/people.csv?campaignId={campaign}&columns=PERSON_ID,NAME&sort=NAME_ASC"),
    );
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/csv"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase().contains(&format!(
            "content-disposition: attachment; filename=\"people-{campaign}.csv\""
        )),
        "{head}"
    );
    assert!(body.contains("person_id,name"), "{body}");
    let (status, _, body) = get_raw(
        port,
        &format!("/export/wall-chart.csv?campaignId={campaign}"),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Total"), "{body}");
    let (status, _, body) = get_raw(port, "/export/people.csv?campaignId=not-an-id");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("campaignId"), "{body}");
}

/// A bare HTTP/1.1 GET; the status and the raw head and body (de-chunked naively: the body's chunks joined).
fn get_raw(port: u16, path: &str) -> (u16, String, String) {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}
