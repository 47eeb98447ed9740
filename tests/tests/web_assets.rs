//! The browser app and GraphiQL served from the binary: pages never cached, hash-named assets cached for
//! good, client routes answered with the app's page, a folder served instead with `GROUNDWORK_WEB_DIR`, and
//! a content security policy that names no other host and allows no inline script; and the first start's
//! one-time setup address. Serving files does not touch the database and the setup's accounts are tested on
//! both backends in accounts.rs, so these run on SQLite only.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

use api::http::{app_with, ApiOptions, CONTENT_SECURITY_POLICY};
use api::service::Groundwork;
use api::setup::FirstStart;
use api::web::{WebFiles, IMMUTABLE, NO_CACHE};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use projections::ReadModels;
use std::sync::Arc;
use store::MasterKey;
use tests::TestBackend;
use tower::ServiceExt as _;

struct Served {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn router(web: WebFiles) -> (Router, TestBackend) {
    router_with(ApiOptions {
        web,
        ..ApiOptions::default()
    })
    .await
}

async fn router_with(options: ApiOptions) -> (Router, TestBackend) {
    let backend = TestBackend::sqlite().await;
    let store = backend.store(&MasterKey::generate()).await;
    let groundwork = Arc::new(Groundwork::with_store(store));
    let read_models = ReadModels::new(groundwork.store());
    (app_with(groundwork, read_models, options), backend)
}

async fn request(router: &Router, method: Method, path: &str) -> Served {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .unwrap();
    send(router, request).await
}

async fn send(router: &Router, request: Request<Body>) -> Served {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Served {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn header(served: &Served, name: header::HeaderName) -> &str {
    served
        .headers
        .get(&name)
        .map(|value| value.to_str().unwrap())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The `src` and `href` values of a page's script and link tags.
fn asset_references(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = page;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').unwrap();
            found.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    found
}

#[tokio::test]
async fn the_app_is_served_at_the_root_and_for_client_routes() {
    let (router, _backend) = router(WebFiles::Embedded).await;
    let root = request(&router, Method::GET, "/").await;
    assert_eq!(root.status, StatusCode::OK);
    assert_eq!(header(&root, header::CACHE_CONTROL), NO_CACHE);
    assert!(header(&root, header::CONTENT_TYPE).starts_with("text/html"));
    assert!(root.body.contains("<div id=\"app\">"), "{}", root.body);

    // A client route (a reload on a wall chart, a shared link) gets the same page.
    let route = request(&router, Method::GET, "/campaigns/3f1c/unit?asOf=2026-01-01").await;
    assert_eq!(route.status, StatusCode::OK);
    assert_eq!(route.body, root.body);
    assert_eq!(header(&route, header::CACHE_CONTROL), NO_CACHE);

    // An address that is no screen still gets the page (it says so), with a 404.
    let unknown = request(&router, Method::GET, "/no-such-page").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body, root.body);

    // The API keeps its own answers.
    let health = request(&router, Method::GET, "/healthz").await;
    assert!(health.body.contains("\"status\""), "{}", health.body);
    let refused = request(&router, Method::POST, "/graphql").await;
    assert_ne!(refused.status, StatusCode::OK);
    assert!(!refused.body.contains("<div id=\"app\">"));

    // Anything but GET and HEAD on an app path is refused.
    let posted = request(&router, Method::POST, "/campaigns/3f1c").await;
    assert_eq!(posted.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn hashed_assets_are_cached_for_good_and_missing_ones_are_404() {
    let (router, _backend) = router(WebFiles::Embedded).await;
    let page = request(&router, Method::GET, "/").await.body;
    let assets = asset_references(&page);
    let script = assets
        .iter()
        .find(|path| path.starts_with("/assets/") && path.ends_with(".js"))
        .unwrap_or_else(|| panic!("no script in {page}"));
    let served = request(&router, Method::GET, script).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(header(&served, header::CACHE_CONTROL), IMMUTABLE);
    assert_eq!(
        header(&served, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    let stylesheet = assets.iter().find(|path| path.ends_with(".css")).unwrap();
    let served = request(&router, Method::GET, stylesheet).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(
        header(&served, header::CONTENT_TYPE),
        "text/css; charset=utf-8"
    );

    // A script tag must never receive the HTML page.
    let missing = request(&router, Method::GET, "/assets/index-missing.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_load_nothing_from_another_host_and_no_inline_script() {
    let (router, _backend) = router(WebFiles::Embedded).await;
    for path in ["/", "/graphql"] {
        let page = request(&router, Method::GET, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let policy = header(&page, header::CONTENT_SECURITY_POLICY);
        assert_eq!(policy, CONTENT_SECURITY_POLICY);
        let scripts = policy
            .split(';')
            .map(str::trim)
            .find(|directive| directive.starts_with("script-src"))
            .unwrap();
        assert_eq!(scripts, "script-src 'self'", "{policy}");
        assert!(
            !policy.contains("http"),
            "the policy names another host: {policy}"
        );
        assert!(!page.body.contains("unpkg"), "{}", page.body);
        // Every script and stylesheet is a file of this server, and the page has no inline script.
        for reference in asset_references(&page.body) {
            assert!(
                reference.starts_with("/assets/"),
                "{path} loads {reference}"
            );
            let asset = request(&router, Method::GET, &reference).await;
            assert_eq!(asset.status, StatusCode::OK, "{reference}");
        }
        let inline_scripts = page.body.matches("<script").count();
        let file_scripts = page
            .body
            .matches("<script type=\"module\" crossorigin src=\"/assets/")
            .count();
        assert_eq!(
            inline_scripts, file_scripts,
            "an inline script in {path}: {}",
            page.body
        );
    }
    // GraphiQL is the bundled page, not async-graphql's CDN one.
    let graphiql = request(&router, Method::GET, "/graphql").await;
    assert!(
        graphiql.body.contains("/assets/graphiql-"),
        "{}",
        graphiql.body
    );
    assert_eq!(header(&graphiql, header::CACHE_CONTROL), NO_CACHE);
}

#[tokio::test]
async fn a_folder_is_served_instead_with_groundwork_web_dir() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "not for the web").unwrap();
    let dir = outside.path().join("dist");
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><p>work in progress</p>",
    )
    .unwrap();
    std::fs::write(dir.join("assets/app-1234.js"), "console.log(1)").unwrap();
    let (router, _backend) = router(WebFiles::Folder(dir.clone())).await;

    let page = request(&router, Method::GET, "/people/1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("work in progress"));
    let script = request(&router, Method::GET, "/assets/app-1234.js").await;
    assert_eq!(script.body, "console.log(1)");
    assert_eq!(header(&script, header::CACHE_CONTROL), IMMUTABLE);

    // Edits show up without a restart: the folder is read on each request.
    std::fs::write(dir.join("index.html"), "<!doctype html><p>edited</p>").unwrap();
    assert!(request(&router, Method::GET, "/")
        .await
        .body
        .contains("edited"));

    for escape in [
        "/assets/../../secret.txt",
        "/../secret.txt",
        "/assets/..%2f..%2fsecret.txt",
    ] {
        let served = request(&router, Method::GET, escape).await;
        assert!(
            !served.body.contains("not for the web"),
            "{escape} left the folder"
        );
    }

    // Without a built app the root says so instead of serving nothing.
    std::fs::remove_file(dir.join("index.html")).unwrap();
    let unbuilt = request(&router, Method::GET, "/").await;
    assert_eq!(unbuilt.status, StatusCode::NOT_FOUND);
    assert!(unbuilt.body.contains("not built"), "{}", unbuilt.body);
}

fn setup_request(path: &str, csrf: bool, body: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if csrf {
        request = request.header("x-groundwork-csrf", "1");
    }
    request.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn the_setup_address_works_once_and_then_answers_404() {
    let token = "k3vYx0pQ2m-9Zr4tLw8nB1sHcE6aUdFgJiKoPqRsTuV".to_string();
    let first_start = Arc::new(FirstStart::with_token(token.clone()));
    let (router, _backend) = router_with(ApiOptions {
        first_start: Some(first_start.clone()),
        ..ApiOptions::default()
    })
    .await;
    let path = format!("/setup/{token}");
    assert_eq!(first_start.path().await.as_deref(), Some(path.as_str()));

    // The right token shows the app's page (which draws the form); a guess gets 404, not the page.
    let page = request(&router, Method::GET, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<div id=\"app\">"));
    let guess = request(
        &router,
        Method::GET,
        "/setup/k3vYx0pQ2m-9Zr4tLw8nB1sHcE6aUdFgJiKoPqRsTuW",
    )
    .await;
    assert_eq!(guess.status, StatusCode::NOT_FOUND);

    let body = r#"{"chapterName":"Eastside Tenants","email":"first@example.org","password":"a long enough passphrase"}"#;
    // Without the CSRF header a cross-site form could post it: refused, and the address stays open.
    let forged = send(&router, setup_request(&path, false, body)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A refused setup (a short password) leaves the address open for another try.
    let short =
        r#"{"chapterName":"Eastside Tenants","email":"first@example.org","password":"short"}"#;
    let refused = send(&router, setup_request(&path, true, short)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(first_start.path().await.is_some());

    let done = send(&router, setup_request(&path, true, body)).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    assert!(done.body.contains("chapterId"), "{}", done.body);
    assert_eq!(first_start.path().await, None);

    // The admin signs in with what they chose.
    let sign_in = Request::builder()
        .method(Method::POST)
        .uri("/auth/sign-in")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-groundwork-csrf", "1")
        .body(Body::from(
            r#"{"email":"first@example.org","password":"a long enough passphrase"}"#,
        ))
        .unwrap();
    let signed_in = send(&router, sign_in).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    assert!(
        signed_in.body.contains("\"role\":\"admin\""),
        "{}",
        signed_in.body
    );

    // From now on the address is gone, for the page and for another setup.
    assert_eq!(
        request(&router, Method::GET, &path).await.status,
        StatusCode::NOT_FOUND
    );
    let again = send(&router, setup_request(&path, true, body)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_a_first_start_there_is_no_setup_address() {
    let (router, _backend) = router(WebFiles::Embedded).await;
    let page = request(&router, Method::GET, "/setup/anything").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
