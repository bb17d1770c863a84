#!/usr/bin/env python3
# Paired comparison of one setting's two values over a NabFast grid: for every pair of grid lines that
# differ only in KEY (A -> B), how often B scores better or worse, and by how much on average, on all
# dev files, on each category and on each realKnownCause file (raw NAB terms). A change worth shipping
# wins on every category across most of the grid, not at one point of it.
#   python3 bench/nab_paired.py scores.jsonl KEY A B        e.g.  ... history 2d 7d
import sys, json, collections
PROFILES = {"standard": (1.0, 0.11)}
path, key, a, b = sys.argv[1:5]
rows = [json.loads(l) for l in open(path) if l.startswith("{")]
names = sorted(rows[0]["files"])
CATS = {}
for n in names:
    CATS.setdefault(n.split("/")[0], []).append(n)


def raw(r, n):
    fp, tp, caught, w, _ = r["files"][n]
    return fp * 0.11 + tp - (w - caught)


def score(r, subset):
    nw = sum(r["files"][n][3] for n in subset)
    x = sum(raw(r, n) for n in subset)
    return x if nw == 0 else max(0.0, 100.0 * (x + nw) / (2 * nw))


def settings(cfg):
    return dict(kv.split("=", 1) for kv in cfg.split())


by = {tuple(sorted(settings(r["cfg"]).items())): r for r in rows}
units = ["ALL"] + list(CATS) + CATS.get("realKnownCause", [])
better, worse, diff, n = collections.Counter(), collections.Counter(), collections.defaultdict(float), 0
for r in rows:
    s = settings(r["cfg"])
    if s.get(key) != a:
        continue
    s[key] = b
    o = by.get(tuple(sorted(s.items())))
    if o is None:
        continue
    n += 1
    for u in units:
        subset = names if u == "ALL" else CATS.get(u, [u])
        x, y = (score(r, subset), score(o, subset)) if u == "ALL" or u in CATS else (raw(r, u), raw(o, u))
        diff[u] += y - x
        better[u] += y > x + 1e-9
        worse[u] += y < x - 1e-9
print("%s %s -> %s over %d pairs" % (key, a, b, n))
for u in units:
    print("  %-55s better %4d worse %4d mean change %+.3f" % (u, better[u], worse[u], diff[u] / max(n, 1)))
