#!/usr/bin/env python3
"""Joins the three layers' verdicts on the determinism corpus and prints the catch rates.

Usage: aggregate.py REPORT_DIR CORPUS_DIR WRITE(0|1). Reads REPORT_DIR/macro.tsv (the lint),
REPORT_DIR/clippy.json (cargo's JSON messages) and REPORT_DIR/replay.tsv (replay_report),
and the `//!` headers of the snippets; writes CORPUS_DIR/expected.tsv when WRITE is 1.
"""
import collections
import json
import os
import sys

CLIPPY_LINTS = {"clippy::disallowed_methods", "clippy::disallowed_types", "clippy::iter_over_hash_type"}


def headers(path):
    meta = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("//!"):
                break
            body = line[3:].strip()
            if ":" in body:
                key, value = body.split(":", 1)
                meta[key.strip()] = value.strip()
    return meta


def main():
    report, corpus, write = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    snippets = {}
    for kind in ("nondeterministic", "legitimate"):
        d = os.path.join(corpus, kind)
        for name in sorted(os.listdir(d)):
            if name.endswith(".rs"):
                meta = headers(os.path.join(d, name))
                snippets[name[:-3]] = {
                    "kind": kind,
                    "category": meta.get("category", "?"),
                    "replay": meta.get("replay", "-") if kind == "nondeterministic" else "-",
                    "macro": "no",
                    "clippy": "no",
                    "replay_check": "no",
                    "clippy_first": "",
                    "macro_first": "",
                    "replay_first": "",
                }

    with open(os.path.join(report, "macro.tsv")) as f:
        next(f)
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if cells[0] in snippets:
                snippets[cells[0]]["macro"] = cells[2]
                snippets[cells[0]]["macro_first"] = cells[3] if len(cells) > 3 else ""

    with open(os.path.join(report, "clippy.json")) as f:
        for line in f:
            try:
                msg = json.loads(line)
            except json.JSONDecodeError:
                continue
            if msg.get("reason") != "compiler-message":
                continue
            m = msg["message"]
            code = (m.get("code") or {}).get("code")
            if code not in CLIPPY_LINTS:
                continue
            for span in m.get("spans", []):
                stem = os.path.splitext(os.path.basename(span["file_name"]))[0]
                if stem in snippets:
                    snippets[stem]["clippy"] = "yes"
                    snippets[stem]["clippy_first"] = snippets[stem]["clippy_first"] or m["message"]

    with open(os.path.join(report, "replay.tsv")) as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) >= 5 and cells[0] in snippets and cells[4] in ("caught", "missed"):
                snippets[cells[0]]["replay_check"] = "yes" if cells[4] == "caught" else "no"
                snippets[cells[0]]["replay_first"] = cells[5] if len(cells) > 5 else ""

    if write:
        with open(os.path.join(corpus, "expected.tsv"), "w") as f:
            f.write("snippet\tkind\tcategory\treplay\tmacro\tclippy\treplay_check\n")
            for sid, s in snippets.items():
                f.write("\t".join([sid, s["kind"], s["category"], s["replay"], s["macro"], s["clippy"], s["replay_check"]]) + "\n")

    nd = {k: v for k, v in snippets.items() if v["kind"] == "nondeterministic"}
    legit = {k: v for k, v in snippets.items() if v["kind"] == "legitimate"}
    relevant = {k: v for k, v in nd.items() if v["replay"] == "diverges"}

    def rate(group, pred):
        n = sum(1 for s in group.values() if pred(s))
        return f"{n:>4}/{len(group):<4} {100.0 * n / max(len(group), 1):6.1f}%"

    m = lambda s: s["macro"] == "yes"
    c = lambda s: s["clippy"] == "yes"
    r = lambda s: s["replay_check"] == "yes"
    print(f"Determinism corpus: {len(nd)} nondeterministic snippets ({len(relevant)} change what the workflow does on replay), {len(legit)} legitimate")
    print()
    print("| layer | nondeterministic caught | of those that change the replay |")
    print("|---|---|---|")
    rows = [
        ("macro lint alone", m),
        ("clippy layer alone", c),
        ("replay check alone", r),
        ("macro + clippy", lambda s: m(s) or c(s)),
        ("all three layers", lambda s: m(s) or c(s) or r(s)),
    ]
    for label, pred in rows:
        print(f"| {label} | {rate(nd, pred).strip()} | {rate(relevant, pred).strip()} |")
    print()
    print("| legitimate snippets | flagged |")
    print("|---|---|")
    print(f"| rejected by the macro | {sum(1 for s in legit.values() if m(s))}/{len(legit)} |")
    print(f"| flagged by the clippy layer | {sum(1 for s in legit.values() if c(s))}/{len(legit)} |")
    print(f"| replay check false alarms | {sum(1 for s in legit.values() if r(s))}/{len(legit)} |")
    print()
    print("| category | snippets | macro | macro + clippy | all three |")
    print("|---|---|---|---|---|")
    cats = collections.defaultdict(list)
    for s in nd.values():
        cats[s["category"]].append(s)
    for cat in sorted(cats):
        group = cats[cat]
        n = len(group)
        mm = sum(1 for s in group if m(s))
        mc = sum(1 for s in group if m(s) or c(s))
        al = sum(1 for s in group if m(s) or c(s) or r(s))
        print(f"| {cat} | {n} | {mm} | {mc} | {al} |")
    missed = [k for k, s in nd.items() if not (m(s) or c(s) or r(s))]
    flagged = [k for k, s in legit.items() if m(s) or c(s) or r(s)]
    if missed:
        print("\nnondeterministic snippets no layer catches: " + ", ".join(missed))
    if flagged:
        print("legitimate snippets flagged: " + ", ".join(
            f"{k} ({'macro' if m(legit[k]) else ''}{' clippy' if c(legit[k]) else ''}{' replay' if r(legit[k]) else ''})" for k in flagged))


if __name__ == "__main__":
    main()
