//! The `groundwork` binary as an operator runs it: real processes, a temporary working directory and data
//! directory per sandbox, and a fresh PostgreSQL database where the test runs on PostgreSQL.
//!
//! The binary belongs to the `api` package, so Cargo gives the tests no `CARGO_BIN_EXE_groundwork`. They
//! build it once per run with the same Cargo and profile that built them (`cargo build -p api --bin
//! groundwork`, a no-op when it is fresh) and run it from the profile directory next to the test
//! executable. `GROUNDWORK_TEST_BIN` points at a prebuilt binary instead.

use crate::{Kind, TestBackend};
use std::io::{BufRead as _, BufReader, Read, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Long enough for a debug build to load a demo on PostgreSQL on a busy machine; short enough that a hang
/// fails the test instead of the whole run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

pub fn groundwork_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(binary) = std::env::var_os("GROUNDWORK_TEST_BIN") {
            return PathBuf::from(binary);
        }
        // target/<profile>/deps/integration-<hash> → target/<profile>
        let test_executable = std::env::current_exe().unwrap();
        let profile_dir = test_executable.parent().unwrap().parent().unwrap();
        let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .args(["build", "--quiet", "-p", "api", "--bin", "groundwork"])
            .args(["--profile", profile, "--manifest-path"])
            .arg(workspace.join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "building the groundwork binary failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let binary = profile_dir.join(format!("groundwork{}", std::env::consts::EXE_SUFFIX));
        assert!(
            binary.exists(),
            "cargo built groundwork but it is not at {}",
            binary.display()
        );
        binary
    })
}

/// What a finished command printed and how it ended.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn assert_success(&self) -> &Self {
        assert!(self.status.success(), "expected success: {self:#?}");
        self
    }

    /// Asserts a failure whose message names the problem, and returns the message.
    pub fn assert_failure_naming(&self, needle: &str) -> &str {
        assert!(!self.status.success(), "expected a failure: {self:#?}");
        assert!(
            self.stderr.contains(needle),
            "expected stderr to name `{needle}`: {self:#?}"
        );
        &self.stderr
    }

    pub fn assert_never_shows(&self, secret: &str) {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "a secret was printed: {self:#?}"
        );
    }
}

/// What a child printed, line by line as it came, and when each of its two pipes closed.
enum Output {
    Line(String),
    Closed,
}

/// A running child process that is killed when dropped, so a failed assertion never leaves it behind. Its
/// standard output and error are pipes read by two threads, which pass each line on and say when the pipe
/// closes: a test waits on those signals (a line such as "serving on", or the end of the process), never
/// on a timer.
pub struct ChildGuard {
    child: Child,
    output: mpsc::Receiver<Output>,
    open_pipes: usize,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl ChildGuard {
    fn start(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, output) = mpsc::channel();
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        read_lines(child.stdout.take().unwrap(), stdout.clone(), sender.clone());
        read_lines(child.stderr.take().unwrap(), stderr.clone(), sender);
        Self {
            child,
            output,
            open_pipes: 2,
            stdout,
            stderr,
        }
    }

    /// The operating system's id of the process.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the child to end on its own (both its pipes closed); kills it and fails the test after
    /// `timeout`.
    pub fn wait(mut self, timeout: Duration) -> Finished {
        let deadline = Instant::now() + timeout;
        while self.open_pipes > 0 {
            match self
                .output
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(Output::Closed) => self.open_pipes -= 1,
                Ok(Output::Line(_)) => {}
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "groundwork did not finish within {timeout:?}; stderr so far:\n{}",
                        self.stderr.lock().unwrap()
                    );
                }
            }
        }
        let status = self.child.wait().unwrap();
        self.finished(status)
    }

    /// Waits until the child prints a line (on either stream) containing `needle`, and returns the line.
    /// Fails the test, with everything it printed, if the child ends first or `timeout` passes.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            match self
                .output
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(Output::Line(line)) if line.contains(needle) => return line,
                Ok(Output::Line(_)) => {}
                Ok(Output::Closed) => {
                    self.open_pipes -= 1;
                    if self.open_pipes == 0 {
                        let status = self.child.wait().unwrap();
                        panic!(
                            "groundwork ended ({status}) before printing `{needle}`: {:#?}",
                            self.finished(status)
                        );
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("groundwork's output ended before `{needle}`")
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "groundwork did not print `{needle}` within {timeout:?}; stderr so far:\n{}",
                    self.stderr.lock().unwrap()
                ),
            }
        }
    }

    /// Kills the child with SIGKILL (`kill -9`: no shutdown code runs) and collects what it printed.
    pub fn kill(mut self) -> Finished {
        let _ = self.child.kill();
        let status = self.child.wait().unwrap();
        // A dead process's pipes close at once: wait for the readers to have taken everything it printed.
        while self.open_pipes > 0 {
            match self.output.recv_timeout(COMMAND_TIMEOUT) {
                Ok(Output::Closed) => self.open_pipes -= 1,
                Ok(Output::Line(_)) => {}
                Err(_) => break,
            }
        }
        self.finished(status)
    }

    fn finished(&self, status: ExitStatus) -> Finished {
        Finished {
            status,
            stdout: self.stdout.lock().unwrap().clone(),
            stderr: self.stderr.lock().unwrap().clone(),
        }
    }
}

