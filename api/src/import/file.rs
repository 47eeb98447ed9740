//! Reading an import's file as people have them: UTF-8 with or without a byte-order mark, Excel's UTF-16
//! (little or big endian, with its mark) or Windows-1252; cells separated by commas, semicolons or tabs
//! (detected from the header line); quoted as RFC 4180 says. Records are streamed one at a time, so a file of
//! any length is read in bounded memory.

use std::io::{BufRead, BufReader, Read};

/// The text encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }
}

/// Where an import's bytes come from, read again from the start for each pass (the preview, then the
/// commit): bytes in memory (a small upload in base64), a file on the operator's disk (the command line), or
/// an open file, such as the anonymous temporary file a multipart upload is received into or an upload's
/// kept pieces are copied into, so a large upload is never held in memory.
#[derive(Debug, Clone)]
pub enum Source {
    Bytes(std::sync::Arc<Vec<u8>>),
    File(std::path::PathBuf),
    Open(std::sync::Arc<std::fs::File>),
}

impl Source {
    fn open_raw(&self) -> std::io::Result<Box<dyn Read + Send + '_>> {
        Ok(match self {
            Source::Bytes(bytes) => Box::new(bytes.as_slice()),
            Source::File(path) => Box::new(std::fs::File::open(path)?),
            Source::Open(file) => Box::new(FromStart { file, offset: 0 }),
        })
    }

    /// The file's bytes as they are (no decoding), from the start.
    pub fn raw(&self) -> std::io::Result<impl Read + Send + '_> {
        self.open_raw()
    }

    /// The file's encoding: its byte-order mark if it has one; otherwise UTF-8 if every byte sequence is valid
    /// UTF-8 (read through once, in bounded memory); otherwise Windows-1252, which decodes any byte.
    pub fn encoding(&self) -> std::io::Result<Encoding> {
        let mut reader = BufReader::with_capacity(64 * 1024, self.open_raw()?);
        let start = reader.fill_buf()?;
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Ok(Encoding::Utf8);
        }
        if start.starts_with(&[0xFF, 0xFE]) {
            return Ok(Encoding::Utf16Le);
        }
        if start.starts_with(&[0xFE, 0xFF]) {
            return Ok(Encoding::Utf16Be);
        }
        let mut decoder = encoding_rs::UTF_8.new_decoder_without_bom_handling();
        let mut scratch = String::with_capacity(64 * 1024 * 3);
        loop {
            let chunk = reader.fill_buf()?;
            let last = chunk.is_empty();
            scratch.clear();
            scratch.reserve(decoder.max_utf8_buffer_length(chunk.len()).unwrap_or(0));
            let (result, read) =
                decoder.decode_to_string_without_replacement(chunk, &mut scratch, last);
            if let encoding_rs::DecoderResult::Malformed(..) = result {
                return Ok(Encoding::Windows1252);
            }
            reader.consume(read);
            if last {
                return Ok(Encoding::Utf8);
            }
        }
    }

    /// The file as UTF-8 text, without any byte-order mark.
    pub fn text(&self, encoding: Encoding) -> std::io::Result<impl Read + Send + '_> {
        Ok(encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding.codec()))
            .bom_override(true)
            .build(self.open_raw()?))
    }
}

/// An open file read from its start with positioned reads, so the readers of one file never move each
/// other (the file's own position is shared by every handle on it).
struct FromStart<'a> {
    file: &'a std::fs::File,
    offset: u64,
}

impl Read for FromStart<'_> {
    #[cfg(unix)]
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt as _;
        let read = self.file.read_at(out, self.offset)?;
        self.offset += read as u64;
        Ok(read)
    }

    #[cfg(windows)]
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::os::windows::fs::FileExt as _;
        let read = self.file.seek_read(out, self.offset)?;
        self.offset += read as u64;
        Ok(read)
    }
}

/// The cell separator of the header line: whichever of `,` `;` and tab appears most often outside quotes
/// (a comma when none does, as in a file with one column).
pub fn detect_delimiter(header_line: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in header_line.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            ',' => counts[0].1 += 1,
            ';' => counts[1].1 += 1,
            '\t' => counts[2].1 += 1,
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, count)| *count)
        .filter(|(_, count)| *count > 0)
        .map_or(b',', |(delimiter, _)| *delimiter)
}

/// One record of the file and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Why a file cannot be read at all (a wrong cell is not this: it is an error in the plan).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("the file is empty; the first line must name the columns")]
    Empty,
}

