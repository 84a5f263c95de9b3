-- HEA_02's units: children aged 0-4 in the roster (alive, at risk) and deaths under 5 in the last 12
-- months; `died` tells them apart and `sex` is the child's. A member or death whose age is empty may be
-- under 5: it is kept with `age_years` NULL, so HEA_02's universe counts it in n_missing, not nowhere.
SELECT _row_key, sex, district, sector, grupo, weight, head_sex, FALSE AS died, age AS age_years
FROM person WHERE age BETWEEN 0 AND 4 OR age IS NULL
UNION ALL
SELECT _row_key, sex, district, sector, grupo, weight, head_sex, TRUE AS died, death_age AS age_years
FROM death WHERE death_age BETWEEN 0 AND 4 OR death_age IS NULL
