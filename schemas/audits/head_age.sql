-- A head of household younger than 12.
SELECT _submission_key AS submission_key, _row_key AS row_key, 'age' AS "column", CAST(age AS VARCHAR) AS value
FROM member
WHERE relationship = 'head' AND age < 12
