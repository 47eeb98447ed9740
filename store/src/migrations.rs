//! The schema migrations, embedded in the binary: the files of `migrations/sqlite` and
//! `migrations/postgres`, listed by `build.rs` and applied by sqlx's migrator. Read as sqlx's `migrate!`
//! macro reads them (`<version>_<description>.sql`, the same SHA-384 checksums), so databases migrated by
//! earlier builds go on without a difference (ADR 23).

use std::borrow::Cow;

use futures::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::BackendKind;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The migration files of one backend, as `(file name, SQL)`.
#[derive(Debug, Clone, Copy)]
struct Embedded(&'static [(&'static str, &'static str)]);

impl Embedded {
    fn of(kind: BackendKind) -> Self {
        match kind {
            BackendKind::Sqlite => Self(SQLITE),
            BackendKind::Postgres => Self(POSTGRES),
        }
    }

    fn migrations(self) -> Result<Vec<Migration>, String> {
        let mut migrations = self
            .0
            .iter()
            .map(|&(name, sql)| migration(name, sql))
            .collect::<Result<Vec<_>, _>>()?;
        migrations.sort_by_key(|migration| migration.version);
        Ok(migrations)
    }
}

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move { self.migrations().map_err(BoxDynError::from) })
    }
}

/// One migration file, as sqlx names it: the version before the first `_`, the rest (without `.sql`, `_`
/// read as a space) its description; a file that starts with `-- no-transaction` runs outside a transaction.
fn migration(name: &str, sql: &'static str) -> Result<Migration, String> {
    let (version, rest) = name
        .split_once('_')
        .ok_or_else(|| format!("migration {name}: expected <version>_<description>.sql"))?;
    let version: i64 = version
        .parse()
        .map_err(|_| format!("migration {name}: the version {version:?} is not a number"))?;
    let migration_type = MigrationType::from_filename(rest);
    let description = rest
        .trim_end_matches(migration_type.suffix())
        .replace('_', " ");
    Ok(Migration::new(
        version,
        Cow::Owned(description),
        migration_type,
        Cow::Borrowed(sql),
        sql.starts_with("-- no-transaction"),
    ))
}

/// The migrator of a backend's embedded migrations.
pub async fn migrator(kind: BackendKind) -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded::of(kind)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_reads_with_its_version_and_description() {
        for kind in [BackendKind::Sqlite, BackendKind::Postgres] {
            let migrations = Embedded::of(kind)
                .migrations()
                .expect("the migrations read");
            assert!(migrations.len() >= 21, "{kind:?}: {}", migrations.len());
            let first = &migrations[0];
            assert_eq!(first.version, 20260101000000);
            assert_eq!(first.description, "event store");
            assert_eq!(first.migration_type, MigrationType::Simple);
            assert!(migrations
                .windows(2)
                .all(|pair| pair[0].version < pair[1].version));
        }
    }

    #[test]
    fn a_misnamed_migration_is_an_error() {
        assert!(migration("event_store.sql", "").is_err());
        assert!(migration("nodescription.sql", "").is_err());
    }
}
