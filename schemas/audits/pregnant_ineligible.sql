-- Pregnant, but not a woman aged 12 to 49.
SELECT _submission_key AS submission_key, _row_key AS row_key, 'pregnant' AS "column", pregnant AS value,
       sex, CAST(age AS VARCHAR) AS age
FROM member
WHERE pregnant = 'yes' AND (sex IS DISTINCT FROM 'female' OR age < 12 OR age > 49)
