-- Completed households with no member whose relationship is 'head', or with more than one.
SELECT h._submission_key AS submission_key, h._row_key AS row_key, 'relationship' AS "column",
       CAST(count(m._row_key) FILTER (WHERE m.relationship = 'head') AS VARCHAR) AS value
FROM household h
LEFT JOIN member m ON m._parent_key = h._row_key
GROUP BY h._submission_key, h._row_key
HAVING count(m._row_key) FILTER (WHERE m.relationship = 'head') <> 1
