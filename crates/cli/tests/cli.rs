//! The `esafety` binary as admins and scripts use it: exit codes, streaming, JSON fields.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn esafety(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_esafety"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run esafety");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        &["text", "--age-band", "ks9"][..],
        &["frobnicate"],
        &[],
        &["text", "--age", "x"],
    ] {
        let out = esafety(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

#[test]
fn arguments_give_one_json_object_each_with_the_contract_fields() {
    let out = esafety(
        &[
            "text",
            "have a nice day",
            "dont tell your mum about me, its our secret",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    for key in [
        "flagged",
        "severity",
        "categories",
        "action",
        "alert",
        "matches",
        "help",
    ] {
        assert!(v[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(v[0]["flagged"], false);
    assert_eq!(v[1]["flagged"], true);
    let m = &v[1]["matches"][0];
    for key in [
        "category", "severity", "start", "end", "text", "rule", "source",
    ] {
        assert!(m.get(key).is_some(), "match missing {key}");
    }
}

#[test]
fn stdin_lines_stream_and_invalid_utf8_is_safe() {
    let mut input = b"hello\nf u c k off\r\n".to_vec();
    input.extend_from_slice(&[0xff, 0xfe, b's', b'h', b'!', b't', b'\n']);
    input.extend_from_slice(b"no newline at end");
    let out = esafety(&["text", "--age-band", "ks2"], &input);
    assert_eq!(out.status.code(), Some(0));
    let v = lines(&out);
    assert_eq!(v.len(), 4);
    assert_eq!(v[0]["flagged"], false);
    assert_eq!(v[1]["flagged"], true);
    assert_eq!(v[1]["matches"][0]["text"], "f u c k");
    assert_eq!(v[2]["flagged"], true);
}

#[test]
fn over_long_lines_are_cut_and_said_so() {
    let mut input = vec![b'a'; esafety::MAX_INPUT_BYTES + 10];
    input.extend_from_slice(b"\nshort\n");
    let out = esafety(&["text"], &input);
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["truncated"], true);
    assert_eq!(v[1]["truncated"], false);
}

#[test]
fn age_band_changes_the_action() {
    let young = lines(&esafety(
        &["text", "--age-band", "ks1", "that is crap"],
        b"",
    ));
    let old = lines(&esafety(
        &["text", "--age-band", "ks5", "that is crap"],
        b"",
    ));
    assert_eq!(young[0]["flagged"], true);
    assert_eq!(old[0]["flagged"], false);
    let by_age = lines(&esafety(&["text", "--age", "6", "that is crap"], b""));
    assert_eq!(by_age[0]["age_band"], "ks1");
}

#[test]
fn human_format_is_readable() {
    let out = esafety(
        &[
            "text",
            "--format",
            "human",
            "--color",
            "never",
            "what the fuck",
        ],
        b"",
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with("WARN"), "{s}");
    assert!(s.contains("[fuck]"), "{s}");
    assert!(s.contains("profanity"), "{s}");
}

#[test]
fn eval_reports_per_category_figures() {
    let dir = std::env::temp_dir().join(format!("esafety-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.tsv");
    std::fs::write(&file, "labels\ttext\nprofanity\twhat the fuck\nnone\tlovely weather today\nnone\tScunthorpe United won\n").unwrap();
    let out = esafety(&["eval", file.to_str().unwrap()], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("profanity"), "{s}");
    assert!(s.contains("flagged 1/1 risky"), "{s}");
    assert!(s.contains("0/2 innocent"), "{s}");
    std::fs::write(&file, "wrong header\n").unwrap();
    assert_eq!(
        esafety(&["eval", file.to_str().unwrap()], b"")
            .status
            .code(),
        Some(1)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lexicon_check_accepts_the_shipped_lexicon() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/data/text");
    let out = esafety(&["lexicon", "check", dir], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("esafety-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn url_gives_the_contract_fields_per_line() {
    let out = esafety(
        &[
            "url",
            "https://www.google.co.uk/search?q=tudors",
            "http://google.com@pornhub.com/",
            "http://exa mple/",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = lines(&out);
    assert_eq!(v.len(), 3);
    for k in [
        "url",
        "action",
        "categories",
        "min_age",
        "safe_search_url",
        "search_query",
        "reasons",
        "alert",
        "help",
    ] {
        assert!(v[0].get(k).is_some(), "missing {k}");
    }
    assert_eq!(v[0]["action"], "allow");
    assert_eq!(
        v[0]["safe_search_url"],
        "https://www.google.co.uk/search?q=tudors&safe=active"
    );
    assert_eq!(v[0]["search_query"]["text"], "tudors");
    assert_eq!(v[1]["action"], "block");
    assert_eq!(v[1]["categories"][0], "adult");
    assert!(v[1]["reasons"][0]["source"]
        .as_str()
        .unwrap()
        .contains("domains.tsv:"));
    assert!(v[2]["error"].as_str().unwrap().contains("not a valid URL"));
}

#[test]
fn url_reads_stdin_and_staff_keep_social_media() {
    let out = esafety(
        &["url", "--age-band", "staff"],
        b"tiktok.com\n\nroblox.com\r\n",
    );
    let v = lines(&out);
    assert_eq!(v.len(), 2);
    assert!(v.iter().all(|d| d["action"] == "allow"), "{v:?}");
    let out = esafety(&["url", "--age", "9"], b"tiktok.com\n");
    assert_eq!(lines(&out)[0]["action"], "block");
}

#[test]
fn lists_compile_info_and_use_a_pack() {
    let dir = tmp("lists");
    std::fs::create_dir_all(dir.join("ut1/gambling")).unwrap();
    std::fs::write(
        dir.join("ut1/gambling/domains"),
        "a-bookie.example\nbad line here\n",
    )
    .unwrap();
    std::fs::write(dir.join("hosts.txt"), "0.0.0.0 some-tube.example\n").unwrap();
    let digest = esafety::url::sha256("evil.example/abuse.html");
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(dir.join("iwf.txt"), format!("{hex}\n")).unwrap();
    let pack = dir.join("school.pack");
    let p = pack.to_str().unwrap();
    let out = esafety(
        &[
            "lists",
            "compile",
            dir.join("ut1").to_str().unwrap(),
            &format!("adult={}", dir.join("hosts.txt").display()),
            &format!("illegal={}", dir.join("iwf.txt").display()),
            "-o",
            p,
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 lines skipped") && stderr.contains("line 2"),
        "{stderr}"
    );
    let info = esafety(&["lists", "info", p], b"");
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        text.contains("2 domains") && text.contains("1 hashes"),
        "{text}"
    );

    let out = esafety(
        &[
            "url",
            "--pack",
            p,
            "--age-band",
            "staff",
            "https://www.a-bookie.example/",
            "http://some-tube.example/",
            "https://evil.example/abuse.html",
            "https://example.org/",
        ],
        b"",
    );
    let v = lines(&out);
    assert_eq!(v[0]["action"], "block");
    assert_eq!(v[0]["categories"][0], "gambling");
    assert_eq!(v[1]["action"], "block");
    assert_eq!(v[2]["action"], "block");
    assert_eq!(v[2]["categories"][0], "illegal");
    assert_eq!(v[2]["alert"], "urgent");
    assert_eq!(v[3]["action"], "allow");

    // A corrupt pack is refused with a clear message and exit 1.
    let mut bytes = std::fs::read(&pack).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&pack, &bytes).unwrap();
    let out = esafety(&["url", "--pack", p, "x.com"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("corrupted"));
    let out = esafety(
        &["lists", "info", dir.join("hosts.txt").to_str().unwrap()],
        b"",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an esafety list pack"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn overrides_are_an_append_only_log() {
    let dir = tmp("overrides");
    let log = dir.join("overrides.tsv");
    let l = log.to_str().unwrap();
    let ok = |args: &[&str]| {
        let out = esafety(args, b"");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    ok(&[
        "overrides",
        "add",
        "--file",
        l,
        "--allow",
        "tiktok.com",
        "--by",
        "j.smith",
        "--reason",
        "media studies",
    ]);
    ok(&[
        "overrides",
        "add",
        "--file",
        l,
        "--deny",
        "www.bbc.co.uk/sport",
        "--by",
        "a.jones",
        "--reason",
        "exam week",
    ]);
    let out = esafety(
        &[
            "url",
            "--overrides",
            l,
            "https://www.tiktok.com/",
            "https://www.bbc.co.uk/sport/football",
            "https://www.bbc.co.uk/bitesize",
        ],
        b"",
    );
    let v = lines(&out);
    assert_eq!(v[0]["action"], "allow");
    let why = v[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "override")
        .unwrap();
    assert!(why["detail"].as_str().unwrap().contains("j.smith"));
    assert_eq!(v[1]["action"], "block");
    assert_eq!(v[2]["action"], "allow");

    ok(&[
        "overrides",
        "remove",
        "--file",
        l,
        "tiktok.com",
        "--by",
        "j.smith",
        "--reason",
        "unit over",
    ]);
    let out = esafety(&["url", "--overrides", l, "https://www.tiktok.com/"], b"");
    assert_eq!(lines(&out)[0]["action"], "block");
    // Removing what is not there fails and leaves the log as it was.
    let before = std::fs::read_to_string(&log).unwrap();
    let out = esafety(
        &[
            "overrides",
            "remove",
            "--file",
            l,
            "nothere.example",
            "--by",
            "x",
            "--reason",
            "y",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), before);
    // Three changes, each with who, when, why; nothing rewritten.
    let changes: Vec<&str> = before.lines().filter(|l| l.starts_with("20")).collect();
    assert_eq!(changes.len(), 3);
    assert!(changes[2].contains("\tj.smith\tremove\ttiktok.com\tunit over"));
    let list = ok(&["overrides", "list", "--file", l]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("deny\tbbc.co.uk/sport\ta.jones") && !text.contains("tiktok"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_reads_url_files() {
    let dir = tmp("urleval");
    let f = dir.join("u.tsv");
    std::fs::write(&f, "# ---- mix ----\nks2\tstaff\turl\tnote\nblock\tblock\tpornhub.com\tx\nallow\tallow\thttps://www.nhs.uk/\tx\nblock\tallow\ttiktok.com\tx\nallow\tallow\ttiktok.com\twrong on purpose\n").unwrap();
    let out = esafety(&["eval", f.to_str().unwrap()], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ks2    right    3/4"), "{text}");
    assert!(text.contains("staff  right    4/4"), "{text}");
    assert!(text.contains("expected allow but blocked: 1/"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_committed_word_model_is_what_training_writes() {
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = tmp("model").join("model.tsv");
    let status = Command::new("bash")
        .arg(format!("{repo}/scripts/train-model.sh"))
        .arg(&out)
        .env("ESAFETY_CLI", env!("CARGO_BIN_EXE_esafety"))
        .status()
        .expect("bash runs");
    assert!(status.success());
    let fresh = std::fs::read_to_string(&out).unwrap();
    let committed =
        std::fs::read_to_string(format!("{repo}/crates/core/data/text/model.tsv")).unwrap();
    assert!(
        fresh == committed,
        "crates/core/data/text/model.tsv is not what scripts/train-model.sh writes (stale, or edited by hand): run it and rebuild"
    );
}

#[test]
fn model_train_refuses_bad_labels_and_usage() {
    let dir = tmp("bad-model");
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, "labels\ttext\nbullyin\tur so mean\n").unwrap();
    let model = dir.join("m.tsv");
    let out = esafety(
        &[
            "model",
            "train",
            "-o",
            model.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
        b"",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown category"));
    let out = esafety(&["model", "train", "x.tsv"], b"");
    assert_eq!(out.status.code(), Some(2));
}
