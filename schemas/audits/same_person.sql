-- The same person (name, sex and birth date) listed in two different households.
WITH people AS (
    SELECT _submission_key, _row_key, lower(trim(full_name)) AS who, sex, birth_date
    FROM member WHERE full_name IS NOT NULL AND sex IS NOT NULL AND birth_date IS NOT NULL),
twice AS (
    SELECT who, sex, birth_date FROM people GROUP BY ALL HAVING count(DISTINCT _submission_key) > 1)
SELECT p._submission_key AS submission_key, p._row_key AS row_key, 'full_name' AS "column",
       CAST(p.birth_date AS VARCHAR) AS value
FROM people p JOIN twice USING (who, sex, birth_date)
