-- Member rows whose household is not among the submissions received: dropped from clean, reported here.
SELECT m._submission_key AS submission_key, m._row_key AS row_key, NULL AS "column", m._parent_key AS value
FROM all_member m
WHERE m._parent_key NOT IN (SELECT _row_key FROM all_household)
