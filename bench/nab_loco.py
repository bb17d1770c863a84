#!/usr/bin/env python3
# Scores the NabTune output of each grid line with NAB rules (../shared/tools/nab_score.py).
#   python3 bench/nab_loco.py RESULTS_DIR GRID_FILE [ONLY_LINES_WITH]
import sys, json, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'tools'))
sys.path.insert(0, '/work/shared/tools')
import nab_score as ns
ROOT='/work/shared/data/nab-dev'
LABELS=json.load(open(ROOT+'/labels.json'))
def load(d):
    return {n: ns.read_scores(os.path.join(d,n), None) for n in LABELS}
def score(data, names, profile):
    tp_w, fn_w, fp_w = ns.PROFILES[profile]
    nw=sum(len(LABELS[n]) for n in names)
    pts=[]
    for n in names:
        t,s=data[n]; pts+=ns.points(n,t,s,LABELS[n],tp_w,fp_w)
    if nw==0: return sum(sw for s,sw,w in pts if s>=0.5)
    return ns.best(pts,nw,tp_w,fn_w)[0]
cfgs=open(sys.argv[2]).read().splitlines()
CATS={}
for n in LABELS: CATS.setdefault(n.split('/')[0],[]).append(n)
rows=[]
for i,c in enumerate(cfgs):
    data=load(os.path.join(sys.argv[1],str(i)))
    row={'cfg':c}
    for p in ns.PROFILES: row[p]=round(score(data,sorted(LABELS),p),2)
    for cat,names in CATS.items(): row[cat]=round(score(data,names,'standard'),2)
    # LOCO training scores: all but one category
    for cat in CATS:
        names=[n for n in LABELS if not n.startswith(cat)]
        row['train_wo_'+cat]=round(score(data,names,'standard'),2)
    rows.append(row); print(json.dumps(row)); sys.stdout.flush()
# An optional third argument keeps only the grid lines that contain it (e.g. method=zscore), so the
# folds of one method can be read from a run over the whole grid.
if len(sys.argv) > 3:
    rows=[r for r in rows if sys.argv[3] in r['cfg']]
    print('only the %d settings with "%s"' % (len(rows), sys.argv[3]))
# Leave-one-category-out: for each category, the setting best on the other two and its score on it
# (artificialNoAnomaly has no windows, so its "score" is the raw false-positive cost), then the
# setting with the best mean rank over the three training sets: the shipped defaults.
for cat in CATS:
    best=max(rows,key=lambda r:r['train_wo_'+cat])
    print('fold %s: chosen "%s" (train %.1f) -> held-out %.2f' % (cat, best['cfg'], best['train_wo_'+cat], best[cat]))
def rank(r):
    return sum(sorted(rows,key=lambda x:-x['train_wo_'+c]).index(r) for c in CATS)/len(CATS)
best=min(rows,key=rank)
print('defaults (best mean rank %.2f): %s  standard=%s low_FP=%s low_FN=%s' % (rank(best), best['cfg'],
      best['standard'], best['reward_low_FP_rate'], best['reward_low_FN_rate']))
