-- Completed years between birth date and interview date that disagree with the age given.
SELECT m._submission_key AS submission_key, m._row_key AS row_key, 'birth_date' AS "column",
       CAST(m.birth_date AS VARCHAR) AS value, CAST(m.age AS VARCHAR) AS age,
       CAST(date_sub('year', m.birth_date, h.interview_date) AS VARCHAR) AS years
FROM member m
JOIN household h ON h._row_key = m._parent_key
WHERE m.birth_date IS NOT NULL AND h.interview_date IS NOT NULL AND m.age IS NOT NULL
  AND (m.birth_date > h.interview_date OR date_sub('year', m.birth_date, h.interview_date) <> m.age)
