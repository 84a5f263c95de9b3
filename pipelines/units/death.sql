-- One row per death in the last 12 months in a clean household; `sex` is the deceased person's.
SELECT d.*, d.death_sex AS sex, h.district, h.sector, h.grupo, h.weight, h.head_sex
FROM clean.death d
JOIN household h ON h._row_key = d._parent_key
