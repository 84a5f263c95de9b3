-- A submission edited on the server after it was sent: the current version is used, the earlier kept.
SELECT _submission_key AS submission_key, _row_key AS row_key, 'instanceID' AS "column", _version_id AS value,
       _deprecated_id AS previous
FROM all_household
WHERE _deprecated_id IS NOT NULL OR try_cast(_edits AS INTEGER) > 0
