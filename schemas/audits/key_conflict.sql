-- One submission key received with two different contents under the same version: which one is true is
-- unknown, so the household is held back.
SELECT v._submission_key AS submission_key, v._submission_key AS row_key, 'instanceID' AS "column",
       v._version_id AS value
FROM versions v
WHERE v.status = 'conflict' AND v._submission_key IN (SELECT _submission_key FROM all_household)