/// A file opened for reading records: its encoding, separator and header.
pub struct Opened<'a> {
    pub encoding: Encoding,
    pub delimiter: u8,
    pub header: Vec<String>,
    reader: csv::Reader<Box<dyn Read + Send + 'a>>,
    record: csv::StringRecord,
}

impl std::fmt::Debug for Opened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("encoding", &self.encoding)
            .field("delimiter", &(self.delimiter as char))
            .field("header", &self.header)
            .finish()
    }
}

/// Opens `source`: detects its encoding and separator and reads its header line.
pub fn open(source: &Source) -> Result<Opened<'_>, FileError> {
    let encoding = source.encoding()?;
    // The separator is read from the first line of the decoded text.
    let mut first_line = String::new();
    BufReader::new(source.text(encoding)?).read_line(&mut first_line)?;
    let delimiter = detect_delimiter(&first_line);
    let text: Box<dyn Read + Send + '_> = Box::new(LineEnds::new(source.text(encoding)?));
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut opened = Opened {
        encoding,
        delimiter,
        header: Vec::new(),
        reader,
        record: csv::StringRecord::new(),
    };
    opened.header = match opened.next() {
        None => return Err(FileError::Empty),
        Some(Err(error)) => return Err(error),
        Some(Ok(record)) => record
            .cells
            .iter()
            .map(|cell| cell.trim().to_string())
            .collect(),
    };
    Ok(opened)
}

/// Text with every line break as `\n` (`\r\n` and a lone `\r` become `\n`, in quoted cells too) and a `\n`
/// after the last line when the file has none. The CSV reader then counts lines as the file has them,
/// whatever its line ends: Excel writes `\r\n`, and many files end without a line break (the line of a
/// record is worked out from where the reader stands after it, see [`Opened::next`]).
struct LineEnds<R> {
    inner: R,
    /// The last byte handed out, if any.
    last: Option<u8>,
    /// The last byte read was `\r` (already handed out as `\n`): a `\n` right after it is dropped.
    after_cr: bool,
    done: bool,
}

impl<R: Read> LineEnds<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            last: None,
            after_cr: false,
            done: false,
        }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let read = self.inner.read(out)?;
            if read == 0 {
                self.done = true;
                if self.last.is_some_and(|byte| byte != b'\n') {
                    out[0] = b'\n';
                    self.last = Some(b'\n');
                    return Ok(1);
                }
                return Ok(0);
            }
            // Rewritten in place: the output is never longer than what was read.
            let mut written = 0;
            for index in 0..read {
                let byte = out[index];
                if byte == b'\n' && self.after_cr {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = byte == b'\r';
                out[written] = if byte == b'\r' { b'\n' } else { byte };
                written += 1;
            }
            if written > 0 {
                self.last = Some(out[written - 1]);
                return Ok(written);
            }
            // Only the `\n` of a `\r\n` split across two reads: read on.
        }
    }
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|cell| cell.trim().is_empty())
}

fn malformed(error: &csv::Error) -> FileError {
    let line = error
        .position()
        .map_or(0, |position| usize::try_from(position.line()).unwrap_or(0));
    let reason = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the text is not valid in its encoding".to_string(),
        _ => error.to_string(),
    };
    FileError::Malformed { line, reason }
}

