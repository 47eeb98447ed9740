//! Rebuilds the `groundwork` binary when the browser app's built files change: `web/dist` is embedded
//! (see `src/web.rs`), and a rebuilt app has new hash-named files the compiler would not know to watch.

fn main() {
    println!("cargo:rerun-if-changed=../web/dist");
}
