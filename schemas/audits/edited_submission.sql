-- A submission edited on the server after it was sent: the current version is used, the earlier kept.
-- Central and KoBo keep the first instanceID as the submission key; an edit gets a new instanceID (and, where
-- the export says so, a deprecatedID or an edit count).
SELECT _submission_key AS submission_key, _row_key AS row_key, 'instanceID' AS "column", _version_id AS value,
       coalesce(_deprecated_id, _submission_key) AS previous
FROM all_household
WHERE _deprecated_id IS NOT NULL OR try_cast(_edits AS INTEGER) > 0 OR _version_id <> _submission_key
