"""The demo geography of Villa El Salvador: sectors, grupos, their made-up polygons, and points inside them.

The codes follow the round's form (S01..S10; S01-G01..); the names evoke the district's real sectors but the
polygons are an illustrative deformed grid around VES's real location (about -12.21, -76.94), not INEI's or
the municipality's boundaries. Every GeoJSON feature says so in its `note` property.

The second round (2027) has one sector more: Sexto Sector (S05) was split, its southern band of grupos becoming
S11 with its grupos renumbered (S05-G04 -> S11-G01, ...); every other sector, grupo and polygon is the first round's.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cbms.project import SHIPPED

DATA_DIR = SHIPPED.data / "demo"
TABLE = DATA_DIR / "geography.csv"
SECTOR_BOUNDARIES = DATA_DIR / "sectors.geojson"
GRUPO_BOUNDARIES = DATA_DIR / "grupos.geojson"
ROUNDS = (1, 2)
SUFFIX = {1: "", 2: "_2027"}  # the shipped files of each round: geography.csv, geography_2027.csv, ...

UBIGEO = "150142"
DISTRICT_NAME = "Villa El Salvador"
NOTE = (
    "Límites ilustrativos, inventados para la demostración; no son límites oficiales. / "
    "Illustrative boundaries made up for the demo; not official boundaries."
)

# code, name, number of grupos, consolidation (1 = old, fully serviced; 0 = newest hillside settlement)
SECTORS: tuple[tuple[str, str, int, float], ...] = (
    ("S01", "Primer Sector", 6, 0.92),
    ("S02", "Segundo Sector", 5, 0.90),
    ("S03", "Tercer Sector", 7, 0.86),
    ("S04", "Cuarto Sector", 4, 0.78),
    ("S05", "Sexto Sector", 6, 0.72),
    ("S06", "Séptimo Sector", 5, 0.64),
    ("S07", "Parque Industrial", 8, 0.80),
    ("S08", "Pachacámac", 4, 0.52),
    ("S09", "Lomo de Corvina", 5, 0.30),
    ("S10", "Lomas de Villa", 6, 0.22),
)

# the second round's split: the old sector, the new one, its name; the new sector takes the old one's southern band
SPLIT = ("S05", "S11", "Sexto Sector Sur")

# the coarse grid the sectors sit on: 5 columns x 2 rows, west to east, north to south
_WEST, _EAST, _NORTH, _SOUTH = -76.985, -76.895, -12.180, -12.245
_COLS, _ROWS = 5, 2
# sector position (column, row) on that grid: hillside sectors at the east and west edges
_CELL = {"S01": (1, 0), "S02": (2, 0), "S03": (3, 0), "S04": (1, 1), "S05": (2, 1),
         "S06": (3, 1), "S07": (4, 0), "S08": (4, 1), "S09": (0, 1), "S10": (0, 0)}


@dataclass(frozen=True, slots=True)
class Geography:
    """Sectors and grupos of the demo district, with a quadrilateral for each grupo (lon/lat corners)."""

    sector_codes: tuple[str, ...]
    sector_names: tuple[str, ...]
    consolidation: np.ndarray  # per sector, 0..1
    grupo_codes: tuple[str, ...]
    grupo_names: tuple[str, ...]
    grupo_sector: np.ndarray  # index into sector_codes, per grupo
    grupo_quads: np.ndarray  # (n_grupos, 4, 2): lon/lat of the SW, SE, NE, NW corners

    def points(self, grupo: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """A random (lat, lon) inside each given grupo's quadrilateral (bilinear, so inside a convex quad)."""
        q = self.grupo_quads[grupo]
        u = rng.random(len(grupo))[:, None]
        v = rng.random(len(grupo))[:, None]
        south = q[:, 0] + (q[:, 1] - q[:, 0]) * u
        north = q[:, 3] + (q[:, 2] - q[:, 3]) * u
        p = south + (north - south) * v
        return p[:, 1], p[:, 0]


