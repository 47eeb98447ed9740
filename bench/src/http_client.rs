//! A minimal HTTP/1.1 client over one kept-alive TCP connection: enough to POST GraphQL and GET `/healthz`
//! against the server the bench starts, without pulling a client library into the workspace.

use anyhow::Context as _;
use std::net::SocketAddr;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

pub struct HttpConnection {
    stream: BufReader<TcpStream>,
    host: String,
}

/// A response: its status code, body (as sent: compressed if the server compressed it) and
/// `Content-Encoding`.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_encoding: Option<String>,
}

impl Answer {
    /// The body decoded from its `Content-Encoding` (gzip or brotli); an uncompressed body is lent, not
    /// copied: the client shares the server's cores, and a copy of each 1.7 MiB wall chart made the server
    /// look slower than it was (docs/performance.md, round 15).
    pub fn decoded(&self) -> anyhow::Result<std::borrow::Cow<'_, [u8]>> {
        let mut decoded = Vec::new();
        match self.content_encoding.as_deref() {
            None => return Ok(std::borrow::Cow::Borrowed(&self.body)),
            Some("gzip") => {
                std::io::Read::read_to_end(
                    &mut flate2::read::GzDecoder::new(&self.body[..]),
                    &mut decoded,
                )?;
            }
            Some("br") => {
                std::io::Read::read_to_end(
                    &mut brotli::Decompressor::new(&self.body[..], 64 * 1024),
                    &mut decoded,
                )?;
            }
            Some(other) => anyhow::bail!("an answer in an unknown content coding: {other}"),
        }
        Ok(std::borrow::Cow::Owned(decoded))
    }
}

impl HttpConnection {
    pub async fn open(address: SocketAddr) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(address)
            .await
            .with_context(|| format!("cannot connect to {address}"))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::new(stream),
            host: address.to_string(),
        })
    }

    pub async fn post_json(&mut self, path: &str, body: &[u8]) -> anyhow::Result<Answer> {
        self.post_json_accepting(path, body, None).await
    }

    /// A POST whose answer may come in one of the codings of `accept_encoding` (an `Accept-Encoding`
    /// value; none: sent as it is).
    pub async fn post_json_accepting(
        &mut self,
        path: &str,
        body: &[u8],
        accept_encoding: Option<&str>,
    ) -> anyhow::Result<Answer> {
        let accept_encoding = accept_encoding
            .map(|codings| format!("Accept-Encoding: {codings}\r\n"))
            .unwrap_or_default();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAccept: application/json\r\n{accept_encoding}Content-Length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        let writer = self.stream.get_mut();
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(body).await?;
        writer.flush().await?;
        self.read_answer().await
    }

    /// A POST of a `multipart/form-data` body made of `head`, the file at `file` (streamed from disk, never
    /// whole in memory) and `tail`.
    pub async fn post_multipart_file(
        &mut self,
        path: &str,
        boundary: &str,
        head: &[u8],
        file: &std::path::Path,
        tail: &[u8],
    ) -> anyhow::Result<Answer> {
        let mut content = tokio::fs::File::open(file)
            .await
            .with_context(|| format!("cannot open {}", file.display()))?;
        let file_length = content.metadata().await?.len() as usize;
        let request_head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nAccept: application/json\r\nContent-Length: {}\r\n\r\n",
            self.host,
            head.len() + file_length + tail.len()
        );
        let writer = self.stream.get_mut();
        writer.write_all(request_head.as_bytes()).await?;
        writer.write_all(head).await?;
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let read = content.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            writer.write_all(&buffer[..read]).await?;
        }
        writer.write_all(tail).await?;
        writer.flush().await?;
        self.read_answer().await
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Answer> {
        let head = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host);
        let writer = self.stream.get_mut();
        writer.write_all(head.as_bytes()).await?;
        writer.flush().await?;
        self.read_answer().await
    }

    async fn read_answer(&mut self) -> anyhow::Result<Answer> {
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .with_context(|| format!("not an HTTP status line: {line:?}"))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut content_encoding = None;
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                anyhow::bail!("the server closed the connection mid-answer");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse().ok();
                } else if name.eq_ignore_ascii_case("content-encoding") {
                    content_encoding = Some(value.to_ascii_lowercase());
                } else if name.eq_ignore_ascii_case("transfer-encoding")
                    && value.eq_ignore_ascii_case("chunked")
                {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                    .with_context(|| format!("not a chunk size: {line:?}"))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                chunk.truncate(size);
                body.extend(chunk);
                if size == 0 {
                    break;
                }
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok(Answer {
            status,
            body,
            content_encoding,
        })
    }
}
