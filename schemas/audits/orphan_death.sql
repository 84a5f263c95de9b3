-- Death rows whose household is not among the submissions received.
SELECT d._submission_key AS submission_key, d._row_key AS row_key, NULL AS "column", d._parent_key AS value
FROM all_death d
WHERE d._parent_key NOT IN (SELECT _row_key FROM all_household)