def _grid_nodes() -> np.ndarray:
    """The deformed grid nodes (cols+1, rows+1, 2): fixed pseudo-random jitter so the map looks organic."""
    jitter = np.random.default_rng(150142)
    lon = np.linspace(_WEST, _EAST, _COLS + 1)
    lat = np.linspace(_NORTH, _SOUTH, _ROWS + 1)
    nodes = np.stack(np.meshgrid(lon, lat, indexing="ij"), axis=-1)
    nodes[1:-1, :, 0] += jitter.uniform(-0.004, 0.004, size=(_COLS - 1, _ROWS + 1))
    nodes[:, 1:-1, 1] += jitter.uniform(-0.003, 0.003, size=(_COLS + 1, _ROWS - 1))
    return nodes


def _bilinear(quad: np.ndarray, u: float, v: float) -> np.ndarray:
    """Point at (u, v) in a quad given as SW, SE, NE, NW; v runs south to north."""
    south = quad[0] + (quad[1] - quad[0]) * u
    north = quad[3] + (quad[2] - quad[3]) * u
    return np.asarray(south + (north - south) * v)


def _sector_quad(code: str, nodes: np.ndarray) -> np.ndarray:
    c, r = _CELL[code]
    # row 0 is the northern one: its southern edge is grid row 1
    return np.array([nodes[c, r + 1], nodes[c + 1, r + 1], nodes[c + 1, r], nodes[c, r]])


def _grupo_quads(quad: np.ndarray, k: int) -> list[np.ndarray]:
    """Split a sector quad into k grupo quads: two bands (north, south), each cut into columns."""
    north_n = (k + 1) // 2
    bands = ((0.5, 1.0, north_n), (0.0, 0.5, k - north_n))
    out: list[np.ndarray] = []
    for v0, v1, n in bands:
        for i in range(n):
            u0, u1 = i / n, (i + 1) / n
            out.append(np.array([_bilinear(quad, u0, v0), _bilinear(quad, u1, v0),
                                 _bilinear(quad, u1, v1), _bilinear(quad, u0, v1)]))
    return out


def shipped_files(round_: int = 1) -> tuple[Path, Path, Path]:
    """A round's shipped table, sector boundaries and grupo boundaries (data/demo/)."""
    suffix = SUFFIX[round_]
    return (DATA_DIR / f"geography{suffix}.csv", DATA_DIR / f"sectors{suffix}.geojson",
            DATA_DIR / f"grupos{suffix}.geojson")


def _sectors(round_: int) -> tuple[tuple[str, str, int, float], ...]:
    """A round's sectors: code, name, number of grupos, consolidation (the split sector's new half is its old
    self's southern band, as consolidated as the rest of it)."""
    if round_ == 1:
        return SECTORS
    old, new, name = SPLIT
    k, consolidation = next((k, c) for code, _n, k, c in SECTORS if code == old)
    north = (k + 1) // 2
    kept = tuple((code, n, north if code == old else g, c) for code, n, g, c in SECTORS)
    return (*kept, (new, name, k - north, consolidation))


def build_geography(round_: int = 1) -> Geography:
    """A round's demo geography, computed (the shipped files in data/demo/ are written from it)."""
    nodes = _grid_nodes()
    sectors = _sectors(round_)
    index = {code: s for s, (code, *_rest) in enumerate(sectors)}
    kept = {code: k for code, _name, k, _c in sectors}
    grupo_codes: list[str] = []
    grupo_names: list[str] = []
    grupo_sector: list[int] = []
    quads: list[np.ndarray] = []

    def add(code: str, g: int, quad: np.ndarray) -> None:
        grupo_codes.append(f"{code}-G{g:02d}")
        grupo_names.append(f"Grupo Residencial {g} ({code})")
        grupo_sector.append(index[code])
        quads.append(quad)

    moved: list[np.ndarray] = []  # the split sector's southern grupos: the new sector's, listed last as in the form
    for code, _name, k, _c in SECTORS:
        for g, gq in enumerate(_grupo_quads(_sector_quad(code, nodes), k), start=1):
            if g <= kept[code]:
                add(code, g, gq)
            else:
                moved.append(gq)
    for g, gq in enumerate(moved, start=1):
        add(SPLIT[1], g, gq)
    return Geography(
        sector_codes=tuple(s[0] for s in sectors),
        sector_names=tuple(s[1] for s in sectors),
        consolidation=np.array([s[3] for s in sectors]),
        grupo_codes=tuple(grupo_codes),
        grupo_names=tuple(grupo_names),
        grupo_sector=np.array(grupo_sector),
        grupo_quads=np.array(quads),
    )


