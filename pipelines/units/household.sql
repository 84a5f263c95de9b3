-- One row per clean household, with what household- and person-level indicators share:
-- head's sex, members, the economic household's per-capita income y (INEI: members other than domestic
-- workers and boarders), and the Alkire-Foster MPI deprivations, score and identification (k = 1/3).
WITH m AS (
    SELECT m.*,
           (m.relationship IS NULL OR m.relationship NOT IN ('domestic_worker', 'boarder')) AS economic
    FROM clean.member m
),
roster AS (
    SELECT _parent_key,
           count(*) AS n_members,
           count(*) FILTER (WHERE economic) AS n_economic,
           any_value(sex) FILTER (WHERE relationship = 'head') AS head_sex,
           sum(coalesce(income_labour, 0) + coalesce(income_other, 0)) FILTER (WHERE economic) AS income_members,
           -- y is unknown when an economic member aged 14+ (or of unknown age) has an income item empty
           bool_or(economic AND coalesce(age, 99) >= 14 AND (income_labour IS NULL OR income_other IS NULL))
               AS income_gap,
           -- undecided (NULL) when no woman is found but a head or spouse has no sex: GEN_06's n_missing
           CASE WHEN bool_or(sex = 'female' AND relationship IN ('head', 'spouse')) THEN TRUE
                WHEN bool_or(sex IS NULL AND relationship IN ('head', 'spouse')) THEN NULL
                ELSE FALSE END AS woman_head_or_spouse,
           -- MPI, education: decided from the members whose items are known
           bool_or(years_schooling >= 6) FILTER (WHERE age >= 10) AS someone_6_years,
           count(years_schooling) FILTER (WHERE age >= 10) AS schooling_known,
           bool_or(attends_school = 'no') FILTER (WHERE age BETWEEN 6 AND 16) AS child_out_of_school,
           -- PePI: the reference woman (female head, else the head's female spouse, else the head)
           bool_or(relationship = 'head' AND sex = 'female') AS female_head,
           bool_or(relationship = 'spouse' AND sex = 'female') AS female_spouse,
           any_value(education_level) FILTER (WHERE relationship = 'head') AS head_education,
           any_value(education_level) FILTER (WHERE relationship = 'spouse' AND sex = 'female') AS spouse_education,
           bool_or(mother_tongue IN ('quechua', 'aymara', 'amazonian', 'other_native'))
               FILTER (WHERE relationship IN ('head', 'spouse')) AS native_tongue,
           bool_and(mother_tongue IS NOT NULL) FILTER (WHERE relationship IN ('head', 'spouse')) AS tongues_known
    FROM m GROUP BY _parent_key
),
stunting AS (
    SELECT m._parent_key, bool_or(z.haz < -2) AS child_stunted
    FROM clean.member m JOIN haz z USING (_row_key)
    WHERE z.haz IS NOT NULL AND abs(z.haz) <= 6
    GROUP BY m._parent_key
),
child_deaths AS (
    SELECT _parent_key, bool_or(death_age < 18) AS child_died FROM clean.death GROUP BY _parent_key
),
h AS (
    SELECT h.*,
           coalesce(CAST(h.ubigeo AS VARCHAR), (SELECT ubigeo FROM params)) AS district,
           CAST({{ weight }} AS DOUBLE) AS weight,
           r.n_members, r.n_economic, r.head_sex, r.woman_head_or_spouse,
           CASE WHEN r.female_head THEN r.head_education WHEN r.female_spouse THEN r.spouse_education
                ELSE r.head_education END AS reference_education,
           CASE WHEN r.native_tongue THEN TRUE WHEN r.tongues_known THEN FALSE END AS pepi_native,
           CASE WHEN r.n_economic > 0 AND NOT coalesce(r.income_gap, FALSE) AND h.income_household_other IS NOT NULL
                THEN (r.income_members + h.income_household_other) / r.n_economic END AS y,
           -- MPI deprivations (TRUE = deprived)
           coalesce(r.schooling_known > 0 AND NOT coalesce(r.someone_6_years, FALSE), FALSE) AS d_schooling,
           coalesce(r.child_out_of_school, FALSE) AS d_attendance,
           coalesce(s.child_stunted, FALSE) AS d_nutrition,
           coalesce(c.child_died, FALSE) AS d_mortality,
           h.cooking_fuel IN ('charcoal', 'wood', 'dung') AS d_fuel,
           h.sanitation NOT IN ('sewer_inside', 'sewer_outside', 'septic') AS d_sanitation,
           h.water_source NOT IN ('network_inside', 'network_outside', 'standpipe') AS d_water,
           h.electricity = 'no' AS d_electricity,
           (h.floor_material = 'earth' OR h.wall_material IN ('estera', 'scrap')
            OR h.roof_material IN ('estera', 'scrap')) AS d_housing,
           r.n_members > 3 * h.rooms AS d_overcrowding,
           (h.cooking_fuel IS NOT NULL AND h.sanitation IS NOT NULL AND h.water_source IS NOT NULL
            AND h.electricity IS NOT NULL AND h.floor_material IS NOT NULL AND h.wall_material IS NOT NULL
            AND h.roof_material IS NOT NULL AND h.rooms IS NOT NULL) AS mpi_known
    FROM clean.household h
    LEFT JOIN roster r ON r._parent_key = h._row_key
    LEFT JOIN stunting s ON s._parent_key = h._row_key
    LEFT JOIN child_deaths c ON c._parent_key = h._row_key
    WHERE h._status = 'clean'
)
SELECT h.*,
       h.y IS NOT NULL AS y_known,
       -- PePI (MIDIS): how many of its four criteria hold, and whether all four are known
       CAST((SELECT area_type FROM params) = 'rural' AS INT)
         + CAST(coalesce(h.reference_education IN ('none', 'initial', 'primary_incomplete'), FALSE) AS INT)
         + CAST(coalesce(h.y < (SELECT quintile1 FROM params), FALSE) AS INT)
         + CAST(coalesce(h.pepi_native, FALSE) AS INT) AS pepi_criteria,
       (h.reference_education IS NOT NULL AND h.y IS NOT NULL AND (SELECT quintile1 FROM params) IS NOT NULL
        AND h.pepi_native IS NOT NULL) AS pepi_criteria_known,
       (SELECT z_total FROM params) AS z_total,
       (SELECT z_extreme FROM params) AS z_extreme,
       (SELECT quintile1 FROM params) AS quintile1,
       (SELECT area_type FROM params) AS area_type,
       CASE WHEN h.mpi_known THEN
           (CAST(d_schooling AS INT) + CAST(d_attendance AS INT) + CAST(d_nutrition AS INT)
            + CAST(d_mortality AS INT)) / 6.0
         + (CAST(d_fuel AS INT) + CAST(d_sanitation AS INT) + CAST(d_water AS INT) + CAST(d_electricity AS INT)
            + CAST(d_housing AS INT) + CAST(d_overcrowding AS INT)) / 18.0
       END AS mpi_score
FROM h
