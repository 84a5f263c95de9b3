-- A son or daughter of the head less than 12 years younger than the head, or a parent of the head less
-- than 12 years older (a child older than its parent is the extreme case).
SELECT m._submission_key AS submission_key, m._row_key AS row_key, 'age' AS "column",
       CAST(m.age AS VARCHAR) AS value, CAST(h.age AS VARCHAR) AS head_age
FROM member m
JOIN member h ON h._parent_key = m._parent_key AND h.relationship = 'head'
WHERE (m.relationship IN ('child', 'child_in_law') AND m.age > h.age - 12)
   OR (m.relationship IN ('parent', 'parent_in_law') AND m.age < h.age + 12)
