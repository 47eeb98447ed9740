//! The figures a run collects and the one table it prints: latency samples with their median and p99, rates,
//! ratios to the matching raw probe, and the conditions the figures were measured under.

use std::fmt::Write as _;
use std::time::Duration;

/// Latencies of one kind of operation.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Samples {
    millis: Vec<f64>,
}

impl Samples {
    pub fn push(&mut self, elapsed: Duration) {
        self.millis.push(elapsed.as_secs_f64() * 1000.0);
    }

    pub fn extend(&mut self, other: Samples) {
        self.millis.extend(other.millis);
    }

    pub fn len(&self) -> usize {
        self.millis.len()
    }

    /// The nearest-rank percentile in milliseconds (`None` without samples).
    pub fn percentile(&self, percent: f64) -> Option<f64> {
        if self.millis.is_empty() {
            return None;
        }
        let mut sorted = self.millis.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
        Some(sorted[rank.clamp(1, sorted.len()) - 1])
    }

    pub fn median(&self) -> Option<f64> {
        self.percentile(50.0)
    }

    pub fn p99(&self) -> Option<f64> {
        self.percentile(99.0)
    }
}

/// A throughput: so many `unit` per second.
#[derive(Debug, Clone)]
pub struct Rate {
    pub per_second: f64,
    pub unit: &'static str,
}

impl Rate {
    pub fn new(count: f64, elapsed: Duration, unit: &'static str) -> Self {
        Self {
            per_second: count / elapsed.as_secs_f64().max(1e-9),
            unit,
        }
    }
}

/// A figure divided by the figure it is judged against.
#[derive(Debug, Clone)]
pub struct Ratio {
    pub value: f64,
    pub against: String,
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub section: &'static str,
    pub figure: String,
    pub clients: Option<usize>,
    pub rate: Option<Rate>,
    pub median_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub ratio: Option<Ratio>,
    pub note: String,
}

impl Row {
    pub fn new(section: &'static str, figure: impl Into<String>) -> Self {
        Self {
            section,
            figure: figure.into(),
            clients: None,
            rate: None,
            median_ms: None,
            p99_ms: None,
            ratio: None,
            note: String::new(),
        }
    }

    /// A figure that could not be measured, and why.
    pub fn unavailable(section: &'static str, figure: impl Into<String>, reason: &str) -> Self {
        Self::new(section, figure).note(format!("n/a ({reason})"))
    }

    pub fn clients(mut self, clients: usize) -> Self {
        self.clients = Some(clients);
        self
    }

    pub fn rate(mut self, rate: Rate) -> Self {
        self.rate = Some(rate);
        self
    }

    pub fn latency(mut self, samples: &Samples) -> Self {
        self.median_ms = samples.median();
        self.p99_ms = samples.p99();
        self
    }

    /// A figure measured once: shown in the median column, without a p99.
    pub fn single(mut self, elapsed: Duration) -> Self {
        self.median_ms = Some(elapsed.as_secs_f64() * 1000.0);
        self
    }

    pub fn ratio(mut self, value: f64, against: impl Into<String>) -> Self {
        if value.is_finite() {
            self.ratio = Some(Ratio {
                value,
                against: against.into(),
            });
        }
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        let note = note.into();
        if self.note.is_empty() {
            self.note = note;
        } else {
            self.note = format!("{}; {note}", self.note);
        }
        self
    }
}

/// The figures of one backend at one size.
#[derive(Debug, Clone)]
pub struct BackendReport {
    pub backend: &'static str,
    pub people: usize,
    pub rows: Vec<Row>,
}

/// Where and when the figures were measured.
#[derive(Debug, Clone)]
pub struct Conditions {
    pub date: String,
    pub cpus: usize,
    pub cpu_model: String,
    pub memory: String,
    pub kernel: String,
    pub build: &'static str,
    pub mode: String,
    /// `/proc/loadavg` when the run started (1, 5 and 15 minutes): the machine may be shared.
    pub load_average: String,
}

/// The load average now (1, 5 and 15 minutes), as `/proc/loadavg` has it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_string())
}

impl Conditions {
    pub fn of_this_machine(mode: String) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name"))
            .and_then(|rest| rest.split(':').nth(1))
            .map_or_else(
                || "unknown CPU".to_string(),
                |model| model.trim().to_string(),
            );
        let memory = std::fs::read_to_string("/proc/meminfo")
            .unwrap_or_default()
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map_or_else(
                || "unknown".to_string(),
                |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
            );
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| "unknown".to_string(), |text| text.trim().to_string());
        Self {
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            cpu_model,
            memory,
            kernel,
            build: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            mode,
            load_average: load_average(),
        }
    }
}

fn millis(value: Option<f64>) -> String {
    match value {
        Some(ms) if ms >= 100.0 => format!("{ms:.0} ms"),
        Some(ms) if ms >= 10.0 => format!("{ms:.1} ms"),
        Some(ms) => format!("{ms:.2} ms"),
        None => "-".to_string(),
    }
}

fn rate(value: &Option<Rate>) -> String {
    match value {
        Some(rate) if rate.per_second >= 100.0 => {
            format!("{:.0} {}/s", rate.per_second, rate.unit)
        }
        Some(rate) => format!("{:.1} {}/s", rate.per_second, rate.unit),
        None => "-".to_string(),
    }
}

fn ratio(value: &Option<Ratio>) -> String {
    match value {
        Some(ratio) => format!("{:.2}x {}", ratio.value, ratio.against),
        None => "-".to_string(),
    }
}

/// Renders every backend's figures as one Markdown table under the conditions.
pub fn render(conditions: &Conditions, reports: &[BackendReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "groundwork-bench · {} · {} build · {} · {} CPUs ({}) · {} RAM · Linux {} · load average {} at the start",
        conditions.date,
        conditions.build,
        conditions.mode,
        conditions.cpus,
        conditions.cpu_model,
        conditions.memory,
        conditions.kernel,
        conditions.load_average
    );
    let _ = writeln!(out);
    let header = [
        "backend", "people", "#", "figure", "clients", "rate", "median", "p99", "ratio", "notes",
    ];
    let mut lines: Vec<[String; 10]> = Vec::new();
    for report in reports {
        for row in &report.rows {
            lines.push([
                report.backend.to_string(),
                report.people.to_string(),
                row.section.to_string(),
                row.figure.clone(),
                row.clients
                    .map_or_else(|| "-".to_string(), |c| c.to_string()),
                rate(&row.rate),
                millis(row.median_ms),
                millis(row.p99_ms),
                ratio(&row.ratio),
                row.note.clone(),
            ]);
        }
    }
    let mut widths = header.map(|title| title.chars().count());
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let format_line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths.iter())
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    let _ = writeln!(
        out,
        "{}",
        format_line(header.iter().map(ToString::to_string).collect())
    );
    let _ = writeln!(
        out,
        "{}",
        format_line(widths.iter().map(|width| "-".repeat(*width)).collect())
    );
    for line in lines {
        let _ = writeln!(out, "{}", format_line(line.to_vec()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let mut samples = Samples::default();
        for ms in 1..=100 {
            samples.push(Duration::from_millis(ms));
        }
        assert_eq!(samples.median(), Some(50.0));
        assert_eq!(samples.p99(), Some(99.0));
        assert_eq!(Samples::default().median(), None);
    }
}
