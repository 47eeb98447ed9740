//! The browser session's cookie, as the password sign-in (`crate::http`) and single sign-on
//! (`crate::oidc`) both set it.

use secrecy::{ExposeSecret as _, SecretString};

/// The name of the cookie that carries the session secret.
pub const SESSION_COOKIE: &str = "groundwork_session";

/// The `Set-Cookie` value that sets the session (or clears it, with `None`), for password and single
/// sign-on alike.
pub fn session_cookie_value(secure: bool, value: Option<&SecretString>) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match value {
        Some(value) => format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            value.expose_secret(),
            crate::accounts::SESSION_LIFETIME_DAYS * 24 * 3600
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cleared_session_cookie_expires_at_once() {
        let cleared = session_cookie_value(true, None);
        assert!(cleared.starts_with("groundwork_session=;"));
        assert!(cleared.contains("Max-Age=0"));
        assert!(cleared.ends_with("; Secure"));
    }

    #[test]
    fn a_session_cookie_is_http_only_and_lasts_the_session_lifetime() {
        let set = session_cookie_value(false, Some(&SecretString::from("s3cret")));
        assert!(set.starts_with("groundwork_session=s3cret;"));
        assert!(set.contains("HttpOnly"));
        assert!(set.contains(&format!("Max-Age={}", 14 * 24 * 3600)));
        assert!(!set.contains("Secure"));
    }
}
