//! What the data-driven corpus tests share: reading `tests/corpus/<kind>/*.toml`.

use std::path::PathBuf;

/// Every `*.toml` file of `tests/corpus/<kind>`, sorted by name, as (file name, document).
pub fn corpus_files(kind: &str) -> Vec<(String, toml::Table)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let doc: toml::Table = std::fs::read_to_string(&path)
                .unwrap()
                .parse()
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            (file, doc)
        })
        .collect()
}

/// An optional array of strings.
pub fn strs(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("string in array").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Panics on a key a case does not know: a misspelt or invented key (`categroies`,
/// `rules`) would otherwise be ignored and the case would test less than it says.
pub fn known_keys(file: &str, case: &toml::Table, known: &[&str]) {
    for key in case.keys() {
        assert!(
            key == "note" || known.contains(&key.as_str()),
            "{file}: unknown key {key:?} in a case (known: note, {})",
            known.join(", ")
        );
    }
}