def _ring(quad: np.ndarray) -> list[list[float]]:
    pts = [[round(float(x), 6), round(float(y), 6)] for x, y in quad]
    return [*pts, pts[0]]  # counter-clockwise (SW, SE, NE, NW), closed


def _feature(code: str, name: str, parent: str, ring: list[list[float]]) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "parent_code": parent, "illustrative": True, "note": NOTE},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def write_geography_files(out_dir: Path = DATA_DIR, round_: int = 1) -> tuple[Path, ...]:
    """Write a round's geography.csv, sectors.geojson and grupos.geojson (how the shipped files were made)."""
    geo = build_geography(round_)
    nodes = _grid_nodes()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = tuple(out_dir / p.name for p in shipped_files(round_))
    with paths[0].open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["level", "code", "name", "parent_code"])
        w.writerow(["district", UBIGEO, DISTRICT_NAME, "1501"])
        for code, name in zip(geo.sector_codes, geo.sector_names, strict=True):
            w.writerow(["sector", code, name, UBIGEO])
        for code, name, s in zip(geo.grupo_codes, geo.grupo_names, geo.grupo_sector, strict=True):
            w.writerow(["grupo", code, name, geo.sector_codes[s]])
    sectors = [_feature(code, name, UBIGEO, _outline(code, nodes, k, round_))
               for (code, name, k, _c) in _sectors(round_)]
    grupos = [
        _feature(code, name, geo.sector_codes[s], _ring(q))
        for code, name, s, q in zip(geo.grupo_codes, geo.grupo_names, geo.grupo_sector, geo.grupo_quads,
                                    strict=True)
    ]
    for path, features in ((paths[1], sectors), (paths[2], grupos)):
        lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)  # one feature a line
        path.write_text(f'{{"type": "FeatureCollection", "name": "{path.stem}", "features": [\n{lines}\n]}}\n',
                        encoding="utf-8")
    return paths


def _outline(code: str, nodes: np.ndarray, k: int, round_: int) -> list[list[float]]:
    """A sector's ring in a round: the whole cell, or the split sector's northern or southern band."""
    old, new, _name = SPLIT
    if round_ == 1 or code not in (old, new):
        return _sector_ring(code, nodes, k)
    quad = _sector_quad(old, nodes)
    return _band_ring(quad, 0.5, 1.0, k) if code == old else _band_ring(quad, 0.0, 0.5, k)


def _sector_ring(code: str, nodes: np.ndarray, k: int) -> list[list[float]]:
    """The sector outline, with the grupo corners that fall on its edges, so grupos tile it exactly."""
    quad = _sector_quad(code, nodes)
    north_n = (k + 1) // 2
    south_n = k - north_n
    pts = [_bilinear(quad, i / south_n, 0.0) for i in range(south_n)]  # south edge, west to east
    pts += [_bilinear(quad, 1.0, 0.0), _bilinear(quad, 1.0, 0.5)]  # east edge
    pts += [_bilinear(quad, 1.0 - i / north_n, 1.0) for i in range(north_n)]  # north edge, east to west
    pts += [_bilinear(quad, 0.0, 1.0), _bilinear(quad, 0.0, 0.5)]  # west edge
    ring = [[round(float(x), 6), round(float(y), 6)] for x, y in pts]
    return [*ring, ring[0]]


def _band_ring(quad: np.ndarray, v0: float, v1: float, n: int) -> list[list[float]]:
    """The outline of one band (v0..v1) of a sector quad cut into n grupos, with their corners on its edges."""
    pts = [_bilinear(quad, i / n, v0) for i in range(n)]  # south edge, west to east
    pts += [_bilinear(quad, 1.0, v0)]  # south-east corner
    pts += [_bilinear(quad, 1.0 - i / n, v1) for i in range(n)]  # north edge, east to west
    pts += [_bilinear(quad, 0.0, v1)]  # north-west corner
    ring = [[round(float(x), 6), round(float(y), 6)] for x, y in pts]
    return [*ring, ring[0]]
