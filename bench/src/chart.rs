//! The timing results as a picture: an SVG bar chart of ns per call for each workload,
//! one bar per runtime (native, wasibox, wasmtime's own WASI, Node's, ...), on a log
//! scale so that a 40 µs bar and a 20 ns bar both stay readable.
//!
//! It reads the `results.json` that `run` writes, so the chart and the tables always come
//! from the same run: `wasibox-bench chart [--from FILE] [--out FILE.svg]`. Throughput
//! workloads (64 KiB chunks) are left out: their ns per call is dominated by the copy and
//! the tables give them in GB/s.
//!
//! The SVG is written by hand (a few element kinds), so the bench needs no plotting crate.

use serde_json::Value;
use std::fmt::Write as _;

/// Runtimes drawn, in legend order, with their label and fill colour. Those missing from
/// the results (Node not installed, `--runtimes` narrowed) are left out.
const SERIES: &[(&str, &str, &str)] = &[
    ("native", "native", "#7f7f7f"),
    ("wasibox-wasmtime-posix", "wasibox (wasmtime, posix)", "#1f77b4"),
    ("wasibox-wasmtime-mem", "wasibox (wasmtime, mem)", "#9ecae1"),
    ("wasmtime-wasi", "wasmtime-wasi", "#d62728"),
    ("wasmi-wasi", "wasmi_wasi", "#ff9896"),
    ("node", "node:wasi", "#2ca02c"),
];

/// One bar: the median in ns, and whether the run was cut short (a lower bound).
type Bar = (f64, bool);

const BAR_H: f64 = 9.0;
const GROUP_GAP: f64 = 10.0;
const LABEL_W: f64 = 300.0;
const PLOT_W: f64 = 560.0;
const VALUE_W: f64 = 70.0;
const TOP: f64 = 58.0;

/// Render `results` (the JSON `run` writes) as an SVG document.
pub fn render(results: &Value) -> Result<String, String> {
    let per_runtime = results.get("results").and_then(Value::as_object).ok_or("no \"results\" object")?;
    let series: Vec<&(&str, &str, &str)> =
        SERIES.iter().filter(|(name, _, _)| per_runtime.contains_key(*name)).collect();
    if series.is_empty() {
        return Err("none of the charted runtimes is in the results".into());
    }
    // One group per workload measured per call or per entry, in the report's order.
    let mut groups: Vec<(&str, Vec<Option<Bar>>)> = Vec::new();
    for (workload, label, unit) in crate::run::WORKLOADS {
        if *unit == crate::run::Unit::Chunk {
            continue;
        }
        // (median, partial): a partial run was cut short, its median is a lower bound.
        let values: Vec<Option<Bar>> = series
            .iter()
            .map(|(name, _, _)| {
                let e = per_runtime.get(*name).and_then(|w| w.get(*workload))?;
                let median = e.get("median").and_then(Value::as_f64)?;
                Some((median, e.get("partial").and_then(Value::as_bool).unwrap_or(false)))
            })
            .collect();
        if values.iter().any(Option::is_some) {
            groups.push((label, values));
        }
    }
    if groups.is_empty() {
        return Err("the results hold no per-call workload".into());
    }
    // Log scale from 1 ns (values below are drawn as 1 ns: "about zero") to the next power
    // of ten above the largest median.
    let max = groups.iter().flat_map(|(_, v)| v.iter().flatten()).fold(1.0f64, |m, &(x, _)| m.max(x));
    let decades = max.log10().ceil().max(1.0);
    let x_of = |ns: f64| LABEL_W + PLOT_W * (ns.max(1.0).log10() / decades);

    let group_h = BAR_H * series.len() as f64 + GROUP_GAP;
    let width = LABEL_W + PLOT_W + VALUE_W;
    // The legend: as many entries per row as fit, rows of 14 px from y = 26.
    let mut legend = Vec::new();
    let (mut lx, mut ly) = (LABEL_W, 26.0);
    for (_, label, colour) in &series {
        let w = 28.0 + 6.5 * label.len() as f64;
        if lx > LABEL_W && lx + w > width {
            lx = LABEL_W;
            ly += 14.0;
        }
        legend.push((lx, ly, *label, *colour));
        lx += w;
    }
    let top = TOP + (ly - 26.0);
    let height = top + group_h * groups.len() as f64 + 40.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r##"<rect width="{width}" height="{height}" fill="#ffffff"/>"##);
    let title = "ns per call, median of the rounds (log scale; lower is better)";
    let _ = writeln!(
        s,
        r#"<text x="{LABEL_W}" y="16" font-size="13" font-weight="bold">{}</text>"#,
        escape(title)
    );
    for (lx, ly, label, colour) in legend {
        let _ = writeln!(s, r#"<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colour}"/>"#);
        let _ = writeln!(s, r#"<text x="{}" y="{}">{}</text>"#, lx + 14.0, ly + 9.0, escape(label));
    }
    // Grid: one line per decade.
    let bottom = top + group_h * groups.len() as f64;
    for d in 0..=decades as u32 {
        let ns = 10f64.powi(d as i32);
        let x = x_of(ns);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{bottom}" stroke="#dddddd"/>"##,
            TOP - 4.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            bottom + 14.0,
            axis_label(ns)
        );
    }
    // Bars.
    for (g, (label, values)) in groups.iter().enumerate() {
        let y0 = top + group_h * g as f64;
        let label = label.replace('`', "");
        let mid = y0 + BAR_H * series.len() as f64 / 2.0 + 4.0;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{mid:.1}" text-anchor="end">{}</text>"#,
            LABEL_W - 8.0,
            escape(&label)
        );
        for (k, ((_, label, colour), value)) in series.iter().zip(values).enumerate() {
            let Some((ns, partial)) = value else { continue };
            let shown = match (*ns < 1.0, *partial) {
                (true, _) => "≈0".to_string(),
                (false, true) => format!("≥{}", crate::run::fmt_ns(*ns)),
                (false, false) => crate::run::fmt_ns(*ns),
            };
            let y = y0 + BAR_H * k as f64;
            let w = (x_of(*ns) - LABEL_W).max(1.0);
            let _ = writeln!(
                s,
                r#"<rect x="{LABEL_W}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect>"#,
                BAR_H - 1.0,
                escape(label),
                shown
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="8" fill="#333333">{}</text>"##,
                LABEL_W + w + 3.0,
                y + BAR_H - 2.0,
                escape(&shown)
            );
        }
    }
    let when = results.get("machine").and_then(|m| m.get("cpu")).and_then(Value::as_str).unwrap_or("");
    let _ = writeln!(
        s,
        r##"<text x="{LABEL_W}" y="{}" font-size="9" fill="#555555">{}</text>"##,
        bottom + 30.0,
        escape(&format!(
            "wasibox-bench run, {} rounds; {when}",
            results.get("rounds").unwrap_or(&Value::Null)
        ))
    );
    s.push_str("</svg>\n");
    Ok(s)
}

