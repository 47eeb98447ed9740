//! The last of issue 11: Spanish everywhere — GraphQL's own parse and validation errors, an import plan's
//! row errors and the `/auth/*` endpoints answer in Spanish with `Accept-Language: es` and in English
//! without, with the same codes, fields, lines and columns —; a person's history names units, fields,
//! responses, scale labels, structure tests and people as they were when each entry happened (live and
//! `asOf`); and a worker-leader who leaves the campaign announces the figures of the units of the people
//! they led. Every test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use crate::graphql_support::TestApi;
use api::clock::{Clock as _, SetClock};
use api::http::{ApiOptions, CSRF_HEADER};
use axum::http::{Method, StatusCode};
use axum::Router;
use base64::Engine as _;
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::sync::Arc;
use tests::http::{call, Reply};
use tests::{backend_tests, ws, TestBackend};

backend_tests!(
    graphql_own_errors_are_in_spanish_when_asked,
    import_row_errors_are_in_spanish_when_asked,
    auth_endpoints_answer_in_spanish_when_asked,
    history_names_things_as_they_were,
    a_leader_leaving_announces_the_led_units_figures,
);

/// A server whose clock the test sets, starting a day ago to the second.
async fn start(backend: TestBackend) -> (TestApi, SetClock) {
    let start = (Utc::now() - Duration::days(1))
        .duration_trunc(Duration::seconds(1))
        .unwrap();
    let clock = SetClock::new(start);
    let api =
        TestApi::with_clock(backend, ApiOptions::development(), Arc::new(clock.clone())).await;
    (api, clock)
}

