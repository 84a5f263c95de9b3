-- A completed interview with no one in the roster.
SELECT h._submission_key AS submission_key, h._row_key AS row_key, 'hh_size' AS "column",
       CAST(h.hh_size AS VARCHAR) AS value
FROM household h
WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m._parent_key = h._row_key)
