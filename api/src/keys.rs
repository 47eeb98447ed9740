//! Where the master key comes from: `GROUNDWORK_MASTER_KEY`, or for the embedded default a key file created
//! on first start with mode 0600. The key itself never prints.

use crate::config::Settings;
use anyhow::{bail, Context as _};
use secrecy::ExposeSecret;
use std::io::Write;
use std::path::Path;
use store::MasterKey;

/// A master key, and where to save it if it was made just now.
pub struct ResolvedKey {
    pub key: MasterKey,
    /// Set when no key existed: the caller saves the key here once the database has been reached, so a
    /// failed start leaves no stray key file behind.
    pub save_to: Option<std::path::PathBuf>,
}

impl ResolvedKey {
    /// Writes a freshly made key to its key file (mode 0600); does nothing for an existing key.
    pub fn save(&self) -> anyhow::Result<()> {
        match &self.save_to {
            Some(path) => create_key_file(path, &self.key),
            None => Ok(()),
        }
    }
}

/// Resolves the master key for these settings: `GROUNDWORK_MASTER_KEY`, else the key file, else a fresh key
/// to be saved with [`ResolvedKey::save`].
pub fn resolve_master_key(settings: &Settings) -> anyhow::Result<ResolvedKey> {
    if let Some(text) = &settings.master_key {
        let key = MasterKey::from_base64(text.expose_secret().trim()).map_err(|_| {
            anyhow::anyhow!(
                "GROUNDWORK_MASTER_KEY is not a valid master key: expected 32 bytes in base64 \
                 (`groundwork keygen` prints a fresh one)"
            )
        })?;
        return Ok(ResolvedKey { key, save_to: None });
    }
    let path = &settings.key_file;
    if path.exists() {
        Ok(ResolvedKey {
            key: read_key_file(path)?,
            save_to: None,
        })
    } else {
        Ok(ResolvedKey {
            key: MasterKey::generate(),
            save_to: Some(path.clone()),
        })
    }
}

fn read_key_file(path: &Path) -> anyhow::Result<MasterKey> {
    check_permissions(path)?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    MasterKey::from_base64(text.trim()).map_err(|_| {
        anyhow::anyhow!(
            "the key file {} is corrupt: it must hold one master key, 32 bytes in base64. \
             Restore it from your backup; without it the personal data in this database cannot be read",
            path.display()
        )
    })
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "the key file {} can be read by other users (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

fn create_key_file(path: &Path, key: &MasterKey) -> anyhow::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the key file {}", path.display()))?;
    writeln!(file, "{}", key.to_base64().expose_secret())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the key file {}", path.display()))?;
    tracing::info!(path = %path.display(), "created a new master key file; back it up with the database");
    Ok(())
}
