-- The same submission received more than once, identical: loaded once, reported so the phone is checked.
SELECT v._submission_key AS submission_key, v._submission_key AS row_key, 'instanceID' AS "column",
       v._version_id AS value
FROM versions v
WHERE v.status = 'duplicate'