/// Reads a child's pipe on a thread of its own: each line is kept in `text` and passed on, then `Closed`.
fn read_lines(
    pipe: impl Read + Send + 'static,
    text: Arc<Mutex<String>>,
    sender: mpsc::Sender<Output>,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&line).into_owned();
                    text.lock().unwrap().push_str(&line);
                    // The receiver may be gone (the guard was dropped): the pipe is still drained.
                    let _ = sender.send(Output::Line(line));
                }
            }
        }
        let _ = sender.send(Output::Closed);
    });
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // A test that failed while the child ran shows the end of what the child said: its log is often
        // where the reason is.
        if std::thread::panicking() {
            let stderr = self
                .stderr
                .lock()
                .map(|text| text.clone())
                .unwrap_or_default();
            let lines: Vec<&str> = stderr.lines().collect();
            let tail = lines[lines.len().saturating_sub(60)..].join("\n");
            eprintln!("--- the last lines of the child's stderr:\n{tail}");
        }
    }
}

/// One operator's machine: a working directory with a data directory in it, and for PostgreSQL a fresh
/// database (dropped with the sandbox).
pub struct Sandbox {
    dir: tempfile::TempDir,
    pub database: Option<TestBackend>,
    environment: Vec<(String, String)>,
}

impl Sandbox {
    pub fn new(kind: Kind) -> Self {
        let database = match kind {
            Kind::Sqlite => None,
            Kind::Postgres => Some(
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(TestBackend::postgres()),
            ),
        };
        let mut sandbox = Self {
            dir: tempfile::tempdir().unwrap(),
            database,
            environment: Vec::new(),
        };
        if let Some(database) = &sandbox.database {
            let url = database.url.clone();
            sandbox.set("DATABASE_URL", &url);
        }
        sandbox
    }