/// Runs a mutation taking one `input` of `input_type` and fails the test on any error; the answer's
/// `createdId` (or `id`).
async fn mutate(api: &TestApi, mutation: &str, input_type: &str, input: Value) -> String {
    let answer = api
        .graphql(
            &format!(
                "mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ createdId id }} }}"
            ),
            json!({ "input": input }),
        )
        .await;
    let done = &answer.data()[mutation];
    done["createdId"]
        .as_str()
        .or_else(|| done["id"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Answers a query once everything committed is projected.
async fn query(api: &TestApi, query: &str, variables: Value) -> Value {
    let head = api.log_head().await;
    assert!(api
        .read_models
        .wait_until(head, std::time::Duration::from_secs(30))
        .await
        .unwrap());
    api.graphql(query, variables).await.data().clone()
}

/// POSTs a GraphQL request with `Accept-Language: language` (none when empty): (status, body).
async fn post_in(router: &Router, language: &str, query: &str, variables: Value) -> (u16, Value) {
    let headers: Vec<(&str, &str)> = if language.is_empty() {
        Vec::new()
    } else {
        vec![("accept-language", language)]
    };
    let reply = call(
        router,
        Method::POST,
        "/graphql",
        &headers,
        json!({"query": query, "variables": variables}),
    )
    .await;
    (reply.status.as_u16(), reply.body)
}

/// The messages of an answer's errors, and the rest of each error (locations, path, extensions) without
/// its message.
fn errors(answer: &Value) -> (Vec<String>, Vec<Value>) {
    let errors = answer["errors"].as_array().cloned().unwrap_or_default();
    let messages = errors
        .iter()
        .map(|error| error["message"].as_str().unwrap_or_default().to_string())
        .collect();
    let rest = errors
        .into_iter()
        .map(|mut error| {
            error.as_object_mut().unwrap().remove("message");
            error
        })
        .collect();
    (messages, rest)
}

async fn graphql_own_errors_are_in_spanish_when_asked(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let relabel = "mutation($input: RelabelAssessmentLevelInput!) { relabelAssessmentLevel(input: $input) { version } }";
    // (query, variables, the English message, the Spanish one).
    let cases = [
        (
            "{ me { userId zzzzqqq } }",
            json!({}),
            r#"Unknown field "zzzzqqq" on type "Me"."#.to_string(),
            r#"el campo "zzzzqqq" no existe en el tipo "Me"."#.to_string(),
        ),
        (
            "{ campaign { id } }",
            json!({}),
            r#"Field "campaign" argument "id" of type "Query" is required but not provided"#
                .to_string(),
            r#"el campo "campaign" del tipo "Query" necesita el argumento "id", que falta"#
                .to_string(),
        ),
        (
            relabel,
            json!({"input": {"campaignId": campaign, "level": "seven", "label": "Seven",
                             "colour": "#123456"}}),
            r#"Invalid value for argument "input.level", expected type "Int""#.to_string(),
            r#"valor no válido para el argumento "input.level": se esperaba el tipo "Int""#
                .to_string(),
        ),
        (
            relabel,
            json!({"input": {"campaignId": campaign, "level": 2, "colour": "#123456"}}),
            r#"Invalid value for argument "input", field "label" of type "String!" is required but not provided"#
                .to_string(),
            r#"valor no válido para el argumento "input": falta el campo "label" de tipo "String!", que es obligatorio"#
                .to_string(),
        ),
    ];
    for (query, variables, english, spanish) in cases {
        let (status_en, answer_en) = post_in(&api.router, "", query, variables.clone()).await;
        let (status_es, answer_es) = post_in(&api.router, "es-MX,es;q=0.9", query, variables).await;
        let (messages_en, rest_en) = errors(&answer_en);
        let (messages_es, rest_es) = errors(&answer_es);
        assert_eq!(messages_en, vec![english], "{answer_en:#}");
        assert_eq!(messages_es, vec![spanish], "{answer_es:#}");
        // Only the message changes: status, locations and extensions are the same.
        assert_eq!(status_en, status_es);
        assert_eq!(rest_en, rest_es);
    }

    // A query that is not GraphQL at all says where, in Spanish, and keeps the parser's excerpt.
    let broken = "{ me { userId ";
    let (_, answer_en) = post_in(&api.router, "", broken, json!({})).await;
    let (_, answer_es) = post_in(&api.router, "es", broken, json!({})).await;
    let (messages_en, rest_en) = errors(&answer_en);
    let (messages_es, rest_es) = errors(&answer_es);
    assert_eq!(messages_en.len(), 1, "{answer_en:#}");
    assert!(!messages_en[0].starts_with("la consulta"), "{answer_en:#}");
    assert_eq!(
        messages_es,
        vec![format!(
            "la consulta no es GraphQL válido (línea 1, columna {}): {}",
            answer_en["errors"][0]["locations"][0]["column"],
            messages_en[0].trim()
        )],
        "{answer_es:#}"
    );
    assert_eq!(rest_en, rest_es);
    api.stop().await;
}

async fn import_row_errors_are_in_spanish_when_asked(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let file = "First Name,Last Name,Email,Assessment\n\
                Ana,Garcia,ana-at-example.org,nine\n\
                ,Chen,,\n";
    let uploaded = api
        .graphql(
            "mutation($input: UploadImportInput!) { uploadImport(input: $input) { import { id } } }",
            json!({"input": {
                "campaignId": campaign, "fileName": "people.csv",
                "contentBase64": base64::engine::general_purpose::STANDARD.encode(file),
                "mapping": null, "defaultRegion": "US"
            }}),
        )
        .await;
    let import = uploaded.data()["uploadImport"]["import"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let preview = "mutation($input: PreviewImportInput!) { previewImport(input: $input) { \
                   rows { line action errors { line column message } } } }";
    let variables = json!({"input": {"importId": import, "first": 100}});
    let (_, english) = post_in(&api.router, "", preview, variables.clone()).await;
    let (_, spanish) = post_in(&api.router, "es", preview, variables).await;
    let row_errors = |answer: &Value| -> Vec<(i64, Value, String)> {
        answer["data"]["previewImport"]["rows"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer:#}"))
            .iter()
            .flat_map(|row| row["errors"].as_array().unwrap().clone())
            .map(|error| {
                (
                    error["line"].as_i64().unwrap(),
                    error["column"].clone(),
                    error["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        row_errors(&english),
        vec![
            (
                2,
                json!("Email"),
                "the email address is not valid: it needs an @".to_string()
            ),
            (
                2,
                json!("Assessment"),
                "`nine` is not a whole number".to_string()
            ),
            (
                3,
                json!("given_name"),
                "no one matches this row, and a new person needs a given name".to_string()
            ),
        ],
        "{english:#}"
    );
    assert_eq!(
        row_errors(&spanish),
        vec![
            (
                2,
                json!("Email"),
                "la dirección de correo no tiene un formato válido: necesita una @".to_string()
            ),
            (
                2,
                json!("Assessment"),
                "`nine` no es un número entero".to_string()
            ),
            (
                3,
                json!("given_name"),
                "nadie coincide con esta fila, y una persona nueva necesita un nombre de pila"
                    .to_string()
            ),
        ],
        "{spanish:#}"
    );
    // The commit's refusal names the first row error, in the request's language too.
    let commit = "mutation($input: CommitImportInput!) { commitImport(input: $input) { events } }";
    let variables = json!({"input": {"importId": import, "skipErrors": false}});
    let (_, english) = post_in(&api.router, "", commit, variables.clone()).await;
    let (_, spanish) = post_in(&api.router, "es", commit, variables).await;
    assert_eq!(
        english["errors"][0]["message"],
        "2 of 2 rows have errors (the first: line 2, column Email: the email address is not \
         valid: it needs an @); nothing was imported. Correct the file, or commit with skipErrors \
         to leave those rows out",
        "{english:#}"
    );
    assert_eq!(
        spanish["errors"][0]["message"],
        "2 de 2 filas tienen errores (el primero: línea 2, columna Email: la dirección de \
         correo no tiene un formato válido: necesita una @); no se importó nada. Corrija el archivo \
         o confirme con skipErrors para dejar fuera esas filas",
        "{spanish:#}"
    );
    assert_eq!(
        english["errors"][0]["extensions"],
        spanish["errors"][0]["extensions"]
    );
    api.stop().await;
}

const PASSWORD: &str = "a long enough passphrase";

/// The (English, Spanish) replies to the same POST, which differ only in their messages.
async fn both(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> (Reply, Reply) {
    let english = call(router, Method::POST, path, headers, body.clone()).await;
    let mut in_spanish = headers.to_vec();
    in_spanish.push(("accept-language", "es"));
    let spanish = call(router, Method::POST, path, &in_spanish, body).await;
    assert_eq!(english.status, spanish.status);
    assert_eq!(
        english.body["errors"][0]["extensions"],
        spanish.body["errors"][0]["extensions"]
    );
    (english, spanish)
}

/// The message of a refusal in GraphQL's error shape.
fn refusal(reply: &Reply) -> String {
    reply.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{reply:#?}"))
        .to_string()
}

async fn auth_endpoints_answer_in_spanish_when_asked(backend: TestBackend) {
    let api = TestApi::with_options(backend, ApiOptions::default()).await;
    api::accounts::create_chapter_with_admin(
        &api.groundwork,
        "admin@example.org",
        "Riverside tenants",
        &SecretString::from(PASSWORD),
    )
    .await
    .unwrap();
    let router = &api.router;

    // A wrong password.
    let (english, spanish) = both(
        router,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": "admin@example.org", "password": "not the passphrase"}),
    )
    .await;
    assert_eq!(english.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refusal(&english),
        "the email address or password is wrong, or the account is disabled"
    );
    assert_eq!(
        refusal(&spanish),
        "la dirección de correo o la contraseña no son correctas, o la cuenta está desactivada"
    );
    // No CSRF header.
    let (english, spanish) = both(
        router,
        "/auth/sign-in",
        &[],
        json!({"email": "admin@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(english.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refusal(&english),
        "sign-in must carry the X-Groundwork-CSRF header"
    );
    assert_eq!(
        refusal(&spanish),
        "el inicio de sesión debe llevar la cabecera X-Groundwork-CSRF"
    );
    // A body that is not a sign-in.
    let (english, spanish) = both(
        router,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": "admin@example.org"}),
    )
    .await;
    assert_eq!(english.status, StatusCode::BAD_REQUEST);
    let english_message = refusal(&english);
    let detail = english_message
        .strip_prefix("the body is not the JSON this address takes: ")
        .unwrap_or_else(|| panic!("{english_message}"));
    assert_eq!(
        refusal(&spanish),
        format!("el cuerpo no es el JSON que espera esta dirección: {detail}")
    );
    // Signing out without being signed in.
    let (english, spanish) = both(router, "/auth/sign-out", &[], Value::Null).await;
    assert_eq!(english.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refusal(&english), "sign in first");
    assert_eq!(refusal(&spanish), "inicie sesión primero");

    // A password too short, signed in.
    let signed_in = call(
        router,
        Method::POST,
        "/auth/sign-in",
        &[(CSRF_HEADER, "1")],
        json!({"email": "admin@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{signed_in:#?}");
    let cookie = signed_in.cookie(api::http::SESSION_COOKIE).unwrap();
    let (english, spanish) = both(
        router,
        "/auth/password",
        &[("cookie", cookie.as_str()), (CSRF_HEADER, "1")],
        json!({"currentPassword": PASSWORD, "newPassword": "short"}),
    )
    .await;
    assert_eq!(english.status, StatusCode::BAD_REQUEST);
    assert_eq!(refusal(&english), "a password needs at least 12 characters");
    assert_eq!(
        refusal(&spanish),
        "una contraseña necesita al menos 12 caracteres"
    );
    // A wrong current password.
    let (english, spanish) = both(
        router,
        "/auth/password",
        &[("cookie", cookie.as_str()), (CSRF_HEADER, "1")],
        json!({"currentPassword": "not my passphrase!", "newPassword": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(english.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refusal(&spanish),
        "la dirección de correo o la contraseña no son correctas, o la cuenta está desactivada"
    );

    // The language the user chose for the app answers their session without any header, GraphQL's own
    // errors and the password endpoint alike; cleared, the header decides again.
    let session = [("cookie", cookie.as_str()), (CSRF_HEADER, "1")];
    let set_language = |language: Value| {
        call(
            router,
            Method::POST,
            "/graphql",
            &session,
            json!({"query": "mutation($l: String) { setMyLanguage(language: $l) { language } }",
                   "variables": {"l": language}}),
        )
    };
    assert_eq!(
        set_language(json!("es")).await.body["data"]["setMyLanguage"]["language"],
        "es"
    );
    let unknown = json!({"query": "{ me { userId zzzzqqq } }"});
    let chosen = call(router, Method::POST, "/graphql", &session, unknown.clone()).await;
    assert_eq!(
        refusal(&chosen),
        r#"el campo "zzzzqqq" no existe en el tipo "Me"."#
    );
    let short = json!({"currentPassword": PASSWORD, "newPassword": "short"});
    let chosen = call(
        router,
        Method::POST,
        "/auth/password",
        &session,
        short.clone(),
    )
    .await;
    assert_eq!(
        refusal(&chosen),
        "una contraseña necesita al menos 12 caracteres"
    );
    assert_eq!(
        set_language(Value::Null).await.body["data"]["setMyLanguage"]["language"],
        Value::Null
    );
    let header = call(router, Method::POST, "/graphql", &session, unknown).await;
    assert_eq!(refusal(&header), r#"Unknown field "zzzzqqq" on type "Me"."#);

    // Single sign-on's pages (here: a server without it).
    let english = call(router, Method::GET, "/auth/oidc/start", &[], Value::Null).await;
    let spanish = call(
        router,
        Method::GET,
        "/auth/oidc/start",
        &[("accept-language", "es")],
        Value::Null,
    )
    .await;
    assert_eq!(english.status, StatusCode::NOT_FOUND);
    assert_eq!(spanish.status, StatusCode::NOT_FOUND);
    for text in [
        "<html lang=\"en\">",
        "<h1>Sign-in failed</h1>",
        "single sign-on is not configured on this server",
        "Sign in again",
    ] {
        assert!(english.text.contains(text), "{text}: {}", english.text);
    }
    for text in [
        "<html lang=\"es\">",
        "<h1>No se pudo iniciar sesión</h1>",
        "el inicio de sesión único no está configurado en este servidor",
        "Volver a iniciar sesión",
        "Referencia ",
    ] {
        assert!(spanish.text.contains(text), "{text}: {}", spanish.text);
    }
    api.stop().await;
}

/// The history's summaries of `person` as answered (oldest first).
fn summaries(person: &Value) -> Vec<String> {
    person["history"]
        .as_array()
        .unwrap_or_else(|| panic!("{person:#}"))
        .iter()
        .map(|entry| entry["summary"].as_str().unwrap().to_string())
        .collect()
}

async fn history_names_things_as_they_were(backend: TestBackend) {
    let (api, clock) = start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let section = mutate(
        &api,
        "addFieldSection",
        "AddFieldSectionInput",
        json!({"campaignId": campaign, "name": "Organizing"}),
    )
    .await;
    let issues = mutate(
        &api,
        "addField",
        "AddFieldInput",
        json!({"campaignId": campaign, "sectionId": section, "name": "Issues", "type": "STANDARD",
               "allowsMultiple": true}),
    )
    .await;
    let wages = mutate(
        &api,
        "addFieldResponse",
        "AddFieldResponseInput",
        json!({"campaignId": campaign, "fieldId": issues, "name": "Wages"}),
    )
    .await;
    let test = mutate(
        &api,
        "createStructureTest",
        "CreateStructureTestInput",
        json!({"campaignId": campaign, "name": "Petition", "scopeUnitIds": [ward], "goalPercent": 60,
               "deadline": "2031-01-31"}),
    )
    .await;
    let ana = api.add_person(&campaign, "Ana", "Garcia").await;
    let bo = api.add_person(&campaign, "Bo", "Chen").await;
    let scale = query(
        &api,
        "query($c: ID!) { campaign(id: $c) { scale { level label } } }",
        json!({"c": campaign}),
    )
    .await;
    let label_then = scale["campaign"]["scale"]
        .as_array()
        .unwrap()
        .iter()
        .find(|level| level["level"] == 2)
        .unwrap()["label"]
        .as_str()
        .unwrap()
        .to_string();
    for (mutation, input_type, extra) in [
        ("joinUnit", "JoinUnitInput", json!({"unitId": ward})),
        (
            "addPersonFieldResponse",
            "AddPersonFieldResponseInput",
            json!({"fieldId": issues, "responseId": wages}),
        ),
        (
            "recordStructureTestStep",
            "RecordStructureTestStepInput",
            json!({"structureTestId": test, "step": "ASKED"}),
        ),
        (
            "connect",
            "ConnectInput",
            json!({"targetPersonId": bo, "kind": "organizer of"}),
        ),
        ("assessPerson", "AssessPersonInput", json!({"level": 2})),
    ] {
        let mut input = extra;
        input["personId"] = json!(ana);
        mutate(&api, mutation, input_type, input).await;
    }
    clock.advance(Duration::minutes(10));
    let before_renames: DateTime<Utc> = clock.now();
    clock.advance(Duration::minutes(10));

    // Everything the entries named is renamed afterwards.
    for (mutation, input_type, input) in [
        (
            "renameUnit",
            "RenameUnitInput",
            json!({"campaignId": campaign, "unitId": ward, "name": "Ward 3 East"}),
        ),
        (
            "renameField",
            "RenameFieldInput",
            json!({"campaignId": campaign, "fieldId": issues, "name": "Top issues"}),
        ),
        (
            "renameFieldResponse",
            "RenameFieldResponseInput",
            json!({"campaignId": campaign, "fieldId": issues, "responseId": wages, "name": "Pay"}),
        ),
        (
            "renameStructureTest",
            "RenameStructureTestInput",
            json!({"structureTestId": test, "name": "March petition"}),
        ),
        (
            "relabelAssessmentLevel",
            "RelabelAssessmentLevelInput",
            json!({"campaignId": campaign, "level": 2, "label": "Leaning our way", "colour": "#123456"}),
        ),
        (
            "renamePerson",
            "RenamePersonInput",
            json!({"personId": bo, "givenName": "Bo", "familyName": "Lee"}),
        ),
    ] {
        mutate(&api, mutation, input_type, input).await;
    }
    clock.advance(Duration::minutes(10));
    let after_renames: DateTime<Utc> = clock.now();
    clock.advance(Duration::minutes(10));
    // A later entry names the unit by its new name.
    mutate(
        &api,
        "leaveUnit",
        "LeaveUnitInput",
        json!({"personId": ana, "unitId": ward}),
    )
    .await;

    let as_they_were = [
        "joined “Ward 3”".to_string(),
        "response “Wages” of “Issues” added".to_string(),
        "structure test “Petition”: not asked → asked".to_string(),
        "connected to “Bo Chen” (organizer of)".to_string(),
    ];
    let read =
        "query($p: ID!, $at: DateTime) { person(id: $p, asOf: $at) { history { summary } } }";
    for (at, leave_listed) in [
        (None, true),
        (Some(before_renames), false),
        (Some(after_renames), false),
    ] {
        let shown = query(
            &api,
            read,
            json!({"p": ana, "at": at.map(|at| at.to_rfc3339())}),
        )
        .await;
        let history = summaries(&shown["person"]);
        for line in &as_they_were {
            assert!(history.contains(line), "at {at:?}: {line}: {history:#?}");
        }
        assert!(
            history
                .iter()
                .any(|line| line.ends_with(&format!("unassessed → level 2 ({label_then})"))),
            "at {at:?}: {history:#?}"
        );
        for new_name in [
            "Top issues",
            "Pay",
            "March petition",
            "Bo Lee",
            "Leaning our way",
        ] {
            assert!(
                !history.iter().any(|line| line.contains(new_name)),
                "at {at:?}: {new_name}: {history:#?}"
            );
        }
        assert_eq!(
            history.contains(&"left “Ward 3 East”".to_string()),
            leave_listed,
            "at {at:?}: {history:#?}"
        );
        assert!(
            !history
                .iter()
                .any(|line| line.contains("joined “Ward 3 East”")),
            "at {at:?}: {history:#?}"
        );
    }
    api.stop().await;
}

/// Waits for the next wall-chart change `wanted` picks and answers it. Other changes are passed over; each
/// wait is bounded by the socket's patience, and the whole by a count.
async fn next_change(socket: &mut ws::Socket, wanted: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let message = ws::next_json(socket).await;
        eprintln!("received {message}");
        assert_eq!(message["type"], "next", "{message:#}");
        assert!(message["payload"]["errors"].is_null(), "{message:#}");
        let change = &message["payload"]["data"]["wallChartChanges"];
        if wanted(change) {
            return change.clone();
        }
    }
    panic!("no such change among 200 messages");
}

/// The next `UNIT_FIGURES` change of `unit`: (uncovered, uncoveredCountingLeaders).
async fn next_figures_of(socket: &mut ws::Socket, unit: &str) -> (i64, i64) {
    let change = next_change(socket, |change| {
        change["kind"] == "UNIT_FIGURES" && change["unitId"] == unit
    })
    .await;
    let figures = &change["figures"];
    (
        figures["uncovered"].as_i64().unwrap(),
        figures["uncoveredCountingLeaders"].as_i64().unwrap(),
    )
}

/// Makes a change of `marker`'s cell and waits for it: the changes of every batch committed before are
/// delivered by then (on PostgreSQL they reach subscribers through NOTIFY, in commit order), so later
/// messages come from later changes.
async fn after_earlier_changes(api: &TestApi, socket: &mut ws::Socket, marker: &str) {
    mutate(
        api,
        "flagFollowUp",
        "FlagFollowUpInput",
        json!({"personId": marker}),
    )
    .await;
    next_change(socket, |change| {
        change["kind"] == "PERSON_CELL" && change["personId"] == marker
    })
    .await;
}

async fn a_leader_leaving_announces_the_led_units_figures(backend: TestBackend) {
    let api = TestApi::start(backend).await;
    let campaign = api.create_campaign("Hospital drive").await;
    let ward = api.add_unit(&campaign, "Ward 3", None).await;
    let kitchen = api.add_unit(&campaign, "Kitchen", None).await;
    // Two leaders outside the led people's units: only their leading changes those units' figures.
    let lea = api.add_person(&campaign, "Lea", "Leader").await;
    let dee = api.add_person(&campaign, "Dee", "Leader").await;
    let ben = api.add_person(&campaign, "Ben", "Led").await;
    let zed = api.add_person(&campaign, "Zed", "Marker").await;
    let cam = api.add_person(&campaign, "Cam", "Led").await;
    for (person, unit) in [(&ben, &ward), (&cam, &kitchen)] {
        mutate(
            &api,
            "joinUnit",
            "JoinUnitInput",
            json!({"personId": person, "unitId": unit}),
        )
        .await;
    }
    for (leader, led) in [(&lea, &ben), (&dee, &cam)] {
        mutate(
            &api,
            "connect",
            "ConnectInput",
            json!({"personId": leader, "targetPersonId": led, "kind": "organizer of"}),
        )
        .await;
    }
    let chart = query(
        &api,
        "query($c: ID!) { wallChart(campaignId: $c) { units { id figures { uncovered uncoveredCountingLeaders } } } }",
        json!({"c": campaign}),
    )
    .await;
    for unit in chart["wallChart"]["units"].as_array().unwrap() {
        assert_eq!(
            unit["figures"],
            json!({"uncovered": 1, "uncoveredCountingLeaders": 0}),
            "{chart:#}"
        );
    }

    let served = ws::serve(api.router.clone()).await;
    let mut socket = ws::open(served.address, &[]).await;
    ws::subscribe(
        &mut socket,
        "1",
        "subscription($c: ID!) { wallChartChanges(campaignId: $c, announce: true) { \
         kind personId unitId figures { uncovered uncoveredCountingLeaders } } }",
        json!({"c": campaign}),
    )
    .await;
    ws::listening(&mut socket).await;
    after_earlier_changes(&api, &mut socket, &zed).await;

    // A leader removed from the campaign: Ben is no longer led.
    mutate(
        &api,
        "removePersonFromCampaign",
        "RemovePersonFromCampaignInput",
        json!({"personId": lea}),
    )
    .await;
    assert_eq!(next_figures_of(&mut socket, &ward).await, (1, 1));

    // A leader forgotten: Cam is no longer led.
    let forgotten = api
        .graphql(
            "mutation($input: ForgetPersonInput!) { forgetPerson(input: $input, confirm: \"FORGET\") { version } }",
            json!({"input": {"personId": dee}}),
        )
        .await;
    forgotten.data();
    assert_eq!(next_figures_of(&mut socket, &kitchen).await, (1, 1));

    // The live chart agrees with what was announced.
    let chart = query(
        &api,
        "query($c: ID!) { wallChart(campaignId: $c) { units { id figures { uncovered uncoveredCountingLeaders } } } }",
        json!({"c": campaign}),
    )
    .await;
    for unit in chart["wallChart"]["units"].as_array().unwrap() {
        assert_eq!(
            unit["figures"],
            json!({"uncovered": 1, "uncoveredCountingLeaders": 1}),
            "{chart:#}"
        );
    }
    drop(socket);
    drop(served);
    api.stop().await;
}
