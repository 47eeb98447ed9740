//! GraphQL subscriptions over a real WebSocket (graphql-transport-ws), as a browser would open them.

use axum::Router;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::Message;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long a test waits for a message it expects before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A router served on a local port; the server stops when this is dropped.
pub struct Served {
    pub address: SocketAddr,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Serves `router` on a free local port.
pub async fn serve(router: Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free local port");
    let address = listener.local_addr().expect("the bound address");
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    Served { address, server }
}

/// Opens `/graphql/ws` at `address` with the given extra headers (credentials); the upgrade's result.
pub async fn connect(
    address: SocketAddr,
    headers: &[(&str, &str)],
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://{address}/graphql/ws").into_client_request()?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("a header value"),
    );
    for (name, value) in headers {
        request.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            value.parse().expect("a header value"),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

/// A connection at `address` that the server has acknowledged (`connection_ack`).
pub async fn open(address: SocketAddr, headers: &[(&str, &str)]) -> Socket {
    let mut socket = connect(address, headers)
        .await
        .expect("the WebSocket upgrade");
    send(&mut socket, json!({"type": "connection_init"})).await;
    let ack = next_json(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack:#}");
    socket
}

/// Sends one protocol message.
pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("the socket takes a message");
}

/// Starts subscription `id` with `query` and `variables`.
pub async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    send(
        socket,
        json!({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}}),
    )
    .await;
}

/// The next protocol message (pings and pongs skipped); fails the test after [`PATIENCE`].
pub async fn next_json<S>(socket: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    tokio::time::timeout(PATIENCE, next_message(socket))
        .await
        .unwrap_or_else(|_| panic!("no message within {PATIENCE:?}"))
}

async fn next_message<S>(socket: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).expect("a JSON protocol message")
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("unexpected WebSocket message {other:?}"),
        }
    }
}

/// Waits for a subscription's announcement, the first message of one asked for with `announce: true`.
///
/// graphql-transport-ws does not acknowledge `subscribe`, and the server listens only once the
/// subscription's resolver has run; the announcement is the server's signal that it does. A change made
/// after this returns is delivered.
pub async fn listening<S>(socket: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let message = next_json(socket).await;
    assert_eq!(message["type"], "next", "{message:#}");
    assert!(
        message["payload"]["errors"].is_null(),
        "the subscription was refused: {message:#}"
    );
    message
}
