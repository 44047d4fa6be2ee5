//! Every output format checked independently of the renderer: generated data with planted
//! truths, one spec covering every section kind, then `pdftotext`/`pdftoppm` (poppler-utils)
//! on the PDF, a strict XML parse of the HTML, CSV re-read against the engine's own results,
//! and the SVG/PNG chart files.

mod common;

use common::{engine_breakdown, poppler, read_csv, spec_for, temp_dataset};
use rumlens_report::spec::ReportSpec;
use std::sync::OnceLock;

/// One generated dataset and one computed report shared by the tests of this file.
fn fixture() -> &'static (tempfile::TempDir, ReportSpec, rumlens_report::Report) {
    static F: OnceLock<(tempfile::TempDir, ReportSpec, rumlens_report::Report)> = OnceLock::new();
    F.get_or_init(|| {
        let dir = temp_dataset(900, 7);
        let spec = spec_for("events.parquet");
        let report = rumlens_report::run(&spec, dir.path(), None).unwrap();
        (dir, spec, report)
    })
}

fn out(name: &str) -> std::path::PathBuf {
    fixture().0.path().join(name)
}

#[test]
fn pdf_has_the_engines_p75_values_on_its_pages_and_no_blank_page() {
    let (dir, _, report) = fixture();
    let pdf = out("report.pdf");
    rumlens_report::write(report, &pdf, None).unwrap();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));

    // Page count from pdfinfo; the text of every page from pdftotext.
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert!(pages >= report.sections.len() + 2, "{pages} pages");
    assert!(info.contains("A4"), "{info}");
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.contains("NotoSans-Regular") && fonts.contains(" yes yes "),
        "fonts embedded: {fonts}"
    );

    let page_text = |n: usize| {
        poppler(
            "pdftotext",
            &[
                "-f",
                &n.to_string(),
                "-l",
                &n.to_string(),
                "-layout",
                pdf.to_str().unwrap(),
                "-",
            ],
        )
    };
    let title = page_text(1);
    assert!(title.contains("Planted truths, checked"), "{title}");
    assert!(title.contains(&format!("page 1 of {pages}")));
    // The title page's events count is the engine's.
    let summary = rumlens_engine::analysis::summary::summary(
        &rumlens_engine::Dataset::open(
            &[dir.path().join("events.parquet").to_string_lossy().into_owned()],
            &Default::default(),
        )
        .unwrap(),
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    assert!(title.contains(&rumlens_report::text::int(summary.rows)), "{title}");

    // The breakdown section (section 2) lists every segment's p75 as the engine computes it.
    let all: String = (1..=pages).map(page_text).collect::<Vec<_>>().join("\n");
    let b = engine_breakdown(dir.path(), "lcp", &["device_type", "browser"]);
    assert!(b.rows.len() >= 6);
    let section = all
        .split("2. LCP percentiles by device_type × browser")
        .nth(2) // title-page contents, then the section heading
        .unwrap_or_default();
    for r in &b.rows {
        let p75 = rumlens_report::text::num(r.p75, "ms");
        assert!(
            section.contains(&p75),
            "p75 {p75} of {:?} not on the breakdown page",
            r.keys
        );
    }
    // Method page.
    assert!(all.contains("Method and data quality"));
    assert!(all.contains("Hyndman"));
    assert!(all.contains("2,500 ms") && all.contains("0.25"));

    // Every page renders, and none is blank.
    let prefix = out("page");
    poppler(
        "pdftoppm",
        &["-r", "30", "-gray", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let mut rendered = 0;
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "pgm") {
            let ink = common::ink_share(&std::fs::read(&p).unwrap());
            assert!(ink > 0.01, "{} is blank ({ink})", p.display());
            rendered += 1;
        }
    }
    assert_eq!(rendered, pages);
}

#[test]
fn letter_paper() {
    let (dir, spec, _) = fixture();
    let mut spec = spec.clone();
    spec.paper = rumlens_report::spec::Paper::Letter;
    spec.sections.truncate(2);
    let report = rumlens_report::run(&spec, dir.path(), None).unwrap();
    let pdf = out("letter.pdf");
    rumlens_report::write(&report, &pdf, None).unwrap();
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("612 x 792"), "{info}");
}