    /// Sets an environment variable for every later command of this sandbox.
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        self.environment.retain(|(existing, _)| existing != name);
        self.environment.push((name.to_string(), value.to_string()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join("groundwork-data")
    }

    pub fn key_file(&self) -> PathBuf {
        self.data_dir().join("master.key")
    }

    pub fn key_text(&self) -> String {
        std::fs::read_to_string(self.key_file())
            .unwrap()
            .trim()
            .to_string()
    }

    /// Starts `groundwork ARGS` in the sandbox, with only the sandbox's settings in its environment.
    pub fn spawn(&self, args: &[&str]) -> ChildGuard {
        let mut command = Command::new(groundwork_binary());
        command.args(args).current_dir(self.path());
        // The developer's own settings must not leak into a test.
        for (name, _) in std::env::vars_os() {
            let setting = name.to_string_lossy();
            if setting.starts_with("GROUNDWORK_") || setting == "DATABASE_URL" {
                command.env_remove(&name);
            }
        }
        command.env("GROUNDWORK_DATA_DIR", self.data_dir());
        for (name, value) in &self.environment {
            command.env(name, value);
        }
        ChildGuard::start(command)
    }

    pub fn run(&self, args: &[&str]) -> Finished {
        self.spawn(args).wait(COMMAND_TIMEOUT)
    }

    pub fn export(&self) -> String {
        self.run(&["events", "export"])
            .assert_success()
            .stdout
            .clone()
    }

    /// Writes `text` into the sandbox and returns its path, for `events import`.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    /// Creates a chapter with its first admin (`email`), then loads a demo of `people` into that chapter:
    /// the commands that act on a chapter's people run as an account of it (`--as`). Returns the chapter.
    pub fn demo_with_admin(&mut self, email: &str, people: &str) -> String {
        let chapter = self.create_admin(email, "first admin passphrase 2291");
        self.set("GROUNDWORK_DEV_CHAPTER", &chapter);
        self.run(&["demo", "--people", people]).assert_success();
        chapter
    }

    /// The access log as (user, action, subject) rows, read straight from the database.
    pub fn access_log(&self) -> Vec<(String, String, Option<String>)> {
        self.select("SELECT user_id, action, subject_id FROM access_log ORDER BY at, id")
    }

    /// The user id of the account with `email`, read straight from the database.
    pub fn user_of(&self, email: &str) -> String {
        let rows: Vec<(String,)> =
            self.select(&format!("SELECT id FROM users WHERE email = '{email}'"));
        rows.into_iter().next().expect("the account exists").0
    }

    pub fn select<T>(&self, query: &str) -> Vec<T>
    where
        T: Send + Unpin,
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                match &self.database {
                    Some(database) => {
                        let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
                        sqlx::query_as(query).fetch_all(&pool).await.unwrap()
                    }
                    None => {
                        let pool = sqlx::SqlitePool::connect(&self.database_url())
                            .await
                            .unwrap();
                        sqlx::query_as(query).fetch_all(&pool).await.unwrap()
                    }
                }
            })
    }

    /// Every row of every read-model table, as JSON text, sorted per table: what the projections hold.
    pub fn read_model_tables(&self) -> Vec<(String, Vec<String>)> {
        let mut tables = Vec::new();
        for projection in projections::PROJECTIONS {
            for table in projections::projection_tables(projection) {
                let mut rows: Vec<(String,)> = match self.database {
                    Some(_) => self.select(&format!("SELECT row_to_json(t)::text FROM {table} t")),
                    None => {
                        let columns: Vec<(String,)> = self.select(&format!(
                            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                        ));
                        let columns: Vec<String> =
                            columns.into_iter().map(|(name,)| name).collect();
                        self.select(&format!(
                            "SELECT json_array({}) FROM {table}",
                            columns.join(", ")
                        ))
                    }
                };
                rows.sort();
                tables.push((
                    table.to_string(),
                    rows.into_iter().map(|(row,)| row).collect(),
                ));
            }
        }
        tables
    }

    pub fn write_key_file(&self, text: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(self.data_dir()).unwrap();
        std::fs::write(self.key_file(), text).unwrap();
        std::fs::set_permissions(self.key_file(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

pub fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A bare HTTP/1.1 GET: the status code and the body, or `None` while nothing listens yet.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// Starts `serve` on a free port, waits for its "serving on" line (printed once it listens) and asks
/// `/healthz` once; returns the server, its port and the health answer.
pub fn serve(sandbox: &mut Sandbox) -> (ChildGuard, u16, serde_json::Value) {
    let Server { child, port } = Server::start(sandbox);
    let (status, body) = http_get(port, "/healthz")
        .unwrap_or_else(|| panic!("serve listens on {port} but /healthz does not answer"));
    assert_eq!(status, 200, "healthz: {body}");
    (child, port, serde_json::from_str(&body).unwrap())
}

pub fn backend_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}

impl Sandbox {
    /// The database's URL as the binary is given it: the sandbox's PostgreSQL database, or the SQLite file
    /// in its data directory.
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(database) => database.url.clone(),
            None => format!(
                "sqlite://{}",
                self.data_dir().join("groundwork.sqlite3").display()
            ),
        }
    }

    /// Creates a chapter and its first admin (`email`, with `password`) and returns the chapter's id.
    pub fn create_admin(&mut self, email: &str, password: &str) -> String {
        self.set("GROUNDWORK_ADMIN_PASSWORD", password);
        self.run(&[
            "admin",
            "create",
            "--email",
            email,
            "--chapter-name",
            "Riverside",
        ])
        .assert_success()
        .stdout
        .trim()
        .to_string()
    }
}

/// A `groundwork serve` started in a sandbox on a free port, known to listen (it printed "serving on").
pub struct Server {
    pub child: ChildGuard,
    pub port: u16,
}

