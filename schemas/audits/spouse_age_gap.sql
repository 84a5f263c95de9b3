-- Head and spouse more than 30 years apart: possible, but worth a second look.
SELECT s._submission_key AS submission_key, s._row_key AS row_key, 'age' AS "column",
       CAST(s.age AS VARCHAR) AS value, CAST(h.age AS VARCHAR) AS head_age
FROM member s
JOIN member h ON h._parent_key = s._parent_key AND h.relationship = 'head'
WHERE s.relationship = 'spouse' AND abs(s.age - h.age) > 30
