#!/usr/bin/env python3
# ruff: noqa: RUF001  (the report writes typographic signs on purpose)
"""bench/RESULTS.md and the chart, from one run's raw results (run by bench/run.py, tools venv).

Reads WORK/RAW/*.json (the shared run_bench.py), WORK/EXTRAS/*.json (bench/extra.py) and the
shared report.py's markdown (appended whole). "Ours" are the targets of bench/targets.json; every
other target in the run is a peer, and each ratio is taken against the best peer of the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OURS = {t["name"] for t in json.loads((BENCH / "targets.json").read_text())["targets"]}


def morph_context(x) -> str:
    """The 1,000-row morph's context for the goal rows: the floor and the pinned p90."""
    floor = g(x, "browser", "pages", "1000", "floor_layout_ms", "p90_ms")
    pinned = g(x, "browser", "pinned_pages", "1000", "recv_to_layout_ms", "p90_ms")
    return f"{fmt(floor, 1) if floor else '—'}; {fmt(pinned, 1) if pinned else '—'}"


def g(d, *path, default=None):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return default
        d = d[p]
    return d


def fmt(x, nd=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return str(x)


def load(work: Path, raw: str, extras: str):
    runs, extra = {}, {}
    order = [t["name"] for t in json.loads((work / "targets.json").read_text())["targets"]]
    for f in (work / raw).glob("*.json"):
        if f.name != "machine.json":
            d = json.loads(f.read_text())
            runs[d["target"]["name"]] = d
    for f in (work / extras).glob("*.json"):
        if f.name != "run.json":
            d = json.loads(f.read_text())
            extra[d["target"]["name"]] = d
    names = [n for n in order if n in runs]
    run_info = json.loads((work / extras / "run.json").read_text())
    machine = json.loads((work / raw / "machine.json").read_text())
    return names, runs, extra, run_info, machine


# -- metrics: (label, getter, better) ---------------------------------------------------------


def lat_p50(r):
    return g(r, "results", "latency", "p50_ms")


def throughput(r):
    return g(r, "results", "throughput", "events_per_s")


def cpu_event(r):
    return g(r, "results", "throughput", "server_cpu_ms_per_event")


def list_cpu(r):
    return g(r, "results", "list", "server_cpu_ms_per_event")


def kb_nodeflate(r):
    m = g(r, "results", "memory_nodeflate") or g(r, "results", "memory")
    if m and m.get("applicable") and "no" in deflate_of(m):
        return m["kb_per_conn"]
    return None


def kb_conn(r):
    m = g(r, "results", "memory")
    return m["kb_per_conn"] if m and m.get("applicable") else None


def deflate_of(m):
    return "yes" if "permessage-deflate" in (m.get("ws_extensions") or "") else "no"


def fan(r, n, key):
    f = g(r, "results", f"fanout_{n}")
    if not f or not f.get("applicable"):
        return None
    v = f[key]
    return v["p50_ms"] if isinstance(v, dict) else v


def counter_bytes(r):
    return g(r, "results", "bytes", "counter", "resp_payload_bytes")


def best(names, runs, fn, higher):
    vals = [(fn(runs[n]), n) for n in names if fn(runs[n]) is not None]
    if not vals:
        return None, None
    return (max if higher else min)(vals)


# -- report ------------------------------------------------------------------------------------


def targets_table(ours, peers, runs, extra):
    """One row per target of the issue: goal, our figure, best peer, ratio, met."""
    r = runs[ours]
    x = extra.get(ours, {}).get("results", {})
    rows = []

    def ratio_row(label, fn, higher, goal, limit, nd=2):
        v = fn(r)
        b, who = best(peers, runs, fn, higher)
        if v is None or b is None:
            rows.append((label, goal, fmt(v), "—", "—", "not measured"))
            return
        ratio = v / b
        met = ratio >= limit if higher else ratio <= limit
        need = (
            (f"needs {limit / ratio:.2f}× more" if higher else f"needs {ratio / limit:.2f}× less")
            if not met
            else ""
        )
        rows.append(
            (
                label,
                goal,
                fmt(v, nd),
                f"{fmt(b, nd)} ({who})",
                f"{ratio:.2f}×",
                "**met**" if met else f"missed: {need}",
            )
        )

    def abs_row(label, goal, value, ok, how=""):
        if value is None:
            rows.append((label, goal, "—", "—", "—", "not measured"))
        else:
            rows.append((label, goal, value, "—", "—", "**met**" if ok else f"missed{how}"))

    ratio_row("counter round trip p50 (ms)", lat_p50, False, "≤ 0.8× best peer", 0.8)
    ratio_row("throughput, 50 clients (events/s)", throughput, True, "≥ 1.5× best peer", 1.5, 0)
    ratio_row(
        "server CPU per event (ms, throughput run)", cpu_event, False, "≤ 0.6× best peer", 0.6, 3
    )
    for rows_n in ("100", "1000"):
        b = g(x, "list1000", "by_rows", rows_n, "bytes", "resp_payload_bytes")
        abs_row(
            f"one-row change, {int(rows_n):,} rows: payload bytes",
            "≤ 200",
            fmt(b, 0),
            b is not None and b <= 200,
            f": {b / 200:.2f}× the goal" if b else "",
        )
    c = g(x, "list1000", "by_rows", "1000", "server_cpu_ms_per_update")
    abs_row(
        "one-row change, 1,000 rows: server CPU (ms)",
        "≤ 1 ms",
        fmt(c, 2),
        c is not None and c <= 1,
        f": {c:.1f}× the goal" if c else "",
    )
    kb = kb_nodeflate(r)
    kb10 = g(x, "memory10k", "nodeflate", "kb_per_conn")
    abs_row(
        "idle KB per connection, no compression (1,000 / 10,000 sockets)",
        "≤ 15 KB",
        f"{fmt(kb, 1)} / {fmt(kb10, 1)}",
        kb is not None and kb <= 15 and (kb10 is None or kb10 <= 15),
        f": {max(kb or 0, kb10 or 0) / 15:.2f}× the goal" if kb else "",
    )
    xs = [g(x, "memory_floor", f"nodeflate_{n}", "x_kb_per_page") for n in (1000, 10000)]
    abs_row(
        "idle KB per page above the floor (bare ASGI app), no compression (1,000 / 10,000)",
        "≤ 4 KB",
        " / ".join(fmt(v, 1) for v in xs) if any(v is not None for v in xs) else None,
        all(v is not None and v <= 4 for v in xs),
        f": {max(v or 0 for v in xs) / 4:.1f}× the goal" if any(xs) else "",
    )
    m10 = g(x, "memory10k", "nodeflate")
    if m10:
        held = m10["open_at_end"]
        abs_row(
            f"{m10['connections']:,} idle connections held by one process",
            "all open",
            f"{held:,} open, then one event answered",
            held == m10["connections"],
        )
    else:
        abs_row("10,000 idle connections held by one process", "all open", None, False)
    ratio_row(
        "fan-out to 1,000 pages: to last page p50 (ms)",
        lambda rr: fan(rr, 1000, "last_ms"),
        False,
        "≤ 0.33× best peer",
        0.33,
        1,
    )
    us = fan(r, 1000, "server_cpu_us_per_client")
    abs_row(
        "fan-out to 1,000 pages: server CPU per page (ms)",
        "≤ 0.2 ms",
        fmt(us / 1000, 3) if us else None,
        us is not None and us <= 200,
        f": {us / 200:.1f}× the goal" if us else "",
    )
    gz = g(x, "bundle", "gzip9_bytes")
    abs_row(
        "shipped JS, gzip -9 (KB)",
        "≤ 18 KB",
        fmt(gz / 1024, 1) if gz else None,
        gz is not None and gz <= 18 * 1024,
    )
    morph = g(x, "browser", "pages", "1000", "recv_to_layout_ms")
    abs_row(
        "Chromium: frame received → 1,000-row list morphed + laid out, p50 / p90 (ms; "
        "Chromium's own layout p90; pinned to one core p90)",
        "< 16 ms",
        f"{fmt(morph['p50_ms'], 1)} / {fmt(morph['p90_ms'], 1)} ({morph_context(x)})"
        if morph
        else None,
        morph is not None and morph["p90_ms"] < 16,
    )
    return rows


def issue21_table(ours, peers, runs, extra):
    """Issue 21's goals, one row each: goal, our figure, best peer, ratio, verdict."""
    r = runs[ours]
    x = extra.get(ours, {}).get("results", {})
    rows = []

    def ratio(label, v, fn, higher, goal, limit, nd=2):
        b, who = best(peers, runs, fn, higher)
        if v is None or b is None:
            rows.append((label, goal, fmt(v, nd), "—", "—", "not measured"))
            return
        q = v / b
        met = q >= limit if higher else q <= limit
        need = f"{limit / q:.2f}× more" if higher else f"{q / limit:.2f}× less"
        verdict = "**met**" if met else f"missed: needs {need}"
        rows.append((label, goal, fmt(v, nd), f"{fmt(b, nd)} ({who})", f"{q:.2f}×", verdict))

    def absolute(label, goal, shown, ok, missing="not measured"):
        if shown is None:
            rows.append((label, goal, "—", "—", "—", missing))
        else:
            rows.append((label, goal, shown, "—", "—", "**met**" if ok else "missed"))

    ratio("counter round trip p50 (ms)", lat_p50(r), lat_p50, False, "≤ 0.8×", 0.8)
    ratio("events/s, 50 clients", throughput(r), throughput, True, "≥ 1.5×", 1.5, 0)
    ratio("server CPU per event (ms)", cpu_event(r), cpu_event, False, "≤ 0.6×", 0.6, 3)
    floor = {"results": x["event_floor"]} if x.get("event_floor") else None
    if floor:
        # What the server costs before any library's work: the goals above against it.
        rows.append(
            (
                "the floor: a bare ASGI app answering the counter on the same server (round trip "
                "p50 ms / events/s / server CPU ms per event)",
                "context",
                f"{fmt(lat_p50(floor))} / {fmt(throughput(floor), 0)} / {fmt(cpu_event(floor), 3)}",
                "—",
                "—",
                "reported",
            )
        )

    def peer_fan(rr):
        return fan(rr, 1000, "last_ms")

    ratio(
        "fan-out, 1 save → last of 1,000 pages, shared view (ms)",
        peer_fan(r),
        peer_fan,
        False,
        "≤ 0.15×",
        0.15,
        1,
    )
    per_user = g(x, "fanout_per_user", "1000", "last_ms", "p50_ms")
    ratio("fan-out to 1,000 pages, per-user view (ms)", per_user, peer_fan, False, "≤ 0.5×", 0.5, 1)
    us = fan(r, 1000, "server_cpu_us_per_client")
    absolute(
        "fan-out server CPU per page, shared view, 1,000 pages (ms)",
        "≤ 0.05 ms",
        fmt(us / 1000, 3) if us is not None else None,
        us is not None and us <= 50,
    )
    ten = g(x, "under_load", "single_fanout")
    absolute(
        f"fan-out to {fmt(g(x, 'under_load', 'pages'))} pages on one process, last page p50 "
        "(ms; server CPU ms per page)",
        "< 1,000 ms",
        f"{fmt(ten['last_page']['p50_ms'], 0)} ({fmt(ten['server_cpu_ms_per_page'], 3)})"
        if ten
        else None,
        ten is not None
        and g(x, "under_load", "pages") >= 10000
        and ten["last_page"]["p50_ms"] < 1000,
    )
    msgs = layer_messages(g(x, "redis_fanout", "1000"))
    last2 = g(x, "redis_fanout", "1000", "last_ms", "p50_ms")
    absolute(
        "Redis messages per broadcast, two processes, 1,000 pages (to last page p50 ms)",
        "2",
        f"{fmt(msgs, 0)} ({fmt(last2, 1)})" if msgs is not None else None,
        msgs is not None and msgs <= 2,
    )
    # memory_floor: bench/extra.py phase of branch issue-21-mem (a bare ASGI app holding the
    # same sockets): results["memory_floor"]["nodeflate_<N>"] = {"floor": …, "ours": …,
    # "x_kb_per_page": X}; the largest N is shown.
    floors = {
        int(k.split("_")[1]): v
        for k, v in (g(x, "memory_floor") or {}).items()
        if k.startswith("nodeflate_")
    }
    if floors:
        n = max(floors)
        row = floors[n]
        deflate = g(x, "memory_floor", f"deflate_{n}", "x_kb_per_page")
        absolute(
            f"idle memory per page, {n:,} pages, no compression: floor + X (KB; with deflate X)",
            "X ≤ 4 KB",
            f"{fmt(row['floor']['kb_per_conn'], 1)} + {fmt(row['x_kb_per_page'], 1)}"
            f" ({fmt(deflate, 1)})",
            row["x_kb_per_page"] <= 4,
        )
    else:
        absolute(
            "idle memory per page: floor + X (KB)",
            "X ≤ 4 KB",
            None,
            False,
            "not measured (the memory_floor phase)",
        )
    morph = g(x, "browser", "pages", "1000", "recv_to_layout_ms")
    absolute(
        "1,000-row morph, received → laid out p90 (ms; Chromium's own layout of the change; "
        "the browser pinned to one core)",
        "< 16 ms",
        f"{fmt(morph['p90_ms'], 1)} ({morph_context(x)})" if morph else None,
        morph is not None and morph["p90_ms"] < 16,
    )
    sus = g(x, "under_load", "sustained")
    if sus:
        rows.append(
            (
                f"under load: {fmt(g(x, 'under_load', 'pages'))} pages, "
                f"{fmt(sus['saves_per_s'], 0)} saves/s: update to last page p50 / p99; "
                f"{sus['active_pages']} active pages' events p99 (ms)",
                "reported",
                f"{fmt(sus['update_to_last_page']['p50_ms'], 0)} / "
                f"{fmt(sus['update_to_last_page']['p99_ms'], 0)}; "
                f"{fmt(sus['event_round_trip']['p99_ms'], 1)}",
                "—",
                "—",
                "reported" if sus["all_pages_caught_up"] else "missed: pages fell behind",
            )
        )
    else:
        absolute("under load (10,000 pages, 100 saves/s)", "reported", None, False)
    return rows


def under_load_section(u):
    """The under_load phase (bench/under_load.py) as markdown lines."""
    s, one = u["sustained"], u["single_fanout"]
    lines = [
        f"## Under load: {u['pages']:,} pages on one process",
        "",
        f"bench/under_load.py: {u['pages']:,} pages of /shared/ (a `live_shared_render` view) "
        f"loaded over HTTP ({fmt(u['load_all_s'], 0)} s) and joined over lean sockets "
        f"({fmt(u['join_all_s'], 0)} s; negotiated: `{u['ws_extensions'] or 'none'}`). Then "
        f"{one['reps']} single saves, one at a time: the last page had each after "
        f"{fmt(one['last_page']['p50_ms'], 0)} ms p50 ({fmt(one['last_page']['max_ms'], 0)} "
        f"max), the server spent {fmt(one['server_cpu_ms_per_page'], 3)} ms of CPU per page. "
        f"Then {s['rate_per_s']} saves/s for {s['seconds']} s (after {s['warmup_s']} s of "
        f"warm-up) while {s['active_pages']} more pages on /counter/ sent one event each every "
        f"{s['event_every_s']} s. A page that is behind is sent one refresh with the newest "
        "data, not one per save: the time to the last page is until every page shows that "
        "save's value or a later one.",
        "",
        "| figure | p50 | p90 | p99 | max | n |",
        "|---|---|---|---|---|---|",
    ]
    for label, key in (
        ("save → last page shows it (ms)", "update_to_last_page"),
        (f"save → a page shows it, {s['sampled_pages']} sampled pages (ms)", "update_to_a_page"),
        ("save request round trip, from when it was due (ms)", "save_request"),
        ("active page's event round trip (ms)", "event_round_trip"),
    ):
        v = s[key]
        lines.append(
            f"| {label} | {fmt(v['p50_ms'], 1)} | {fmt(v['p90_ms'], 1)} | {fmt(v['p99_ms'], 1)} "
            f"| {fmt(v['max_ms'], 1)} | {fmt(v['n'])} |"
        )
    lines += [
        "",
        f"Saves answered in the window: {fmt(s['saves_per_s'], 1)}/s; events: "
        f"{fmt(s['events_per_s'], 1)}/s; frames per page per second: "
        f"{fmt(s['frames_per_page_per_s'], 2)}; server CPU {fmt(s['server_cpu_share'], 2)} of a "
        f"core, client {fmt(s['client_cpu_share'], 2)}; every page caught up at the end: "
        f"{'yes' if s['all_pages_caught_up'] else '**no**'}; pages lost: {u['lost_pages']}; "
        f"errors: {s['error_count']}. Load average (1/5/15 min) before "
        f"{'/'.join(fmt(v) for v in u['loadavg_before'])}, after "
        f"{'/'.join(fmt(v) for v in u['loadavg_after'])}.",
        "",
    ]
    return lines


def write_report(args, names, runs, extra, run_info, machine, shared_md):
    ours = [n for n in names if n in OURS]
    peers = [n for n in names if n not in OURS]
    L = []
    w = L.append
    first = runs[names[0]]["started_at"] if names else "?"
    w("# django-live-views beside its Django peers")
    w("")
    quick = " QUICK=1" if run_info.get("quick") else ""
    w(
        f"Generated by `bench/report.py` (`make bench{quick}`)"
        f" from one run: first target started {first} UTC, wall time {run_info['runtime']}. "
        f"Machine: {machine.get('cpus')} vCPU ({machine.get('cpu_model')}), "
        f"{machine.get('mem_gb')} GiB, Linux {machine.get('kernel')}; pinning: "
        f"{machine.get('pinning')}. Load average (1/5/15 min) before the run "
        f"{'/'.join(f'{x:.2f}' for x in run_info['loadavg_before'])}, after "
        f"{'/'.join(f'{x:.2f}' for x in run_info['loadavg_after'])}. Peers: "
        f"{', '.join(peers) or 'none'}"
        + (
            " (each peer's fastest server; `make bench PEERS=all` runs all eight)"
            if run_info.get("peers") == "best"
            else ""
        )
        + "."
    )
    w("")
    w(
        "Method, caveats and the discussion of every figure: [docs/benchmarks.md]"
        "(../docs/benchmarks.md). The shared harness's own report of this run (every peer table, "
        "versions, commands, load on the machine) is appended below."
    )
    w("")
    w(f"![benchmark chart]({os.path.relpath(args.chart, args.out.parent)})")
    w("")
    for o in ours:
        w(f"## Goals of issue 21: {o}")
        w("")
        w(
            "Ratios to the best peer of this run; the fan-out peers are measured with the shared "
            "harness's /shared/ page (our /shared/ view declares `live_shared_render`, "
            "/shared-per-user/ is the same view without it)."
        )
        w("")
        w("| what | goal | ours | best peer (target) | ratio | verdict |")
        w("|---|---|---|---|---|---|")
        for row in issue21_table(o, peers, runs, extra):
            w("| " + " | ".join(row) + " |")
        w("")
    for o in ours:
        w(f"## Targets of issue 7: {o}")
        w("")
        w("| what | goal | ours | best peer (target) | ratio | |")
        w("|---|---|---|---|---|---|")
        for row in targets_table(o, peers, runs, extra):
            w("| " + " | ".join(row) + " |")
        w("")
    w("## Side by side")
    w("")
    w(
        "Round trip: one page, 2,000 sequential increments. Events/s and server CPU: 50 pages "
        "sending increments for 10 s. Bytes: payload of the response to one event (wire bytes, "
        "permessage-deflate as negotiated, in brackets). KB / idle page: server RSS growth per "
        "joined page over 1,000 pages (client offering deflate / offering none). Fan-out: one "
        "trigger, time until the last of N pages has the new value (p50 of 20), and server CPU "
        "per page."
    )
    w("")
    w(
        "| target | round trip p50 / p90 / p99 ms | events/s | server CPU ms / event "
        "| counter bytes | 1-row of 100 bytes | 1-row of 1,000 bytes | KB / idle page "
        "| fan-out N=100: last ms, CPU µs/page | N=1,000: last ms, CPU µs/page |"
    )
    w("|---|---|---|---|---|---|---|---|---|---|")
    for n in names:
        r = runs[n]
        res = r["results"]
        lat = res.get("latency")
        bc, bl = g(res, "bytes", "counter"), g(res, "bytes", "list")
        b1000 = g(extra, n, "results", "list1000", "by_rows", "1000", "bytes")
        mem, memn = res.get("memory"), res.get("memory_nodeflate")
        if mem and mem.get("applicable"):
            kb = fmt(mem["kb_per_conn"], 1) + " / " + (fmt(memn["kb_per_conn"], 1) if memn else "—")
        else:
            kb = "N/A"

        def fan_cell(nn, r=r):
            last = fan(r, nn, "last_ms")
            if last is None:
                return "N/A" if g(r, "results", f"fanout_{nn}") else "—"
            return f"{fmt(last, 1)}, {fmt(fan(r, nn, 'server_cpu_us_per_client'), 0)}"

        name = f"**{n}**" if n in OURS else n
        w(
            "| "
            + " | ".join(
                [
                    name,
                    f"{fmt(lat['p50_ms'])} / {fmt(lat['p90_ms'])} / {fmt(lat['p99_ms'])}"
                    if lat
                    else "—",
                    fmt(throughput(r), 0),
                    fmt(cpu_event(r), 3),
                    f"{fmt(bc['resp_payload_bytes'], 0)} ({fmt(bc['resp_wire_bytes'], 0)})"
                    if bc
                    else "—",
                    f"{fmt(bl['resp_payload_bytes'], 0)} ({fmt(bl['resp_wire_bytes'], 0)})"
                    if bl
                    else "—",
                    f"{fmt(b1000['resp_payload_bytes'], 0)} ({fmt(b1000['resp_wire_bytes'], 0)})"
                    if b1000
                    else "not measured",
                    kb,
                    fan_cell(100),
                    fan_cell(1000),
                ]
            )
            + " |"
        )
    w("")
    w(
        "The 1,000-row list and the phases below are run for our library only (bench/extra.py): "
        "the peers' apps, in the shared harness, serve the 100-row list only."
    )
    w("")
    for o in ours:
        x = g(extra, o, "results") or {}
        errs = g(extra, o, "errors") or {}
        lst = g(x, "list1000", "by_rows")
        if lst:
            w(f"## One-row update against list size ({o})")
            w("")
            w(
                "One fresh server, the 100-row page, the 1,000-row page, then the 1,000-row page "
                "whose handler does not call `live_target` (every row is rendered, the changed "
                "one is sent): sequential one-row updates (rows spread over the list), then "
                "payload and TCP bytes of 50 more."
            )
            w("")
            w(
                "| rows | round trip p50 / p99 ms | server CPU ms / update | page HTML bytes "
                "| join frame bytes | response payload (wire) | request payload (wire) |"
            )
            w("|---|---|---|---|---|---|---|")
            for k, v in lst.items():
                b = v["bytes"]
                w(
                    f"| {v['rows']:,}{' (handler without `live_target`)' if '-' in k else ''} "
                    f"| {fmt(v['latency']['p50_ms'])} / {fmt(v['latency']['p99_ms'])} "
                    f"| {fmt(v['server_cpu_ms_per_update'], 3)} | {fmt(v['page_html_bytes'])} "
                    f"| {fmt(v['join_request_bytes'])} | {fmt(b['resp_payload_bytes'], 0)} "
                    f"({fmt(b['resp_wire_bytes'], 0)}) | {fmt(b['req_payload_bytes'], 0)} "
                    f"({fmt(b['req_wire_bytes'], 0)}) |"
                )
            w("")
        m10 = x.get("memory10k")
        if m10:
            w(f"## Idle memory at {m10['nodeflate']['connections']:,} pages ({o})")
            w("")
            w(
                "`client.measure_memory` of the shared harness, unchanged, with N = "
                f"{m10['nodeflate']['connections']:,} on a fresh server each."
            )
            w("")
            w(
                "| client offers deflate | negotiated | open at end | RSS before → after MB "
                "| KB / page | 1st half / 2nd half | connect + join all (s) |"
            )
            w("|---|---|---|---|---|---|---|")
            for label in ("deflate", "nodeflate"):
                m = m10.get(label)
                if not m:
                    continue
                w(
                    f"| {'yes' if m['client_offers_deflate'] else 'no'} | {deflate_of(m)} "
                    f"| {fmt(m['open_at_end'])} | {fmt(m['rss_before_mb'], 1)} → "
                    f"{fmt(m['rss_after_mb'], 1)} | {fmt(m['kb_per_conn'], 1)} "
                    f"| {fmt(m['kb_per_conn_first_half'], 1)} / "
                    f"{fmt(m['kb_per_conn_second_half'], 1)} | {fmt(m['connect_all_s'], 1)} |"
                )
            w("")
        for line in memory_floor_lines(x.get("memory_floor"), o):
            w(line)
        ul = x.get("under_load")
        if ul:
            L.extend(under_load_section(ul))
        fpu = g(x, "fanout_per_user")
        if fpu:
            w(f"## Fan-out of a per-user view ({o})")
            w("")
            w(
                "`client.measure_fanout` of the shared harness on /shared-per-user/: the /shared/ "
                "view without `live_shared_render`, so each page re-runs its view and renders "
                "for its own user."
            )
            w("")
            w("| N | to last p50 / p90 ms | to first p50 ms | server CPU µs / page |")
            w("|---|---|---|---|")
            for nn, f in fpu.items():
                w(
                    f"| {int(nn):,} | {fmt(f['last_ms']['p50_ms'], 1)} / "
                    f"{fmt(f['last_ms']['p90_ms'], 1)} | {fmt(f['first_ms']['p50_ms'], 1)} "
                    f"| {fmt(f['server_cpu_us_per_client'], 0)} |"
                )
            w("")
        rf = x.get("redis_fanout")
        if rf:
            w(f"## Fan-out on two processes through Redis ({o})")
            w("")
            w(
                f"Two uvicorn processes of the same app ({rf.get('layer')}), both pinned to CPU 0 "
                "with the redis-server, the client on CPU 1: the machine has two cores, so this "
                "measures what the path through Redis costs, not what a second core would gain. "
                "Half the pages on each process; the trigger goes to the first. Server CPU is "
                "both processes together (each in brackets); Redis's own CPU is separate."
            )
            w("")
            w(
                "| N | to last p50 (min–max) ms | to first p50 ms | to median p50 ms "
                "| server CPU ms / fan-out (each) | server CPU µs / page | redis CPU ms / fan-out "
                "| layer messages / fan-out (Redis ZADDs) | 1 process: to last p50 ms, µs / page |"
            )
            w("|---|---|---|---|---|---|---|---|---|")
            for nn, f in rf.items():
                if not isinstance(f, dict):
                    continue
                one = (
                    f"{fmt(fan(runs[o], nn, 'last_ms'), 1)}, "
                    f"{fmt(fan(runs[o], nn, 'server_cpu_us_per_client'), 0)}"
                )
                w(
                    f"| {int(nn):,} | {fmt(f['last_ms']['p50_ms'], 1)} "
                    f"({fmt(f['last_ms']['min_ms'], 1)}–{fmt(f['last_ms']['max_ms'], 1)}) "
                    f"| {fmt(f['first_ms']['p50_ms'], 1)} "
                    f"| {fmt(f['median_client_ms']['p50_ms'], 1)} "
                    f"| {fmt(f['server_cpu_ms_per_fanout'], 1)} "
                    f"({' + '.join(fmt(v, 1) for v in f['server_cpu_ms_per_fanout_each'])}) "
                    f"| {fmt(f['server_cpu_us_per_client'], 0)} "
                    f"| {fmt(f['redis_cpu_ms_per_fanout'], 1)} "
                    f"| {fmt(layer_messages(f), 0)} ({fmt(zadds(f), 0)}) "
                    f"| {one} |"
                )
            w("")
        br = x.get("browser")
        if br:
            w(f"## Browser cost of an update ({o})")
            w("")
            w(
                f"{br['browser']} via Playwright, on this machine, one tab. A click on a row's "
                "button; times from `performance.now()` in the page (Chromium rounds it to 0.1 "
                "ms): *recv* = the socket's message event, *swap* = our `live:update` event (hx-ws "
                "parsed the frame, htmx morphed the block), *layout* = after forcing style and "
                "layout in "
                "that handler, *next frame* = the next `requestAnimationFrame` (waits for the "
                "display's frame clock, so it is bounded by 16.7 ms, not a cost). *Chromium "
                "alone* = on the same page, the same cell's text set by hand and layout forced: "
                "no socket, no library, the table's own layout cost, the floor under *recv → "
                "swap + layout*. The browser runs on all the machine's cores, as a browser does "
                "(the server is idle meanwhile: its reply is sent); the rows marked *1 core* "
                "pin it to the client's core like the other clients here, as runs before "
                "2026-12-02 evening did."
            )
            w("")
            w(
                "| rows | cores | recv → swap p50 / p90 ms | recv → swap + layout p50 / p90 ms "
                "| Chromium alone: change → layout p50 / p90 ms "
                "| recv → next frame p50 ms | click → swap (round trip) p50 ms |"
            )
            w("|---|---|---|---|---|---|---|")

            def pair(v, key):
                if key not in v:
                    return "not measured"
                return f"{fmt(v[key]['p50_ms'], 1)} / {fmt(v[key]['p90_ms'], 1)}"

            runs = [(f"{br['cores']} (all)" if "cores" in br else "all", br["pages"])]
            if br.get("pinned_pages"):
                runs.append(("1 core", br["pinned_pages"]))
            for cores, pages in runs:
                for k, v in pages.items():
                    w(
                        f"| {int(k):,} | {cores} | {pair(v, 'recv_to_swap_ms')} | "
                        f"{pair(v, 'recv_to_layout_ms')} | {pair(v, 'floor_layout_ms')} | "
                        f"{fmt(v['recv_to_next_frame_ms']['p50_ms'], 1)} | "
                        f"{fmt(v['click_to_swap_ms']['p50_ms'], 1)} |"
                    )
            w("")
            w(
                f"Frames the bundled JS sent match the adapter's: "
                f"{'yes' if br['adapter_frames_match'] else '**no**'} (e.g. "
                f"`{json.dumps(br['sent_event_example'], separators=(',', ':'))}`). "
                f"Page errors: {len(br['page_errors'])}."
            )
            w("")
        bu = x.get("bundle")
        if bu:
            w(
                f"Shipped JS (`{bu['file']}`: htmx + hx-ws + glue, the one script "
                f"`{{% live_scripts %}}` loads): {fmt(bu['bytes'])} bytes, "
                f"{fmt(bu['gzip9_bytes'])} bytes gzip -9 ({bu['gzip9_bytes'] / 1024:.1f} KB)."
            )
            w("")
        oc = {k: v for k, v in (g(extra, o, "other_cpu") or {}).items() if v["wall_s"] >= 1}
        if oc:
            w(
                "Other load on the machine during these phases (cores, as in the shared table): "
                + "; ".join(f"{k} {fmt(v['other_cpu_cores'], 2)}" for k, v in oc.items())
                + "."
            )
            w("")
        if errs:
            w("Errors in these phases:")
            w("")
            for k, v in errs.items():
                w(f"- {k}: `{v}`")
            w("")
    # Figures of the small in-process benches (bench/streams.py, …), run by hand and kept in
    # results/extra-*.md: shown here so one file has every figure.
    for extra_md in sorted((BENCH / "results").glob("extra-*.md")):
        w(extra_md.read_text().rstrip())
        w("")
    w("---")
    w("")
    w("# Appendix: the shared harness's report of this run")
    w("")
    # Demote the shared report's headings one level, under the appendix.
    w(re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", shared_md, flags=re.M))
    args.out.write_text("\n".join(L) + "\n")


def zadds(f):
    """Redis ZADDs per fan-out. Runs before 2026-12-02 16:00 UTC recorded them under
    ``layer_messages_per_fanout`` alone."""
    if not f:
        return None
    if "redis_zadds_per_fanout" in f:
        return f["redis_zadds_per_fanout"]
    return f.get("layer_messages_per_fanout")


def layer_messages(f):
    """Channel-layer messages per fan-out: channels-redis makes two ZADDs per message (queued
    by group_send, then moved to the receiver's in-flight backup); see extra.py."""
    z = zadds(f)
    return None if z is None else z / 2


def memory_floor_lines(mf, o):
    """extra.py's memory_floor: ours as the floor (a bare ASGI app) plus X per page."""
    if not mf:
        return []
    lines = [
        f"## Idle memory against its floor ({o})",
        "",
        "The floor: `apps/floor/`, a bare ASGI app (no Django, no channels) that accepts and "
        "holds websockets, on the same uvicorn with the same options and venv as ours, measured "
        "by the same `client.measure_memory` (page load, socket, join) on a fresh server each, "
        "back to back with ours. X = ours − floor: what Django, channels and live_views add to "
        "an idle joined page.",
        "",
        "| pages | permessage-deflate | floor KB / page | ours KB / page | X KB / page "
        "| RSS before, floor / ours MB |",
        "|---|---|---|---|---|---|",
    ]
    for key, row in mf.items():
        n = key.rsplit("_", 1)[1]
        floor, ours = row["floor"], row["ours"]
        lines.append(
            f"| {int(n):,} | {deflate_of(ours)} | {fmt(floor['kb_per_conn'], 1)} "
            f"| {fmt(ours['kb_per_conn'], 1)} | **{fmt(row['x_kb_per_page'], 1)}** "
            f"| {fmt(floor['rss_before_mb'], 1)} / {fmt(ours['rss_before_mb'], 1)} |"
        )
    lines.append("")
    return lines


def short(v):
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if v >= 1 else f"{v:.3f}"


def chart(path: Path, names, runs, extra):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = {
        int(k.split("_")[1]) for n in names for k in runs[n]["results"] if k.startswith("fanout_")
    }
    fan_n = max(sizes, default=1000)
    panels = [
        # goal: ("ratio", r) = r times the best peer; ("abs", v) = the value v itself
        ("Round trip p50, counter (ms)", lat_p50, False, ("ratio", 0.8)),
        ("Events/s, 50 clients", throughput, True, ("ratio", 1.5)),
        ("Server CPU per event (ms)", cpu_event, False, ("ratio", 0.6)),
        ("Server CPU per 1-row update, 100 rows (ms)", list_cpu, False, None),
        ("Counter response payload (bytes)", counter_bytes, False, None),
        ("Idle memory per page, no deflate (KB)", kb_nodeflate, False, ("abs", 15)),
        (
            f"Fan-out to {fan_n:,} pages: last page (ms)",
            lambda r: fan(r, fan_n, "last_ms"),
            False,
            ("ratio", 0.33) if fan_n == 1000 else None,
        ),
        (
            f"Fan-out to {fan_n:,} pages: CPU per page (µs)",
            lambda r: fan(r, fan_n, "server_cpu_us_per_client"),
            False,
            ("abs", 200),
        ),
    ]
    fig, axes = plt.subplots(2, 4, figsize=(17, 7.8))
    peers = [n for n in names if n not in OURS]
    for ax, (title, fn, higher, goal) in zip(axes.flat, panels, strict=True):
        shown = [(n, fn(runs[n])) for n in names if fn(runs[n]) is not None]
        labels = [n.replace("-", "\n", 1) for n, _ in shown]
        vals = [v for _, v in shown]
        colors = ["#d62728" if n in OURS else "#8c9bab" for n, _ in shown]
        bars = ax.bar(range(len(vals)), vals, color=colors)
        ax.set_xticks(range(len(vals)), labels, fontsize=8)
        ax.set_title(title + ("  ↑ better" if higher else "  ↓ better"), fontsize=10)
        for b, v in zip(bars, vals, strict=True):
            ax.annotate(
                short(v),
                (b.get_x() + b.get_width() / 2, b.get_height()),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        if goal is not None:
            kind, amount = goal
            if kind == "ratio":
                b, _ = best(peers, runs, fn, higher)
                line, text = (b * amount if b else None), f"goal: {amount}× best peer"
            else:
                line, text = amount, f"goal: {amount:g}"
            if line is not None:
                ax.axhline(line, color="#d62728", linestyle="--", linewidth=1)
                ax.annotate(text, (-0.4, line), ha="left", va="bottom", fontsize=7, color="#d62728")
        ax.margins(y=0.18)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        "django-live-views (red) beside its Django peers: one run, same machine, "
        "server on one pinned core",
        fontsize=12,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--raw", default="raw")
    ap.add_argument("--extras", default="extras")
    ap.add_argument("--shared-report", default="RESULTS.md")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--chart", type=Path, required=True)
    args = ap.parse_args()
    names, runs, extra, run_info, machine = load(args.work, args.raw, args.extras)
    shared_md = (args.work / args.shared_report).read_text()
    chart(args.chart, names, runs, extra)
    write_report(args, names, runs, extra, run_info, machine, shared_md)
    print(f"wrote {args.out} and {args.chart}")


if __name__ == "__main__":
    main()
