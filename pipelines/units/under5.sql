-- HEA_02's units: children aged 0-4 in the roster (alive, at risk) and deaths under 5 in the last 12
-- months; `died` tells them apart and `sex` is the child's.
SELECT _row_key, sex, district, sector, grupo, weight, head_sex, FALSE AS died FROM person WHERE age BETWEEN 0 AND 4
UNION ALL
SELECT _row_key, sex, district, sector, grupo, weight, head_sex, TRUE AS died FROM death WHERE death_age BETWEEN 0 AND 4
