"""The verdicts against the targets, the printed table and the JSON record of a run."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["TARGETS", "judge", "ms", "passed", "render", "table", "times", "write"]

TARGETS = {"cold_p50_ratio_max": 1.3, "warm_p50_ms_max": 2.0, "warm_req_per_s_min": 1000.0}
"""Issue 13's: the referent's sheet (tier 2, audited) warm at 2 ms and 1,000 req/s at 32
clients on one core, cold within 1.3× the floor."""
_BUSY = 0.2
"""Share of the CPUs busy with other work above which the figures are flagged as noisy."""


def _ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or floor is None or not floor or math.isnan(value) or math.isnan(floor):
        return None
    return round(value / floor, 2)


def judge(result: dict[str, Any]) -> dict[str, str]:
    """Adds the ratios to ``result`` and returns one verdict per target."""
    floor = result["floor"]["latency_ms"]
    cold, warm, load = result["cold"], result["warm"], result["throughput"]
    verdicts: dict[str, str] = {}
    if "skipped" in cold:
        verdicts["cold_p50"] = "SKIPPED"
    else:
        cold["ratio_p50"] = _ratio(cold["latency_ms"]["p50"], floor["p50"])
        cold["ratio_p99"] = _ratio(cold["latency_ms"]["p99"], floor["p99"])
        ratio = cold["ratio_p50"]
        verdicts["cold_p50"] = passed(ratio is not None and ratio <= TARGETS["cold_p50_ratio_max"])
    warm["ratio_p50"] = _ratio(warm["latency_ms"]["p50"], floor["p50"])
    p50 = warm["latency_ms"]["p50"]
    verdicts["warm_p50"] = passed(not math.isnan(p50) and p50 <= TARGETS["warm_p50_ms_max"])
    verdicts["warm_throughput"] = passed(load["req_per_s"] >= TARGETS["warm_req_per_s_min"])
    failed = sum(part.get("failed", 0) for part in (result["floor"], cold, warm))
    failed += load["requests_failed"]
    verdicts["all_answers_correct"] = passed(failed == 0)
    return verdicts


def passed(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.2f} ms"


def times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def render(result: dict[str, Any]) -> str:
    floor = result["floor"]["latency_ms"]
    cold, warm, load = result["cold"], result["warm"], result["throughput"]
    verdicts, targets = result["verdicts"], result["targets"]
    rows: list[tuple[str, str, str, str]] = [
        ("floor (direct upstream, 5 calls at once) p50", ms(floor["p50"]), "1.00×", ""),
        ("floor p99", ms(floor["p99"]), "1.00×", ""),
    ]
    if "skipped" in cold:
        rows.append(("cold p50 / p99", "skipped", "", cold["skipped"]))
    else:
        cold_ms = cold["latency_ms"]
        limit = f"≤ {targets['cold_p50_ratio_max']}× → {verdicts['cold_p50']}"
        rows.append(
            ("cold p50 (Redis flushed)", ms(cold_ms["p50"]), times(cold["ratio_p50"]), limit)
        )
        rows.append(("cold p99", ms(cold_ms["p99"]), times(cold["ratio_p99"]), ""))
    limit = f"≤ {targets['warm_p50_ms_max']} ms → {verdicts['warm_p50']}"
    rows.append(("warm p50 (in-memory cache)", ms(warm["latency_ms"]["p50"]),
                 times(warm["ratio_p50"]), limit))  # fmt: skip
    rows.append(("warm p99", ms(warm["latency_ms"]["p99"]), "", ""))
    rows.append(
        (
            f"warm throughput, {load['concurrency']} clients, {load['duration_s']:.0f} s",
            f"{load['req_per_s']:.0f} req/s",
            "",
            (
                f"≥ {targets.get('warm_req_per_s_min', 0):.0f} → {verdicts.get('warm_throughput')}"
                f"; p50 {ms(load['latency_ms']['p50'])}, p99 {ms(load['latency_ms']['p99'])}"
            ),
        )
    )
    rows.append(("gateway CPU per warm request (under load)",
                 ms(load.get("gateway_cpu_ms_per_request")), "",
                 f"gateway process at {load.get('gateway_cpu_share', 0):.0%} of one core"))  # fmt: skip
    failed = sum(part.get("failed", 0) for part in (result["floor"], cold, warm))
    failed += load["requests_failed"]
    rows.append(("failed answers (all phases)", str(failed), "", verdicts["all_answers_correct"]))

    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("company sheet", "value", "× floor", "target")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), line]
    out += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    out.append(line)
    out += _notes(result)
    return "\n".join(out)


def _notes(result: dict[str, Any]) -> list[str]:
    notes = []
    cold, warm, load = result["cold"], result["warm"], result["throughput"]
    evidence = cold.get("evidence", {})
    calls = evidence.get("upstream_calls_per_request")
    expected = evidence.get("expected_upstream_calls_per_request")
    if calls is not None and calls != expected:
        notes.append(f"NOTE cold requests made {calls} upstream calls each, expected {expected}: "
                     "they were not all cold.")  # fmt: skip
    if warm.get("evidence", {}).get("upstream_calls_while_measuring"):
        notes.append("NOTE the warm gateway called the upstream while measured: not all cached.")
    reasons = {**result["floor"].get("failure_reasons", {}), **cold.get("failure_reasons", {}),
               **warm.get("failure_reasons", {}), **load.get("failure_reasons", {})}  # fmt: skip
    notes += [f"FAILURE {count} × {reason}" for reason, count in reasons.items()]
    failing = [name for name, verdict in result["verdicts"].items() if verdict == "FAIL"]
    if failing:
        notes.append(f"FAIL: {', '.join(failing)}")
    busy = result["machine_busy_before_run"]
    if busy is not None and busy > _BUSY:
        notes.append(f"NOTE {busy:.0%} of the CPUs were busy with other work just before the "
                     "run: figures are noisy.")  # fmt: skip
    for phase in ("cold", "warm"):
        other = (result[phase].get("cpu") or {}).get("other")
        if other is not None and other > _BUSY:
            notes.append(f"NOTE other work used {other:.0%} of the CPUs during the {phase} "
                         "phase: its figures are noisy.")  # fmt: skip
    return notes


def table(title: str, header: tuple[str, str, str, str], rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of four columns, aligned, between two rules; ``title`` heads the first column."""
    head = (title, *header[1:])
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(head)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip(), line]
    out += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    out.append(line)
    return out


def write(
    result: dict[str, Any], directory: Path, started: datetime, name: str = "company-sheet"
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path