impl Server {
    pub fn start(sandbox: &mut Sandbox) -> Self {
        let port = free_port();
        sandbox.set("GROUNDWORK_LISTEN", &format!("127.0.0.1:{port}"));
        let mut child = sandbox.spawn(&["serve"]);
        child.wait_for_line("serving on", COMMAND_TIMEOUT);
        Self { child, port }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// How a request to a server went: its JSON answer, or the connection failed (the server is gone).
#[derive(Debug)]
pub enum Sent {
    Answer(serde_json::Value),
    Lost(String),
}

/// A GraphQL client of a real server over HTTP, signed in with a session cookie or an API token.
#[derive(Clone)]
pub struct GraphqlClient {
    http: reqwest::Client,
    base_url: String,
    /// `Authorization` or `Cookie` (with the CSRF header) for every request.
    credential: Credential,
}

#[derive(Clone)]
enum Credential {
    Cookie(String),
    Token(String),
}

impl GraphqlClient {
    fn http() -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    /// Signs in with a password (`POST /auth/sign-in`) and keeps the session cookie.
    pub async fn sign_in(base_url: &str, email: &str, password: &str) -> Self {
        let http = Self::http();
        let reply = http
            .post(format!("{base_url}/auth/sign-in"))
            .header("x-groundwork-csrf", "1")
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "sign-in of {email} refused");
        let cookie = reply
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .find(|pair| pair.starts_with("groundwork_session="))
            .expect("sign-in sets the session cookie")
            .to_string();
        Self {
            http,
            base_url: base_url.to_string(),
            credential: Credential::Cookie(cookie),
        }
    }

    /// A client sending `token` as `Authorization: Bearer`.
    pub fn with_token(base_url: &str, token: &str) -> Self {
        Self {
            http: Self::http(),
            base_url: base_url.to_string(),
            credential: Credential::Token(token.to_string()),
        }
    }

    /// The same credential against another server (a restarted one listens on a new port).
    pub fn at(&self, base_url: &str) -> Self {
        Self {
            http: Self::http(),
            base_url: base_url.to_string(),
            credential: self.credential.clone(),
        }
    }

    /// Sends one GraphQL request; a connection that fails or breaks is `Lost`, any HTTP answer is parsed.
    pub async fn send(&self, query: &str, variables: serde_json::Value) -> Sent {
        let request = self
            .http
            .post(format!("{}/graphql", self.base_url))
            .json(&serde_json::json!({"query": query, "variables": variables}));
        let request = match &self.credential {
            Credential::Cookie(cookie) => request
                .header(reqwest::header::COOKIE, cookie)
                .header("x-groundwork-csrf", "1"),
            Credential::Token(token) => request.bearer_auth(token),
        };
        let reply = match request.send().await {
            Ok(reply) => reply,
            Err(error) => return Sent::Lost(format!("{error:?}")),
        };
        let status = reply.status();
        match reply.text().await {
            Ok(text) => Sent::Answer(serde_json::from_str(&text).unwrap_or_else(
                |_| serde_json::json!({"errors": [{"message": format!("HTTP {status}: {text}")}]}),
            )),
            Err(error) => Sent::Lost(format!("{error:?}")),
        }
    }

    /// Sends a request the server must answer without errors; returns its `data`.
    pub async fn ok(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        match self.send(query, variables.clone()).await {
            Sent::Answer(answer) if answer.get("errors").is_none() => answer["data"].clone(),
            other => panic!("{query} with {variables} failed: {other:?}"),
        }
    }

    /// Every edge of the connection `field` (a top-level field of `query`), page after page: the query
    /// takes `$after: String` and selects `edges` and `pageInfo { hasNextPage endCursor }`; `variables`
    /// gets `after`.
    pub async fn all_edges(
        &self,
        query: &str,
        field: &str,
        mut variables: serde_json::Value,
    ) -> Vec<serde_json::Value> {
        let mut edges = Vec::new();
        loop {
            let page = self.ok(query, variables.clone()).await;
            let connection = &page[field];
            edges.extend(connection["edges"].as_array().unwrap().iter().cloned());
            if connection["pageInfo"]["hasNextPage"] != true {
                return edges;
            }
            variables["after"] = connection["pageInfo"]["endCursor"].clone();
        }
    }
}