impl Iterator for Opened<'_> {
    type Item = Result<Record, FileError>;

    /// The next record that is not blank, with the line it starts on. The reader's position after a record
    /// is where the next one starts (blank lines before a record are counted into it), so the line is worked
    /// out backwards from the end of the record: its terminator and the line breaks inside its cells.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Err(error) => return Some(Err(malformed(&error))),
                Ok(false) => return None,
                Ok(true) if is_blank(&self.record) => continue,
                Ok(true) => {
                    let after = usize::try_from(self.reader.position().line()).unwrap_or(0);
                    let inside: usize = self
                        .record
                        .iter()
                        .map(|cell| cell.matches('\n').count())
                        .sum();
                    let terminated = !self.reader.is_done();
                    let last_line = if terminated {
                        after.saturating_sub(1)
                    } else {
                        after
                    };
                    return Some(Ok(Record {
                        line: last_line.saturating_sub(inside).max(1),
                        cells: self.record.iter().map(ToString::to_string).collect(),
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: Vec<u8>) -> (Encoding, u8, Vec<String>, Vec<Record>) {
        let source = Source::Bytes(std::sync::Arc::new(bytes));
        let opened = open(&source).expect("the file opens");
        let (encoding, delimiter, header) =
            (opened.encoding, opened.delimiter, opened.header.clone());
        let records = opened.collect::<Result<Vec<_>, _>>().expect("records read");
        (encoding, delimiter, header, records)
    }

    #[test]
    fn utf8_with_and_without_a_byte_order_mark() {
        for prefix in [&b""[..], &[0xEF, 0xBB, 0xBF][..]] {
            let mut bytes = prefix.to_vec();
            bytes.extend_from_slice("given_name,family_name\nJosé,Núñez\n".as_bytes());
            let (encoding, delimiter, header, records) = read(bytes);
            assert_eq!(encoding, Encoding::Utf8);
            assert_eq!(delimiter, b',');
            assert_eq!(header, vec!["given_name", "family_name"]);
            assert_eq!(records[0].cells, vec!["José", "Núñez"]);
            assert_eq!(records[0].line, 2);
        }
    }

    #[test]
    fn excel_utf16_in_both_byte_orders_with_tabs() {
        let text = "given_name\tfamily_name\r\nZoë\tŁukasz\r\n";
        let mut little = vec![0xFF, 0xFE];
        let mut big = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            little.extend_from_slice(&unit.to_le_bytes());
            big.extend_from_slice(&unit.to_be_bytes());
        }
        for (bytes, expected) in [(little, Encoding::Utf16Le), (big, Encoding::Utf16Be)] {
            let (encoding, delimiter, header, records) = read(bytes);
            assert_eq!(encoding, expected);
            assert_eq!(delimiter, b'\t');
            assert_eq!(header, vec!["given_name", "family_name"]);
            assert_eq!(records[0].cells, vec!["Zoë", "Łukasz"]);
        }
    }

    #[test]
    fn windows_1252_with_semicolons() {
        // "Müller" and "€" in Windows-1252: 0xFC and 0x80.
        let mut bytes = b"given_name;family_name\nAnna;M".to_vec();
        bytes.extend_from_slice(&[0xFC]);
        bytes.extend_from_slice(b"ller \x80\n");
        let (encoding, delimiter, _, records) = read(bytes);
        assert_eq!(encoding, Encoding::Windows1252);
        assert_eq!(delimiter, b';');
        assert_eq!(records[0].cells, vec!["Anna", "Müller €"]);
    }

    #[test]
    fn quoted_cells_hold_separators_quotes_and_line_breaks_and_lines_are_counted() {
        let (_, _, _, records) = read(
            b"given_name,family_name\r\n\"Ana, Jr.\",\"O\"\"Neil\"\n\n\"Two\nlines\",X\nLast,One\n"
                .to_vec(),
        );
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].cells, vec!["Ana, Jr.", "O\"Neil"]);
        assert_eq!(records[1].cells, vec!["Two\nlines", "X"]);
        assert_eq!(records[1].line, 4);
        assert_eq!(records[2].line, 6);
    }

    #[test]
    fn lines_are_the_files_own_whatever_its_line_ends() {
        for bytes in [
            &b"given_name,email\r\nAna,a@example.org\r\n\r\nBen,bad b\r\n"[..],
            &b"given_name,email\r\nAna,a@example.org\r\n\r\nBen,bad b"[..],
            &b"given_name,email\nAna,a@example.org\n\nBen,bad b"[..],
            &b"given_name,email\rAna,a@example.org\r\rBen,bad b\r"[..],
        ] {
            let (_, _, header, records) = read(bytes.to_vec());
            let shown = String::from_utf8_lossy(bytes);
            assert_eq!(header, vec!["given_name", "email"], "{shown:?}");
            assert_eq!(records.len(), 2, "{shown:?}");
            assert_eq!(records[0].line, 2, "{shown:?}");
            assert_eq!(records[1].line, 4, "{shown:?}");
            assert_eq!(records[1].cells, vec!["Ben", "bad b"], "{shown:?}");
        }
    }

    #[test]
    fn a_crlf_split_between_two_reads_is_one_line_break() {
        /// Hands out one byte per read.
        struct Trickle(std::io::Cursor<Vec<u8>>);
        impl Read for Trickle {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let end = out.len().min(1);
                self.0.read(&mut out[..end])
            }
        }
        let mut text = String::new();
        LineEnds::new(Trickle(std::io::Cursor::new(b"a\r\nb\rc".to_vec())))
            .read_to_string(&mut text)
            .expect("the text reads");
        assert_eq!(text, "a\nb\nc\n");
    }

    #[test]
    fn the_separator_is_the_most_frequent_one_outside_quotes() {
        assert_eq!(detect_delimiter("\"a,b,c\";d;e\n"), b';');
        assert_eq!(detect_delimiter("a,b;c,d\n"), b',');
        assert_eq!(detect_delimiter("only\n"), b',');
    }
}
