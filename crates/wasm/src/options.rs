//! Reads the options object of `new Esafety(options)` with a readable error for every
//! mistake: unknown keys (a typo like `agebnd` must not silently give the default band),
//! wrong types, out-of-range numbers, both `age` and `ageBand`.

use crate::error::{Code, Error};
use esafety::{AgeBand, MAX_AGE};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Default longest text, in UTF-16 code units (1 Mi: a long essay, not a chat message).
pub const DEFAULT_MAX_TEXT: u32 = 1 << 20;
/// The most a caller may raise `maxTextLength` to.
pub const MAX_MAX_TEXT: u32 = 1 << 24;

const KEYS: &[&str] = &[
    "ageBand",
    "age",
    "overrides",
    "packs",
    "builtinList",
    "maxTextLength",
];

/// Settings read from the options object.
pub struct Settings {
    pub band: Option<AgeBand>,
    pub age: Option<u32>,
    /// An overrides change log (`when who change target reason`, tab-separated).
    pub overrides: Option<String>,
    pub packs: Vec<(String, Vec<u8>)>,
    pub builtin_list: bool,
    pub max_text: u32,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(Code::BadOption, msg)
}

pub fn read(options: &JsValue) -> Result<Settings, Error> {
    let mut s = Settings {
        band: None,
        age: None,
        overrides: None,
        packs: Vec::new(),
        builtin_list: true,
        max_text: DEFAULT_MAX_TEXT,
    };
    if options.is_undefined() || options.is_null() {
        return Ok(s);
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(bad("options must be an object such as { ageBand: 'ks2' }"));
    }
    let obj: &Object = options.unchecked_ref();
    for key in Object::keys(obj).iter() {
        let key = key.as_string().unwrap_or_default();
        if !KEYS.contains(&key.as_str()) {
            return Err(bad(format!(
                "unknown option {key:?}; the options are {}",
                KEYS.join(", ")
            )));
        }
    }
    let get = |k: &str| Reflect::get(options, &k.into()).unwrap_or(JsValue::UNDEFINED);

    let band = get("ageBand");
    if !band.is_undefined() {
        let name = band
            .as_string()
            .ok_or_else(|| bad("ageBand must be a string"))?;
        s.band = Some(name.parse().map_err(|_| {
            let all: Vec<&str> = AgeBand::ALL.iter().map(|b| b.as_str()).collect();
            bad(format!(
                "unknown ageBand {name:?}; use one of {}",
                all.join(", ")
            ))
        })?);
    }
    let age = get("age");
    if !age.is_undefined() {
        let n = age
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (0.0..=MAX_AGE as f64).contains(n))
            .ok_or_else(|| bad(format!("age must be a whole number from 0 to {MAX_AGE}")))?;
        if s.band.is_some() {
            return Err(bad("give either age or ageBand, not both"));
        }
        s.age = Some(n as u32);
    }
    let overrides = get("overrides");
    if !overrides.is_undefined() {
        s.overrides = Some(
            overrides
                .as_string()
                .ok_or_else(|| bad("overrides must be a change log (a string)"))?,
        );
    }
    let packs = get("packs");
    if !packs.is_undefined() {
        if !Array::is_array(&packs) {
            return Err(bad(
                "packs must be an array of Uint8Array or { name, bytes }",
            ));
        }
        for (i, p) in Array::from(&packs).iter().enumerate() {
            s.packs.push(read_pack(&p, i)?);
        }
    }
    let builtin = get("builtinList");
    if !builtin.is_undefined() {
        s.builtin_list = builtin
            .as_bool()
            .ok_or_else(|| bad("builtinList must be true or false"))?;
    }
    let max = get("maxTextLength");
    if !max.is_undefined() {
        s.max_text = max
            .as_f64()
            .filter(|n| n.fract() == 0.0 && (1.0..=MAX_MAX_TEXT as f64).contains(n))
            .ok_or_else(|| {
                bad(format!(
                    "maxTextLength must be a whole number from 1 to {MAX_MAX_TEXT}"
                ))
            })? as u32;
    }
    Ok(s)
}

/// A pack given as bytes (`Uint8Array` / `ArrayBuffer`) or as `{ name, bytes }`.
fn read_pack(p: &JsValue, i: usize) -> Result<(String, Vec<u8>), Error> {
    let (name, bytes) = if p.is_instance_of::<Uint8Array>() || p.is_instance_of::<ArrayBuffer>() {
        (format!("pack{}", i + 1), p.clone())
    } else if p.is_object() {
        let name = Reflect::get(p, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .ok_or_else(|| bad(format!("packs[{i}].name must be a string")))?;
        let bytes = Reflect::get(p, &"bytes".into()).unwrap_or(JsValue::UNDEFINED);
        (name, bytes)
    } else {
        return Err(bad(format!(
            "packs[{i}] must be a Uint8Array or {{ name, bytes }}"
        )));
    };
    if bytes.is_instance_of::<Uint8Array>() {
        Ok((name, Uint8Array::from(bytes).to_vec()))
    } else if bytes.is_instance_of::<ArrayBuffer>() {
        Ok((name, Uint8Array::new(&bytes).to_vec()))
    } else {
        Err(bad(format!(
            "packs[{i}] bytes must be a Uint8Array or ArrayBuffer"
        )))
    }
}
