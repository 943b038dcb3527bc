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
