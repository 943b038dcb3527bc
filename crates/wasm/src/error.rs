//! Errors the package throws, each with a stable `code` a program can test and a message a
//! developer can read.

use wasm_bindgen::JsValue;

/// Why a call was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    /// An argument that should be a string was not (`undefined`, a number, an object…).
    NotString,
    /// Text longer than the classifier's `maxTextLength`.
    TooLong,
    /// An option that is unknown, of the wrong type or out of range.
    BadOption,
    /// A URL the WHATWG parser refuses, or one with no host to judge.
    BadUrl,
    /// A list pack that is truncated, corrupt or not a pack.
    BadPack,
    /// An overrides log with errors.
    BadOverrides,
    /// Text (or a URL's search terms) before the lexicon was installed (`installLexicon`).
    NotReady,
    /// A lexicon table from another build, or not a lexicon table.
    BadLexicon,
}

impl Code {
    pub fn as_str(&self) -> &'static str {
        match self {
            Code::NotString => "E_NOT_STRING",
            Code::TooLong => "E_TOO_LONG",
            Code::BadOption => "E_BAD_OPTION",
            Code::BadUrl => "E_BAD_URL",
            Code::BadPack => "E_BAD_PACK",
            Code::BadOverrides => "E_BAD_OVERRIDES",
            Code::NotReady => "E_NOT_READY",
            Code::BadLexicon => "E_BAD_LEXICON",
        }
    }
}

/// A refused call: `code` plus a message naming what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: Code,
    pub message: String,
}

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }

    /// A JS `Error` named `EsafetyError` with a `code` property; the package's wrapper
    /// turns it into an instance of its exported `EsafetyError` class.
    pub fn into_js(self) -> JsValue {
        let e = js_sys::Error::new(&self.message);
        e.set_name("EsafetyError");
        let _ = js_sys::Reflect::set(&e, &"code".into(), &self.code.as_str().into());
        e.into()
    }
}
