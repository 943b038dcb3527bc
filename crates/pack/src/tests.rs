use super::*;

fn pack_of(n: usize, lines: bool) -> Vec<u8> {
    let mut b = PackBuilder::new().with_lines(lines);
    let s = b.source("generated").unwrap();
    for i in 0..n {
        b.domain(
            &format!("site{i}.example"),
            1 << (i % 19),
            (i % 3) as u8 * 9,
            s,
            i as u32 + 1,
        );
    }
    b.build().unwrap()
}

#[test]
fn finds_every_entry_and_no_other() {
    let pack = Pack::from_vec(pack_of(50_000, true)).unwrap();
    for i in 0..50_000 {
        let hit = pack.domain(&format!("site{i}.example")).expect("listed");
        assert_eq!(hit.tag.categories, 1 << (i % 19));
        assert_eq!(hit.tag.min_age, (i % 3) as u8 * 9);
        assert_eq!(hit.line, Some(i as u32 + 1));
    }
    let false_hits = (0..200_000)
        .filter(|i| pack.domain(&format!("other{i}.example")).is_some())
        .count();
    assert_eq!(false_hits, 0);
    assert_eq!(pack.stats().domains, 50_000);
}

#[test]
fn small_sets_have_a_filter_that_turns_away_most_unlisted_names() {
    let pack = Pack::from_vec(pack_of(5_000, false)).unwrap();
    for i in 0..5_000 {
        assert_eq!(
            pack.domain_filter_passes(&format!("site{i}.example")),
            Some(true)
        );
    }
    let passed = (0..100_000)
        .filter(|i| pack.domain_filter_passes(&format!("other{i}.example")) == Some(true))
        .count();
    // 16 bits per entry and one hash: about 6 % pass.
    assert!(
        (2_000..10_000).contains(&passed),
        "{passed} of 100,000 passed"
    );
    let large = Pack::from_vec(pack_of(40_000, false)).unwrap();
    assert_eq!(large.domain_filter_passes("site1.example"), None);
    assert!(large.domain("site39999.example").is_some());
}

#[test]
fn about_five_bytes_per_domain_without_lines() {
    let n = 200_000;
    let bytes = pack_of(n, false);
    let per = bytes.len() as f64 / n as f64;
    assert!(per < 5.5, "{per} bytes per domain");
    let with_lines = pack_of(n, true).len() as f64 / n as f64;
    assert!(with_lines > per + 3.9 && with_lines < 9.5, "{with_lines}");
}

#[test]
fn duplicates_merge_categories_and_keep_first_source() {
    let mut b = PackBuilder::new().with_lines(true);
    let a = b.source("a").unwrap();
    let c = b.source("c").unwrap();
    b.domain("x.example", 0b01, 13, c, 9);
    b.domain("x.example", 0b10, 18, a, 4);
    let pack = Pack::from_vec(b.build().unwrap()).unwrap();
    let hit = pack.domain("x.example").unwrap();
    assert_eq!(hit.tag.categories, 0b11);
    assert_eq!(hit.tag.min_age, 18);
    assert_eq!(pack.source_name(hit.tag.source), Some("a"));
    assert_eq!(hit.line, Some(4));
}

#[test]
fn many_tags_use_two_byte_tags() {
    let mut b = PackBuilder::new();
    for s in 0..400 {
        let id = b.source(&format!("list{s}")).unwrap();
        b.domain(&format!("d{s}.example"), 1, 0, id, 0);
    }
    let pack = Pack::from_vec(b.build().unwrap()).unwrap();
    for s in 0..400 {
        let hit = pack.domain(&format!("d{s}.example")).unwrap();
        assert_eq!(
            pack.source_name(hit.tag.source),
            Some(format!("list{s}").as_str())
        );
    }
}

