//! The browser app's files (`web/dist`, built by Vite and committed), embedded into the binary or read from
//! a folder (`GROUNDWORK_WEB_DIR`, for working on the app), served at `/`: hash-named assets under
//! `/assets/` are cached forever, pages never; the app's own routes get `index.html`, and so does any other
//! GET path, but with status 404.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

/// The built app, embedded at compile time. `debug-embed` embeds in debug builds too, so tests serve the
/// same bytes a release binary does.
#[derive(rust_embed::Embed)]
#[folder = "../web/dist"]
struct Dist;

/// The app's page: every client route answers with it.
pub const APP_PAGE: &str = "index.html";
/// GraphiQL's page, served at `GET /graphql`.
pub const GRAPHIQL_PAGE: &str = "graphiql.html";
/// Where Vite puts the hash-named files: a changed file gets a new name, so they can be cached for good.
const ASSETS_DIR: &str = "assets/";
/// `Cache-Control` of a hash-named asset.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of a page: always asked again, so a new release's asset names are picked up at once.
pub const NO_CACHE: &str = "no-cache";

/// Where the app's files come from.
#[derive(Debug, Clone, Default)]
pub enum WebFiles {
    /// The copy of `web/dist` compiled into the binary.
    #[default]
    Embedded,
    /// A folder on disk, read on every request (`GROUNDWORK_WEB_DIR`).
    Folder(PathBuf),
}

impl WebFiles {
    /// A file's bytes, or `None` when there is no such file or the path tries to leave the folder.
    async fn read(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if !is_plain_relative(path) {
            return None;
        }
        match self {
            Self::Embedded => Dist::get(path).map(|file| file.data),
            Self::Folder(root) => tokio::fs::read(root.join(path)).await.ok().map(Cow::Owned),
        }
    }

    /// A page (`index.html`, `graphiql.html`), never cached. 404 when the app was not built.
    pub async fn page(&self, name: &str) -> Response {
        match self.read(name).await {
            Some(bytes) => file_response(name, bytes, NO_CACHE),
            None => not_built(),
        }
    }

    /// Answers a GET for any path no other route took: an asset, a file at the top of the folder, or the
    /// app's page for a client route.
    async fn serve(&self, method: &Method, uri: &Uri) -> Response {
        if method != Method::GET && method != Method::HEAD {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        let path = uri.path().trim_start_matches('/');
        if path.starts_with(ASSETS_DIR) {
            // A missing asset is a 404, not the app's page: a script tag must never get HTML.
            return match self.read(path).await {
                Some(bytes) => file_response(path, bytes, IMMUTABLE),
                None => StatusCode::NOT_FOUND.into_response(),
            };
        }
        if !path.is_empty() && path != APP_PAGE && path != GRAPHIQL_PAGE {
            if let Some(bytes) = self.read(path).await {
                return file_response(path, bytes, NO_CACHE);
            }
        }
        let mut page = self.page(APP_PAGE).await;
        // An address that is no screen of the app still gets the page (it says "nothing here" in the
        // person's language), but with the status that tells crawlers and scripts the truth.
        if page.status() == StatusCode::OK && !is_client_route(path) {
            *page.status_mut() = StatusCode::NOT_FOUND;
        }
        page
    }
}

/// The first path segments of the app's screens (`web/src/router.ts` keeps the same list): `/`,
/// `/sign-in`, `/invitation`, `/campaigns/…`, `/people/…`, `/tasks`, `/me…`, `/admin/…`. The setup screen has
/// its own route.
const CLIENT_ROUTES: [&str; 8] = [
    "",
    "sign-in",
    "invitation",
    "campaigns",
    "people",
    "tasks",
    "me",
    "admin",
];

fn is_client_route(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    CLIENT_ROUTES.contains(&first)
}

/// True for `a/b.js`; false for an empty path, `..`, `.`, empty segments and backslashes, so a request
/// can never name a file outside the folder.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|segment| {
            !segment.is_empty() && segment != "." && segment != ".." && !segment.contains('\\')
        })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(path: &str, bytes: Cow<'static, [u8]>, cache: &'static str) -> Response {
    let body = match bytes {
        Cow::Borrowed(bytes) => Body::from(bytes),
        Cow::Owned(bytes) => Body::from(bytes),
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn not_built() -> Response {
    (
        StatusCode::NOT_FOUND,
        "the browser app is not built: run `npm ci && npm run build` in web/, or unset GROUNDWORK_WEB_DIR\n",
    )
        .into_response()
}

/// The router that serves the app: only a fallback, so it goes last and takes what no API route took.
pub fn router(files: Arc<WebFiles>) -> Router {
    Router::new().fallback(fallback).with_state(files)
}

async fn fallback(State(files): State<Arc<WebFiles>>, method: Method, uri: Uri) -> Response {
    files.serve(&method, &uri).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        for bad in [
            "",
            "..",
            "../Cargo.toml",
            "assets/../../x",
            "a//b",
            "./index.html",
            "a\\..\\b",
            "/etc/passwd",
        ] {
            assert!(!is_plain_relative(bad), "{bad:?} was accepted");
        }
        for good in ["index.html", "assets/index-abc123.js", "favicon.ico"] {
            assert!(is_plain_relative(good), "{good:?} was refused");
        }
    }

    #[test]
    fn only_the_apps_screens_are_client_routes() {
        for route in [
            "",
            "sign-in",
            "invitation",
            "campaigns/1",
            "people",
            "people/2",
            "tasks",
            "me",
        ] {
            assert!(is_client_route(route), "{route:?}");
        }
        for other in [
            "no-such-page",
            "wp-admin/setup.php",
            "campaignsx",
            "setup/abc",
        ] {
            assert!(!is_client_route(other), "{other:?}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type("assets/a-1.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/a-1.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn the_embedded_copy_holds_both_pages() {
        assert!(
            Dist::get(APP_PAGE).is_some(),
            "web/dist/index.html is not embedded"
        );
        assert!(
            Dist::get(GRAPHIQL_PAGE).is_some(),
            "web/dist/graphiql.html is not embedded"
        );
    }
}
