-- One row per member of a clean household: the member's answers, the household's context, age group,
-- economic membership, employment status (age 14+: unknown when the deciding question is empty) and MPI.
SELECT m.*,
       h.district, h.sector, h.grupo, h.weight, h.head_sex, h.interview_date, h.y, h.y_known, h.z_total,
       h.z_extreme, h.mpi_known, h.mpi_score, h.mpi_score >= 1.0 / 3 - 1e-9 AS mpi_poor,
       h.d_schooling, h.d_attendance, h.d_nutrition, h.d_mortality, h.d_fuel, h.d_sanitation, h.d_water,
       h.d_electricity, h.d_housing, h.d_overcrowding,
       CASE WHEN m.age <= 5 THEN '0-5' WHEN m.age <= 11 THEN '6-11' WHEN m.age <= 17 THEN '12-17'
            WHEN m.age <= 29 THEN '18-29' WHEN m.age <= 44 THEN '30-44' WHEN m.age <= 59 THEN '45-59'
            WHEN m.age >= 60 THEN '60+' END AS age_group,
       (m.relationship IS NULL OR m.relationship NOT IN ('domestic_worker', 'boarder')) AS economic,
       CASE WHEN m.worked_last_week = 'yes' OR m.has_job_absent = 'yes' THEN TRUE
            WHEN m.worked_last_week = 'no' AND m.has_job_absent = 'no' THEN FALSE END AS employed,
       CASE WHEN m.worked_last_week = 'yes' OR m.has_job_absent = 'yes' THEN FALSE
            WHEN m.worked_last_week = 'no' AND m.has_job_absent = 'no' AND m.looked_for_work IS NOT NULL
            THEN m.looked_for_work = 'yes' END AS unemployed,
       z.age_days, z.haz
FROM clean.member m
JOIN household h ON h._row_key = m._parent_key
LEFT JOIN haz z ON z._row_key = m._row_key
