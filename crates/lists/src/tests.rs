use super::*;
use esafety_pack::Pack;

fn pack(imp: Importer) -> (Pack, Vec<SourceReport>) {
    let (bytes, reports) = imp.finish().unwrap();
    (Pack::from_vec(bytes).unwrap(), reports)
}

fn cats(p: &Pack, key: &str) -> Option<u32> {
    p.domain(key).map(|h| h.tag.categories)
}

#[test]
fn detects_formats() {
    assert_eq!(detect("# c\nexample.com\n"), Format::Plain);
    assert_eq!(detect("# c\n0.0.0.0 example.com\n"), Format::Hosts);
    assert_eq!(
        detect("! title\n[Adblock Plus 2.0]\n||example.com^\n"),
        Format::Abp
    );
    assert_eq!(detect(&format!("{}\n", "ab".repeat(32))), Format::Hashed);
}

#[test]
fn normalises_entries_like_visited_urls() {
    let d = |s: &str| normalise_entry(s).unwrap();
    assert_eq!(d("www.Example.COM."), Entry::Domain("example.com".into()));
    assert_eq!(d("*.example.com"), Entry::Domain("example.com".into()));
    assert_eq!(
        d("bücher.example"),
        Entry::Domain("xn--bcher-kva.example".into())
    );
    assert_eq!(
        d("http://Example.com/Casino/"),
        Entry::Url("example.com/casino".into())
    );
    assert_eq!(
        d("178.128.25.172/watch"),
        Entry::Url("178.128.25.172/watch".into())
    );
    assert!(normalise_entry("exa mple.com").is_err());
    assert!(normalise_entry("").is_err());
}

#[test]
fn imports_each_format_and_counts_what_it_skips() {
    let mut imp = Importer::new(true);
    imp.add_text(
        "plain",
        "# list\nbad.example\nWWW.Worse.Example\nexa mple\n",
        UrlCategory::Adult,
    )
    .unwrap();
    imp.add_text(
        "hosts",
        "0.0.0.0 localhost\n0.0.0.0 casino.example bingo.example # two\nnot-an-ip x\n",
        UrlCategory::Gambling,
    )
    .unwrap();
    imp.add_text("abp", "! c\n||proxy.example^\n||vpn.example^$important\n@@||ok.example^\n||x.example/path^\n##.ad\n||y.example^$third-party\n", UrlCategory::Proxy).unwrap();
    let digest = esafety::url::sha256("evil.example/abuse.html");
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    imp.add_text("iwf", &format!("{hex}\nnot-hex\n"), UrlCategory::Illegal)
        .unwrap();
    let (p, reports) = pack(imp);
    assert_eq!(
        cats(&p, "bad.example"),
        Some(1 << UrlCategory::Adult.index())
    );
    assert_eq!(p.domain("worse.example").unwrap().line, Some(3));
    assert_eq!(p.domain("worse.example").unwrap().tag.min_age, 18);
    assert!(p.domain("casino.example").is_some() && p.domain("bingo.example").is_some());
    assert!(p.domain("localhost").is_none());
    assert!(p.domain("proxy.example").is_some() && p.domain("vpn.example").is_some());
    assert!(p.domain("ok.example").is_none() && p.domain("y.example").is_none());
    assert!(p.hash(&digest).is_some());
    let by = |n: &str| reports.iter().find(|r| r.name == n).unwrap();
    assert_eq!((by("plain").domains, by("plain").skipped), (2, 1));
    assert_eq!(by("plain").skipped_examples[0].0, 4);
    assert_eq!((by("hosts").domains, by("hosts").skipped), (2, 1));
    assert_eq!((by("abp").domains, by("abp").skipped), (2, 4));
    assert_eq!((by("iwf").hashes, by("iwf").skipped), (1, 1));
}

#[test]
fn ut1_folders_map_categories_and_keep_sexual_education_allowed() {
    let dir = std::env::temp_dir().join(format!("esafety-ut1-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for (cat, file, body) in [
        ("adult", "domains", "porn.example\nmixed.example\n"),
        ("adult", "urls", "host.example/adult/\n"),
        ("adult", "expressions", "(porn|xxx)\n"),
        ("sexual_education", "domains", "sexed.example\n"),
        ("shopping", "domains", "shop.example\n"),
    ] {
        fs::create_dir_all(dir.join(cat)).unwrap();
        fs::write(dir.join(cat).join(file), body).unwrap();
    }
    let mut imp = Importer::new(false);
    imp.add_arg(dir.to_str().unwrap()).unwrap();
    let (p, reports) = pack(imp);
    assert_eq!(
        cats(&p, "porn.example"),
        Some(1 << UrlCategory::Adult.index())
    );
    assert_eq!(
        cats(&p, "sexed.example"),
        Some(1 << UrlCategory::Education.index())
    );
    assert!(p.url("host.example/adult").is_some());
    assert!(p.domain("shop.example").is_none());
    assert!(reports
        .iter()
        .any(|r| r.name == "ut1/shopping" && r.not_imported.is_some()));
    let ex = reports
        .iter()
        .find(|r| r.name == "ut1/adult/expressions")
        .unwrap();
    assert_eq!((ex.expressions, ex.skipped), (1, 0));
    assert_eq!(p.expressions().next().unwrap().pattern, "(porn|xxx)");
    // A single category folder works too.
    let mut imp = Importer::new(false);
    imp.add_arg(dir.join("adult").to_str().unwrap()).unwrap();
    let (p, _) = pack(imp);
    assert!(p.domain("porn.example").is_some() && p.domain("sexed.example").is_none());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn arguments_need_a_category_for_files() {
    let f = std::env::temp_dir().join(format!("esafety-list-{}.txt", std::process::id()));
    fs::write(&f, "a.example\n").unwrap();
    let mut imp = Importer::new(false);
    assert!(matches!(
        imp.add_arg(f.to_str().unwrap()),
        Err(ImportError::NoCategory(_))
    ));
    assert!(matches!(
        imp.add_arg(&format!("nonsense={}", f.display())),
        Err(ImportError::UnknownCategory(_))
    ));
    assert!(matches!(
        imp.add_arg("/no/such/path"),
        Err(ImportError::Io { .. })
    ));
    imp.add_arg(&format!("gaming={}", f.display())).unwrap();
    let _ = fs::remove_file(&f);
}

#[test]
fn every_ut1_name_in_the_map_parses() {
    let map = ut1_map();
    assert!(map.len() > 25);
    assert_eq!(
        map.iter()
            .find(|(n, _)| *n == "sexual_education")
            .unwrap()
            .1,
        Some(UrlCategory::Education)
    );
    assert_eq!(
        map.iter().find(|(n, _)| *n == "translation").unwrap().1,
        None
    );
}

#[test]
fn expressions_are_checked_and_bad_ones_reported() {
    let mut imp = Importer::new(false);
    imp.add_expressions(
        "x",
        "# c\n(casino|poker)s?\n(unclosed\n\n^[0-9]+\\.[0-9]+/search$\n",
        UrlCategory::Gambling,
    )
    .unwrap();
    let (bytes, reports) = imp.finish().unwrap();
    let p = Pack::from_vec(bytes).unwrap();
    assert_eq!(p.expressions().count(), 2);
    assert_eq!((reports[0].expressions, reports[0].skipped), (2, 1));
    assert_eq!(reports[0].skipped_examples[0].0, 3);
}
