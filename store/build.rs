//! Lists the schema migrations (`migrations/sqlite/*.sql`, `migrations/postgres/*.sql`) for
//! `src/migrations.rs`, which embeds them in the binary: a new migration file needs no other change.
//!
//! This replaces sqlx's `migrate!` macro, whose proc-macro crate compiles sqlx and both database drivers a
//! second time for the compiler (docs/adr/0020-embedded-migrations.md).

use std::error::Error;
use std::fmt::Write;
use std::path::Path;

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("migrations");
    let mut listing = String::new();
    for backend in ["sqlite", "postgres"] {
        let folder = root.join(backend);
        println!("cargo::rerun-if-changed={}", folder.display());
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.extension().is_some_and(|extension| extension == "sql") {
                files.push(path.canonicalize()?);
            }
        }
        files.sort();
        writeln!(
            listing,
            "pub(crate) const {}: &[(&str, &str)] = &[",
            backend.to_uppercase()
        )?;
        for path in files {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .ok_or_else(|| format!("{} is not a UTF-8 file name", path.display()))?;
            let full = path
                .to_str()
                .ok_or_else(|| format!("{} is not a UTF-8 path", path.display()))?;
            writeln!(listing, "    ({name:?}, include_str!({full:?})),")?;
        }
        writeln!(listing, "];")?;
    }
    let out = std::env::var("OUT_DIR")?;
    std::fs::write(Path::new(&out).join("migrations.rs"), listing)?;
    Ok(())
}
