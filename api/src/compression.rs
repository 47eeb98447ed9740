//! Compressed responses. Every response the server makes (GraphQL, REST, the app's files, `/metrics`) is
//! compressed with brotli or gzip when the client's `Accept-Encoding` allows it
//! ([`layer`], tower-http's `CompressionLayer`), and sent as it is otherwise. A full wall chart of 100,000
//! people is about 16 MiB of JSON; compressed it is a small fraction of that (docs/performance.md).
//!
//! Compressing 16 MiB costs far more than serving a kept answer, so the wall chart's kept answers
//! ([`crate::graphql::answers`]) are compressed once per answer and coding ([`CompressedAnswer`]) and sent
//! with their `Content-Encoding` set, which the layer leaves alone.
//!
//! Headers are untouched otherwise: `Cache-Control` (immutable assets, `no-cache` pages) and the security
//! headers stay; the layer adds `Vary: Accept-Encoding`. A WebSocket upgrade has no body and is never
//! compressed.

use axum::http::{header, HeaderMap, HeaderValue};
use std::io::Write as _;
use std::sync::{Arc, OnceLock};
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// The layer that compresses responses on the fly: brotli (quality 4) or gzip (level 6), whichever the
/// client prefers, for bodies of more than 32 bytes that are not already compressed (images other than SVG,
/// `woff2` fonts, and responses that carry a `Content-Encoding`).
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Default)
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/woff2")))
}

/// A content coding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// The `Content-Encoding` value (none for the identity).
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Self::Brotli => Some(HeaderValue::from_static("br")),
            Self::Gzip => Some(HeaderValue::from_static("gzip")),
            Self::Identity => None,
        }
    }

    /// The coding a request's `Accept-Encoding` prefers among those the server has: the highest `q`, brotli
    /// before gzip on a tie; `q=0` refuses a coding, `*` stands for any not named.
    pub fn preferred(headers: &HeaderMap) -> Self {
        let mut brotli: Option<f32> = None;
        let mut gzip: Option<f32> = None;
        let mut any: Option<f32> = None;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let mut quality = 1.0_f32;
                for parameter in parts {
                    if let Some((key, number)) = parameter.split_once('=') {
                        if key.trim().eq_ignore_ascii_case("q") {
                            quality = number.trim().parse().unwrap_or(0.0);
                        }
                    }
                }
                match name.as_str() {
                    "br" => brotli = Some(quality),
                    "gzip" | "x-gzip" => gzip = Some(quality),
                    "*" => any = Some(quality),
                    _ => {}
                }
            }
        }
        let brotli = brotli.or(any).unwrap_or(0.0);
        let gzip = gzip.or(any).unwrap_or(0.0);
        if brotli > 0.0 && brotli >= gzip {
            Self::Brotli
        } else if gzip > 0.0 {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

/// Brotli's quality and window for kept answers: the same quality the layer uses (4), a 4 MiB window.
const BROTLI_QUALITY: u32 = 4;
const BROTLI_WINDOW: u32 = 22;

/// A serialised answer and its compressed forms, each made the first time a client asks for it.
pub struct CompressedAnswer {
    plain: Arc<[u8]>,
    brotli: OnceLock<Arc<[u8]>>,
    gzip: OnceLock<Arc<[u8]>>,
}

impl CompressedAnswer {
    pub fn new(plain: Arc<[u8]>) -> Self {
        Self {
            plain,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    /// The uncompressed bytes.
    pub fn plain(&self) -> &Arc<[u8]> {
        &self.plain
    }

    /// The bytes in `coding`, compressing them now (off the async threads) if no one has yet. Concurrent
    /// callers for the same coding wait for one compression.
    pub async fn coded(self: &Arc<Self>, coding: Coding) -> Arc<[u8]> {
        let cell = match coding {
            Coding::Identity => return Arc::clone(&self.plain),
            Coding::Brotli => &self.brotli,
            Coding::Gzip => &self.gzip,
        };
        if let Some(done) = cell.get() {
            return Arc::clone(done);
        }
        let answer = Arc::clone(self);
        let made = tokio::task::spawn_blocking(move || {
            let cell = match coding {
                Coding::Brotli => &answer.brotli,
                _ => &answer.gzip,
            };
            Arc::clone(cell.get_or_init(|| compress(&answer.plain, coding).into()))
        })
        .await;
        match made {
            Ok(bytes) => bytes,
            // The compression panicked (it cannot in practice): compress here rather than fail.
            Err(_) => compress(&self.plain, coding).into(),
        }
    }
}

/// `bytes` compressed in `coding` (as they are for the identity).
pub fn compress(bytes: &[u8], coding: Coding) -> Vec<u8> {
    match coding {
        Coding::Identity => bytes.to_vec(),
        Coding::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(bytes.len() / 8),
                flate2::Compression::default(),
            );
            // Writing into a Vec cannot fail.
            encoder.write_all(bytes).expect("compressing into memory");
            encoder.finish().expect("compressing into memory")
        }
        Coding::Brotli => {
            let mut output = Vec::with_capacity(bytes.len() / 8);
            {
                let mut encoder = brotli::CompressorWriter::new(
                    &mut output,
                    64 * 1024,
                    BROTLI_QUALITY,
                    BROTLI_WINDOW,
                );
                encoder.write_all(bytes).expect("compressing into memory");
                encoder.flush().expect("compressing into memory");
            }
            output
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> Coding {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Coding::preferred(&headers)
    }

    #[test]
    fn the_clients_preference_chooses_the_coding() {
        assert_eq!(Coding::preferred(&HeaderMap::new()), Coding::Identity);
        assert_eq!(accepting("gzip, deflate, br"), Coding::Brotli);
        assert_eq!(accepting("gzip"), Coding::Gzip);
        assert_eq!(accepting("br;q=0.5, gzip"), Coding::Gzip);
        assert_eq!(accepting("br;q=0, gzip;q=0"), Coding::Identity);
        assert_eq!(accepting("identity"), Coding::Identity);
        assert_eq!(accepting("*"), Coding::Brotli);
        assert_eq!(accepting("br;q=0, *"), Coding::Gzip);
        assert_eq!(accepting("deflate"), Coding::Identity);
    }

    #[test]
    fn compressed_bytes_come_back_whole() {
        let text = "{\"data\":{\"wallChart\":[1,2,3]}}".repeat(1000);
        let gzip = compress(text.as_bytes(), Coding::Gzip);
        let mut decoded = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
        let brotli = compress(text.as_bytes(), Coding::Brotli);
        let mut decoded = String::new();
        std::io::Read::read_to_string(
            &mut brotli::Decompressor::new(&brotli[..], 4096),
            &mut decoded,
        )
        .unwrap();
        assert_eq!(decoded, text);
        assert!(brotli.len() < text.len() / 10 && gzip.len() < text.len() / 10);
    }
}
