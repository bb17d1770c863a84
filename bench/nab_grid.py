#!/usr/bin/env python3
# Writes the grid of detector settings that bench/NabFast.java scores and bench/nab_select.py chooses from:
# every combination of the values below (the shipped defaults are one line of it).
#   python3 bench/nab_grid.py > bench/nab-grid.txt
import itertools
for method in ["likelihood", "zscore"]:
    for record, lag, threshold, cooldown, season in itertools.product(
            ["0", "1d", "3d", "7d"], ["6h", "12h", "1d"], ["3.5", "4", "4.5", "5"], ["6h", "12h", "1d"],
            ["auto", "none"]):
        base = f"method={method} lag={lag} threshold={threshold} cooldown={cooldown} season={season} record={record}"
        if method == "zscore":
            print(base)
            continue
        for history, tail in itertools.product(["2d", "7d"], ["1e-6", "1e-7"]):
            print(f"{base} history={history} likelihood_tail={tail}")