#[test]
fn urls_and_hashes() {
    let mut b = PackBuilder::new();
    let s = b.source("urls").unwrap();
    let h = b.source("iwf").unwrap();
    b.url("example.com/casino", 2, 18, s, 1);
    b.hash([7u8; 32], h);
    b.hash([1u8; 32], h);
    let pack = Pack::from_vec(b.build().unwrap()).unwrap();
    assert!(pack.has_urls() && pack.has_hashes());
    assert!(pack.url("example.com/casino").is_some());
    assert!(pack.url("example.com").is_none());
    assert!(pack.domain("example.com/casino").is_none());
    assert_eq!(pack.hash(&[7u8; 32]), Some(h));
    assert_eq!(pack.hash(&[1u8; 32]), Some(h));
    assert_eq!(pack.hash(&[2u8; 32]), None);
}

#[test]
fn empty_pack_is_valid() {
    let pack = Pack::from_vec(PackBuilder::new().build().unwrap()).unwrap();
    assert!(pack.domain("anything").is_none());
    assert!(!pack.has_urls() && !pack.has_hashes());
}

#[test]
fn refuses_truncated_corrupt_and_foreign_bytes() {
    let good = pack_of(1000, false);
    for cut in [0, 3, 8, 40, HEADER_LEN, good.len() / 2, good.len() - 1] {
        let err = Pack::from_vec(good[..cut].to_vec()).unwrap_err();
        assert!(
            matches!(err, PackError::Truncated { .. }),
            "cut {cut}: {err}"
        );
    }
    for at in [44, HEADER_LEN + 5, good.len() / 2, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x40;
        let err = Pack::from_vec(bad).unwrap_err();
        assert!(
            matches!(err, PackError::ChecksumMismatch { .. }),
            "flip {at}: {err}"
        );
    }
    assert_eq!(
        Pack::from_vec(b"not a pack at all, just text".to_vec()).unwrap_err(),
        PackError::BadMagic
    );
    let mut v2 = good.clone();
    v2[8] = 2;
    assert_eq!(
        Pack::from_vec(v2).unwrap_err(),
        PackError::UnsupportedVersion(2)
    );
    let mut longer = good.clone();
    longer.push(0);
    assert!(matches!(
        Pack::from_vec(longer).unwrap_err(),
        PackError::Malformed(_)
    ));
}

/// A pack whose checksum is right but whose tables lie must be refused or answer
/// lookups without panicking (the fuzz target explores this further).
#[test]
fn consistent_checksum_with_broken_tables_never_panics() {
    let good = pack_of(300, true);
    for at in HEADER_LEN..good.len().min(HEADER_LEN + 400) {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            let sum = xxhash_rust::xxh3::xxh3_64(&bad[24..]);
            bad[16..24].copy_from_slice(&sum.to_le_bytes());
            if let Ok(p) = Pack::from_vec(bad) {
                for i in 0..20 {
                    let _ = p.domain(&format!("site{i}.example"));
                    let _ = p.url("a/b");
                    let _ = p.hash(&[0u8; 32]);
                }
                let _ = p.source_name(SourceId(0));
            }
        }
    }
}

#[test]
fn bucket_bits_keep_buckets_small() {
    assert_eq!(write::bucket_bits(0), 0);
    assert_eq!(write::bucket_bits(16), 0);
    assert_eq!(write::bucket_bits(17), 1);
    let b = write::bucket_bits(5_000_000);
    assert!((5_000_000usize >> b) <= 16 && (5_000_000usize >> (b - 1)) > 16);
}

#[test]
fn www_is_dropped_and_fewest_labels_recorded() {
    let mut b = PackBuilder::new();
    let s = b.source("s").unwrap();
    b.domain("www.example.com", 1, 0, s, 1);
    b.domain("a.b.example.org", 1, 0, s, 2);
    b.url("www.x.example.net/p", 1, 0, s, 3);
    let p = Pack::from_vec(b.build().unwrap()).unwrap();
    assert!(p.domain("example.com").is_some());
    assert!(p.domain("www.example.com").is_none());
    assert!(p.url("x.example.net/p").is_some());
    assert_eq!((p.min_domain_labels(), p.min_url_labels()), (2, 3));
    let mut b = PackBuilder::new();
    let s = b.source("s").unwrap();
    b.domain("xxx", 1, 0, s, 1);
    let p = Pack::from_vec(b.build().unwrap()).unwrap();
    assert_eq!(p.min_domain_labels(), 1);
}

