//! WebAssembly bindings of esafety's core, for the `esafety` npm package and the Chrome
//! extension.
//!
//! Thin on purpose: options are read and checked ([`options`]), the core decides, and the
//! answer goes back as JSON ([`out`]) with spans converted to UTF-16
//! ([`spans`]) so that `text.slice(start, end)` is the match. Every refusal is an
//! `EsafetyError` with a stable `code` ([`error`]). The JS wrapper in `npm/` adds the
//! async loading, `EsafetyError` instances and `free()` bookkeeping.

pub mod error;
mod options;
mod out;
pub mod spans;

use error::{Code, Error};
use esafety::url::Overrides;
use esafety::{Classifier, Pack, UrlClassifier};
use js_sys::JsString;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A text and URL classifier for one audience (age band or exact age).
#[wasm_bindgen]
pub struct Esafety {
    text: Classifier,
    url: UrlClassifier,
    max_text: u32,
}

#[wasm_bindgen]
impl Esafety {
    /// `options`: `{ ageBand?, age?, overrides?, packs?, builtinList?, maxTextLength? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Esafety, JsValue> {
        build(&options).map_err(Error::into_js)
    }

    /// The verdict for one message, search term or piece of page text, as JSON — or
    /// `undefined` when the verdict is quiet (see [`out::is_quiet`]), which the wrapper
    /// then builds itself.
    ///
    /// Most messages are quiet, and for them serialising, copying out and `JSON.parse`
    /// cost about a quarter of a call; `undefined` costs nothing to send.
    /// Takes `&str` so the text crosses in one copy: the package's wrapper has already
    /// checked that it is a string within `maxTextLength` (see `checkedText`).
    #[wasm_bindgen(js_name = classifyText)]
    pub fn classify_text(&self, text: &str) -> Result<Option<String>, JsValue> {
        let verdict = self.judge(text)?;
        if out::is_quiet(&verdict) {
            return Ok(None);
        }
        Ok(Some(to_json(&out::TextOut::new(text, &verdict))))
    }

    /// The verdict for one text as JSON, always (quiet ones too), checking the argument
    /// here: for callers of the raw glue, and for tests of the quiet shortcut.
    #[wasm_bindgen(js_name = classifyTextChecked)]
    pub fn classify_text_checked(&self, text: JsValue) -> Result<String, JsValue> {
        let text = self.string_arg(&text, "text").map_err(Error::into_js)?;
        let verdict = self.judge(&text)?;
        Ok(to_json(&out::TextOut::new(&text, &verdict)))
    }

    /// The decision for one URL, as JSON.
    #[wasm_bindgen(js_name = classifyUrl)]
    pub fn classify_url(&self, url: JsValue) -> Result<String, JsValue> {
        let url = self.string_arg(&url, "url").map_err(Error::into_js)?;
        let decision = self
            .url
            .classify(&url)
            .map_err(|e| Error::new(Code::BadUrl, format!("{url:.200}: {e}")).into_js())?;
        if decision.text_pending {
            // Search terms need the lexicon: the caller waits for it and asks again.
            not_before_lexicon().map_err(Error::into_js)?;
        }
        Ok(to_json(&out::UrlOut::new(&decision)))
    }

    /// The band the policy is applied for (`ks2`, …).
    #[wasm_bindgen(getter, js_name = ageBand)]
    pub fn age_band(&self) -> String {
        self.text.age_band().as_str().into()
    }

    /// The longest text accepted, in UTF-16 code units.
    #[wasm_bindgen(getter, js_name = maxTextLength)]
    pub fn max_text_length(&self) -> u32 {
        self.max_text
    }
}

impl Esafety {
    /// The text's verdict, once the lexicon is in.
    fn judge(&self, text: &str) -> Result<esafety::TextVerdict, JsValue> {
        not_before_lexicon().map_err(Error::into_js)?;
        Ok(self.text.classify(text))
    }

    fn string_arg(&self, v: &JsValue, what: &str) -> Result<String, Error> {
        let Some(s) = v.dyn_ref::<JsString>() else {
            return Err(Error::new(
                Code::NotString,
                format!("{what} must be a string, not {}", type_name(v)),
            ));
        };
        if s.length() > self.max_text {
            return Err(Error::new(
                Code::TooLong,
                format!(
                    "{what} is {} UTF-16 code units long; the limit is {} (maxTextLength)",
                    s.length(),
                    self.max_text
                ),
            ));
        }
        Ok(String::from(s))
    }
}

/// Installs the lexicon's main table (`esafety_lexicon.bin`, shipped beside the `.wasm` by
/// builds with the `external-lexicon` feature). Once per module; the same bytes again do
/// nothing; a table from another build is refused (`E_BAD_LEXICON`).
#[wasm_bindgen(js_name = installLexicon)]
pub fn install_lexicon(table: Vec<u8>) -> Result<(), JsValue> {
    esafety::install_lexicon(table)
        .map_err(|e| Error::new(Code::BadLexicon, e.to_string()).into_js())
}

/// Whether text can be judged: always in builds that embed the lexicon, otherwise once
/// `installLexicon` has run. URL decisions never wait for it, except to judge search terms.
#[wasm_bindgen(js_name = lexiconReady)]
pub fn lexicon_ready() -> bool {
    esafety::lexicon_ready()
}

fn not_before_lexicon() -> Result<(), Error> {
    if esafety::lexicon_ready() {
        Ok(())
    } else {
        Err(Error::new(
            Code::NotReady,
            "the lexicon is still loading (installLexicon): text cannot be judged yet",
        ))
    }
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(v) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

fn build(options: &JsValue) -> Result<Esafety, Error> {
    let s = options::read(options)?;
    let mut text = Classifier::builder();
    let mut url = UrlClassifier::builder();
    if let Some(band) = s.band {
        text = text.age_band(band);
        url = url.age_band(band);
    }
    if let Some(age) = s.age {
        let bad = |e: esafety::ConfigError| Error::new(Code::BadOption, e.to_string());
        text = text.age(age).map_err(bad)?;
        url = url.age(age).map_err(bad)?;
    }
    if let Some(log) = &s.overrides {
        let o = Overrides::parse(log).map_err(|errors| {
            let lines: Vec<String> = errors
                .iter()
                .take(5)
                .map(|e| format!("line {}: {}", e.line, e.why))
                .collect();
            Error::new(
                Code::BadOverrides,
                format!("overrides: {}", lines.join("; ")),
            )
        })?;
        url = url.overrides(o);
    }
    for (name, bytes) in s.packs {
        let pack = Pack::from_vec(bytes)
            .map_err(|e| Error::new(Code::BadPack, format!("pack {name:?}: {e}")))?;
        url = url.pack(&name, pack);
    }
    if !s.builtin_list {
        url = url.without_builtin_list();
    }
    Ok(Esafety {
        text: text.build(),
        url: url.build(),
        max_text: s.max_text,
    })
}

/// Results cross into JS as one JSON string that the wrapper `JSON.parse`s: one copy and
/// V8's fastest object builder, instead of building the object field by field through the
/// JS boundary.
fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs (strings, numbers, enums) cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Every help route with the concerns, ages and least severity it serves (for report
/// buttons that route a pupil's own report), as JSON.
#[wasm_bindgen(js_name = helpRoutes)]
pub fn help_routes() -> String {
    let routes: Vec<out::RouteOut> = esafety::help_routes()
        .iter()
        .map(out::RouteOut::new)
        .collect();
    to_json(&routes)
}

/// The package's core version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// Bytes of WebAssembly memory in use by the module (it grows, never shrinks; freed
/// classifiers' memory is reused).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
