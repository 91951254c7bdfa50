#!/usr/bin/env python3
"""Writes an edit of a territory map as GeoJSON: one vertex of a border two territories share moves a little,
in both of them, so the map stays a clean coverage. Reads the GeoJSON as text (the generated map is one line of
about 200 MB), so it needs no GeoJSON library.

    python3 edit-border.py MAP.geojson EDIT.geojson
"""
import re
import sys

source, target = sys.argv[1], sys.argv[2]
text = open(source, encoding="utf-8").read()
marker = '{"type":"Feature",'
features = [marker + part for part in text.split(marker)[1:]]
features[-1] = features[-1].rstrip()[:-2]  # the collection's closing "]}"
features = [f.rstrip().rstrip(",") for f in features]
point = re.compile(r"\[(-?[0-9.eE+-]+),(-?[0-9.eE+-]+)\]")
middle = len(features) // 2
for index in range(middle, len(features)):
    first = features[index]
    for match in list(point.finditer(first))[5:200]:
        vertex = match.group(0)
        owners = [k for k, f in enumerate(features) if vertex in f]
        if len(owners) == 2 and first.count(vertex) == 1 and features[owners[1 - owners.index(index)]].count(vertex) == 1:
            moved = "[%r,%r]" % (float(match.group(1)) + 1e-5, float(match.group(2)) + 1e-5)
            edited = [features[k].replace(vertex, moved) for k in owners]
            with open(target, "w", encoding="utf-8") as out:
                out.write('{"type":"FeatureCollection","features":[' + ",".join(edited) + "]}")
            ids = [re.search(r'"id":"([^"]+)"', f).group(1) for f in edited]
            print("moved %s to %s in %s" % (vertex, moved, " and ".join(ids)))
            sys.exit(0)
sys.exit("no border vertex shared by exactly two territories found")
