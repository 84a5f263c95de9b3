-- A child under 5 without a birth date: the age in days that stunting needs is unknown.
SELECT m._submission_key AS submission_key, m._row_key AS row_key, 'birth_date' AS "column", NULL AS value
FROM member m
WHERE m.age BETWEEN 0 AND 4 AND m.birth_date IS NULL