#[test]
fn html_is_self_contained_and_strict() {
    let (_, _, report) = fixture();
    let html = rumlens_report::html::html(report).unwrap();
    common::assert_safe_html(&html);
    // The same numbers as the PDF: the breakdown p75s.
    let b = engine_breakdown(fixture().0.path(), "lcp", &["device_type", "browser"]);
    for r in &b.rows {
        assert!(html.contains(&format!(">{}<", rumlens_report::text::num(r.p75, "ms"))));
    }
    assert!(
        html.matches("<svg").count() >= 9,
        "one inline chart per charted section"
    );
}

#[test]
fn csv_tables_reread_equal_the_engine() {
    let (dir, _, report) = fixture();
    let folder = out("csv/");
    let files = rumlens_report::write(report, &folder, None).unwrap();
    assert!(files.len() >= report.sections.len());
    let breakdown_csv = files
        .iter()
        .find(|f| f.to_string_lossy().contains("02-") && f.to_string_lossy().ends_with("-breakdown.csv"))
        .unwrap();
    let rows = read_csv(breakdown_csv);
    let header = &rows[0];
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let b = engine_breakdown(dir.path(), "lcp", &["device_type", "browser"]);
    assert_eq!(rows.len() - 1, b.rows.len());
    for (row, r) in rows[1..].iter().zip(&b.rows) {
        assert_eq!(row[col("device_type")], r.keys[0].clone().unwrap_or_default());
        assert_eq!(row[col("n")].parse::<u64>().unwrap(), r.n);
        // Full precision: the CSV value parses back to the engine's f64 exactly.
        assert_eq!(row[col("p75")].parse::<f64>().ok(), r.p75);
        assert_eq!(row[col("p75_ci_low")].parse::<f64>().ok(), r.p75_ci_low);
    }
    // A single .csv target is refused for a many-table report, with the way out in the message.
    let e = rumlens_report::write(report, &out("one.csv"), None).unwrap_err();
    assert!(e.to_string().contains("folder"), "{e}");
}

#[test]
fn chart_svg_and_png() {
    let (_, _, report) = fixture();
    let svg = out("chart.svg");
    rumlens_report::write(report, &svg, Some(2)).unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("p75 LCP (ms) by device_type × browser")),
        "{texts:?}"
    );
    let png = out("chart.png");
    rumlens_report::write(report, &png, Some(4)).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian, at bytes 16..24 (2× the 900×520 chart).
    let w = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    let h = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
    assert_eq!((w, h), (1800, 1040));
    // A section without a chart says so.
    let e = rumlens_report::write(report, &out("none.svg"), Some(99)).unwrap_err();
    assert!(e.to_string().contains("section"), "{e}");
}

#[test]
fn planted_regression_is_significant_in_the_compare_section() {
    let (_, _, report) = fixture();
    let cmp = report
        .sections
        .iter()
        .find_map(|s| match &s.result {
            rumlens_report::run::SectionResult::Compare { result, .. } => Some(result),
            _ => None,
        })
        .unwrap();
    let lcp = cmp.rows.iter().find(|r| r.metric == "lcp_ms").unwrap();
    // Planted: LCP × 1.8 on iPhone Safari in 1.5.0.
    assert!(lcp.p75_diff_rel.unwrap() > 0.4, "{:?}", lcp.p75_diff_rel);
    assert!(lcp.significant);
}

#[test]
fn existing_unrelated_files_survive_and_target_is_replaced() {
    let (_, _, report) = fixture();
    let target = out("replace.html");
    std::fs::write(&target, "old").unwrap();
    let neighbour = out("keep.txt");
    std::fs::write(&neighbour, "keep").unwrap();
    rumlens_report::write(report, &target, None).unwrap();
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("<!DOCTYPE html>"));
    assert_eq!(std::fs::read_to_string(&neighbour).unwrap(), "keep");
    let leftovers: Vec<_> = std::fs::read_dir(fixture().0.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}