#[test]
fn expressions_round_trip() {
    let mut b = PackBuilder::new();
    let s = b.source("ut1/adult/expressions").unwrap();
    b.expression("(porn|xxx)tube", 1, s, 3);
    b.expression("^[0-9]+/watch", 2, s, 4);
    let p = Pack::from_vec(b.build().unwrap()).unwrap();
    let e: Vec<Expression> = p.expressions().collect();
    assert_eq!(e.len(), 2);
    assert_eq!(
        (e[0].pattern, e[0].categories, e[0].line),
        ("(porn|xxx)tube", 1, 3)
    );
    assert_eq!((e[1].pattern, e[1].source), ("^[0-9]+/watch", s));
    assert_eq!(p.stats().expressions, 2);
}

#[test]
fn hosts_with_url_entries_are_marked_and_marks_match_nothing_else() {
    let mut b = PackBuilder::new();
    let s = b.source("ut1/adult/urls").unwrap();
    b.url("www.video.example/adult", 1, 18, s, 1);
    b.url("video.example/adult/more", 1, 18, s, 2);
    b.url("blog.example/page", 2, 0, s, 3);
    b.domain("casino.example", 4, 18, s, 4);
    let bytes = b.build().unwrap();
    let pack = Pack::from_vec(bytes.clone()).unwrap();
    assert!(pack.marks_url_hosts());
    let marked = |h: &str| pack.has_url_host_by_hash(key_hash(h.as_bytes()));
    assert!(marked("video.example") && marked("blog.example"));
    assert!(!marked("casino.example") && !marked("www.video.example") && !marked("example"));
    // A mark is no entry: it lists nothing and is not counted.
    assert_eq!(pack.url("video.example"), None);
    assert_eq!(pack.url("video.example/adult").unwrap().tag.categories, 1);
    assert_eq!(pack.stats().urls, 3);

    // A pack written before marks (count 0; the count is outside the checksum) reads as
    // unmarked: every host must be probed, and its entries are found as before.
    let mut old = bytes.clone();
    old[12..16].copy_from_slice(&0u32.to_le_bytes());
    let old = Pack::from_vec(old).unwrap();
    assert!(!old.marks_url_hosts() && !old.has_url_host_by_hash(key_hash(b"video.example")));
    assert!(old.url("blog.example/page").is_some());

    let mut bad = bytes;
    bad[12..16].copy_from_slice(&100u32.to_le_bytes());
    assert!(matches!(Pack::from_vec(bad), Err(PackError::Malformed(_))));

    let mut none = PackBuilder::new();
    let s = none.source("plain").unwrap();
    none.domain("a.example", 1, 0, s, 1);
    assert!(!Pack::from_vec(none.build().unwrap())
        .unwrap()
        .marks_url_hosts());
}

#[test]
fn the_same_sources_give_the_same_bytes() {
    // Each builder's maps have their own random seed; the pack must not show it. pack_of
    // gives 19 categories × 3 ages, so the tags' numbering has many orders to go wrong in.
    let first = pack_of(3_000, true);
    for _ in 0..4 {
        assert!(pack_of(3_000, true) == first, "a rebuild gave other bytes");
    }
    let mut b = PackBuilder::new();
    let s = b.source("urls").unwrap();
    for i in 0..500 {
        b.url(&format!("site{i}.example/page"), 1 << (i % 7), 0, s, 0);
    }
    let once = b.build().unwrap();
    let mut b = PackBuilder::new();
    let s = b.source("urls").unwrap();
    for i in 0..500 {
        b.url(&format!("site{i}.example/page"), 1 << (i % 7), 0, s, 0);
    }
    assert!(
        b.build().unwrap() == once,
        "a rebuild of URL entries gave other bytes"
    );
}
