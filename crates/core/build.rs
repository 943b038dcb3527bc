//! Compiles `data/text` (the reviewable lexicon) into DFAs and static tables, and
//! `data/url` (domains, search engines, carriers, heuristics, policy, the Public Suffix
//! List) into a list pack and static tables.
//!
//! Everything heavy happens here, once: at run time the core only validates the DFA
//! headers and points at the embedded bytes, so a service worker that wakes up cold is
//! ready in microseconds. A data error fails the build with the file and line.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let data = manifest.join("data").join("text");
    println!("cargo:rerun-if-changed={}", data.display());
    for sub in ["", "rules"] {
        if let Ok(entries) = std::fs::read_dir(data.join(sub)) {
            for e in entries.flatten() {
                println!("cargo:rerun-if-changed={}", e.path().display());
            }
        }
    }
    let lexicon = esafety_lexicon::load_dir(&data).unwrap_or_else(|e| fail("text", e));
    let compiled = esafety_lexicon::compile(lexicon, &esafety_lexicon::CompileOptions::default())
        .unwrap_or_else(|e| fail("text", e));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let write =
        |name: &str, bytes: &[u8]| std::fs::write(out.join(name), bytes).expect("write to OUT_DIR");
    write("words.dfa", &compiled.words.dfa);
    // Native builds with the table embedded also embed its decoded arrays, so the first
    // message needs no decoding (WebAssembly decodes at first use: the arrays are four
    // times the table's size, and the module's size is what a page pays for).
    let native = std::env::var("CARGO_CFG_TARGET_ARCH").map_or(true, |a| a != "wasm32");
    let embedded = std::env::var_os("CARGO_FEATURE_EXTERNAL_LEXICON").is_none();
    let decoded = if native && embedded {
        let layout = esafety_pack::tokens::Layout::read(&compiled.words.dfa)
            .expect("the words table's header reads back");
        esafety_pack::tokens::decode(&compiled.words.dfa, &layout).to_rust()
    } else {
        String::new()
    };
    write("token_decoded.rs", decoded.as_bytes());
    write("plain.dfa", &compiled.plain.dfa);
    // The word model (`esafety model train`): asked when no rule fired.
    let model_path = data.join("model.tsv");
    println!("cargo:rerun-if-changed={}", model_path.display());
    let model = esafety_lexicon::learned::load(&model_path).unwrap_or_else(|e| fail("text", e));
    // Its single words are known to the core already: the rule-word list leaves them out.
    let model_words: std::collections::BTreeSet<String> = model
        .features
        .iter()
        .filter(|(f, _)| !f.contains(' '))
        .map(|(f, _)| f.clone())
        .collect();
    write(
        "tables.rs",
        esafety_lexicon::generate_rust(&compiled, &model_words).as_bytes(),
    );
    write(
        "model.rs",
        esafety_lexicon::learned::generate_model_rust(&model).as_bytes(),
    );

    // data/url: the built-in domain list becomes a list pack; search engines, carriers,
    // heuristics and the URL policy become static tables.
    let url_dir = manifest.join("data").join("url");
    println!("cargo:rerun-if-changed={}", url_dir.display());
    for name in esafety_lexicon::url_data::URL_FILES {
        println!("cargo:rerun-if-changed={}", url_dir.join(name).display());
    }
    let url = esafety_lexicon::load_url_dir(&url_dir).unwrap_or_else(|e| fail("url", e));
    write(
        "default.pack",
        &esafety_lexicon::url_data::default_pack(&url),
    );
    write(
        "url_tables.rs",
        esafety_lexicon::url_data::generate_url_rust(&url).as_bytes(),
    );

    // The Public Suffix List becomes a label trie (`src/url/psl.rs` walks it in place).
    let psl_path = url_dir.join(esafety_lexicon::psl::PSL_FILE);
    println!("cargo:rerun-if-changed={}", psl_path.display());
    let psl = esafety_lexicon::psl::load_psl(&psl_path)
        .and_then(|rules| esafety_lexicon::psl::compile_psl(&rules).map_err(|e| vec![e]))
        .unwrap_or_else(|e| fail("url", e));
    write("psl_table.rs", psl.to_rust().as_bytes());
}

/// Fails the build on errors in `data/<folder>`, each with its file and line.
fn fail(folder: &str, errors: Vec<esafety_lexicon::DataError>) -> ! {
    for e in &errors {
        println!("cargo:warning=data/{folder}/{e}");
    }
    panic!(
        "{} error(s) in data/{folder} (see warnings above)",
        errors.len()
    );
}
