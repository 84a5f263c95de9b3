-- The number of members said at the start of the roster differs from the rows of the roster.
SELECT h._submission_key AS submission_key, h._row_key AS row_key, 'hh_size' AS "column",
       CAST(h.hh_size AS VARCHAR) AS value, CAST(count(m._row_key) AS VARCHAR) AS rows
FROM household h
JOIN member m ON m._parent_key = h._row_key
WHERE h.hh_size IS NOT NULL
GROUP BY h._submission_key, h._row_key, h.hh_size
HAVING count(m._row_key) <> h.hh_size