fn axis_label(ns: f64) -> String {
    match ns {
        n if n >= 1e6 => format!("{} ms", n / 1e6),
        n if n >= 1e3 => format!("{} µs", n / 1e3),
        n => format!("{n} ns"),
    }
}

/// Escape text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "rounds": 3,
            "machine": {"cpu": "Test <CPU> & co"},
            "results": {
                "native": {"clock_time_get": {"median": 24.0}, "fd_seek": {"median": 155.0},
                           "fd_read_64k": {"median": 8000.0}},
                "wasibox-wasmtime-posix": {"clock_time_get": {"median": 36.0}, "fd_seek": {"median": 200.0}},
                "wasmtime-wasi": {"clock_time_get": {"median": 107.0}, "fd_seek": {"median": 39384.0}},
                "bogus-runtime": {"clock_time_get": {"median": 1.0}}
            }
        })
    }

    #[test]
    fn one_bar_per_runtime_and_workload_measured() {
        let svg = render(&sample()).unwrap();
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        // 3 runtimes x 2 per-call workloads; the chunk workload and unknown runtimes left out.
        assert_eq!(svg.matches("<title>").count(), 6, "{svg}");
        assert!(svg.contains("<title>wasmtime-wasi: 39,384</title>"), "{svg}");
        assert!(!svg.contains("fd_read"));
        assert!(!svg.contains("bogus"));
        assert!(!svg.contains("node:wasi"), "node absent from the results is not in the legend");
    }

    #[test]
    fn log_scale_orders_bar_widths() {
        let svg = render(&sample()).unwrap();
        let width_of = |title: &str| -> f64 {
            let at = svg.find(title).unwrap();
            let rect = &svg[svg[..at].rfind("<rect").unwrap()..at];
            let w = rect.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse().unwrap()
        };
        let native = width_of("<title>native: 155</title>");
        let wasibox = width_of("<title>wasibox (wasmtime, posix): 200</title>");
        let wasi = width_of("<title>wasmtime-wasi: 39,384</title>");
        assert!(native < wasibox && wasibox < wasi);
        // Log scale: 39,384 is 254x of 155 but its bar is far less than 254x as long.
        assert!(wasi / native < 3.0);
    }

    #[test]
    fn lower_bounds_and_zeros_are_marked() {
        let v = json!({"results": {
            "native": {"clock_time_get": {"median": 0.2}},
            "wasmtime-wasi": {"clock_time_get": {"median": 3000000.0, "partial": true}}
        }});
        let svg = render(&v).unwrap();
        assert!(svg.contains("<title>native: ≈0</title>"), "{svg}");
        assert!(svg.contains("<title>wasmtime-wasi: ≥3,000,000</title>"), "{svg}");
    }

    #[test]
    fn the_legend_wraps_inside_the_picture() {
        let mut results = serde_json::Map::new();
        for (name, _, _) in SERIES {
            results.insert(name.to_string(), json!({"clock_time_get": {"median": 10.0}}));
        }
        let svg = render(&json!({ "results": results })).unwrap();
        let width: f64 = LABEL_W + PLOT_W + VALUE_W;
        for line in svg.lines().filter(|l| l.starts_with("<text x=")) {
            let x: f64 = line["<text x=\"".len()..].split('"').next().unwrap().parse().unwrap();
            assert!(x < width - 40.0, "text starts too far right: {line}");
        }
    }

    #[test]
    fn text_is_escaped() {
        let svg = render(&sample()).unwrap();
        assert!(svg.contains("Test &lt;CPU&gt; &amp; co"));
        assert!(!svg.contains("<CPU>"));
    }

    #[test]
    fn empty_or_foreign_results_are_errors() {
        assert!(render(&json!({})).is_err());
        assert!(render(&json!({"results": {"other": {}}})).is_err());
        assert!(render(&json!({"results": {"native": {"fd_read_64k": {"median": 1.0}}}})).is_err());
    }
}
